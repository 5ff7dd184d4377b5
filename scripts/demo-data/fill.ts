import { DemoActivity } from './activity.js';
import { Population } from './generate.js';
import { buildShowcase, reservedBy } from './showcase.js';
import type { SeedWriter } from './writer.js';

/** Subjects generated and written per transaction. */
export const CHUNK_SUBJECTS = 1_000;

/**
 * Writes the demo data: the showcase, then the population chunk by chunk with the activity of the
 * last weeks (objections, repairs, checks and feedback). `progress` hears how many subjects are
 * written. Used by `npm run seed` and by the tests that show pages over the demo data.
 */
export async function fillDemoData(writer: SeedWriter, options: { seed: number; asOf: string; subjects: number }, progress: (done: number) => void = () => {}): Promise<Population> {
  const showcase = buildShowcase(options.asOf);
  await writer.write(showcase);
  const population = new Population({ seed: options.seed, asOf: options.asOf, subjects: options.subjects }, reservedBy(showcase));
  const activity = new DemoActivity(options.seed, options.asOf, await writer.catalogue());
  // Generate the next chunk while the previous one is being written; at most two chunks in memory.
  let pending: Promise<void> = Promise.resolve();
  for (let from = 0; from < population.total; from += CHUNK_SUBJECTS) {
    const to = Math.min(from + CHUNK_SUBJECTS, population.total);
    const rows = population.generate(from, to);
    const happened = activity.apply(rows, from / CHUNK_SUBJECTS);
    await pending;
    progress(from);
    pending = writer.write(rows).then(() => writer.writeActivity(happened));
  }
  await pending;
  progress(population.total);
  return population;
}
