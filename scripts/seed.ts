/**
 * `npm run seed`: fills every subgraph database with demo data — the fixed showcase
 * (scripts/demo-data/showcase.ts) and a random, deterministic population streamed in chunks.
 * Run with --help for the options. Exit codes: 0 done (or nothing to do), 1 failed, 2 bad options.
 */
import { ConfigError } from '../subgraphs/kit/env.js';
import { fillDemoData } from './demo-data/fill.js';
import { populationSizes } from './demo-data/generate.js';
import { parseSeedOptions, UsageError, USAGE, type SeedOptions } from './demo-data/options.js';
import { formatCount, formatDuration, Progress } from './demo-data/progress.js';
import { SeedWriter } from './demo-data/writer.js';

/** A failure the user can act on: reported without a stack trace. */
class SeedRefusal extends Error {}

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

async function seed(options: SeedOptions): Promise<void> {
  const started = performance.now();
  const { legal, natural } = populationSizes(options.subjects);
  log(`seed: ${SeedWriter.describeTarget()}`);
  const writer = await SeedWriter.open({ reset: options.reset });
  try {
    if (options.reset) log('seed: dropped and recreated every subgraph database (--reset)');
    if (options.ifEmpty && (await writer.hasDemoData())) {
      log('seed: the databases already hold demo data (market registrations exist); nothing to do (--if-empty)');
      return;
    }
    const filled = await writer.nonEmptyTables();
    if (filled.length > 0) {
      throw new SeedRefusal(
        `the databases already hold data (${filled.slice(0, 3).join(', ')}${filled.length > 3 ? ` and ${filled.length - 3} more tables` : ''}): run with --reset to replace it, or --if-empty to keep it`,
      );
    }

    log(
      `seed: ${formatCount(options.subjects)} subjects (${formatCount(legal)} legal persons, ${formatCount(natural)} natural persons) ` +
        `+ showcase, seed ${options.seed}, as of ${options.asOf}`,
    );
    const progress = new Progress(options.subjects);
    await fillDemoData(writer, options, (done) => progress.update(done));
    progress.finish();

    const elapsed = performance.now() - started;
    const width = Math.max(...[...writer.counts.keys()].map((k) => k.length));
    let total = 0;
    log('seed: rows written');
    for (const [table, count] of writer.counts) {
      total += count;
      log(`  ${table.padEnd(width)}  ${formatCount(count).padStart(11)}`);
    }
    log(`  ${'total'.padEnd(width)}  ${formatCount(total).padStart(11)}`);
    const rate = elapsed > 0 ? Math.round((options.subjects / elapsed) * 1000) : 0;
    log(`seed: done in ${formatDuration(elapsed)} (${(elapsed / 1000).toFixed(1)} s, ${formatCount(rate)} subjects/s)`);
  } finally {
    await writer.close();
  }
}

let options: SeedOptions;
try {
  options = parseSeedOptions(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`seed: ${err.message}\n\n${USAGE}\n`);
  process.exit(2);
}

if (options.help) {
  log(USAGE);
} else {
  try {
    await seed(options);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`\nseed failed: ${message}\n`);
    // A stack helps with a bug, not with a refusal, a configuration or a connection error.
    const expected = err instanceof ConfigError || err instanceof SeedRefusal || (err instanceof Error && 'code' in err);
    if (err instanceof Error && !expected && err.stack) {
      process.stderr.write(`${err.stack.split('\n').slice(1).join('\n')}\n`);
    }
    process.exit(1);
  }
}
process.exit(0);
