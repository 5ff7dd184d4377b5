import { mysqlSkipReason } from './mysql.js';
import type { Engine } from './stack.js';

const ALL: readonly Engine[] = ['sqlite', 'mysql'];

/**
 * The engines this run asks for: TEST_ENGINES (`sqlite`, `mysql` or both, comma-separated; jest's
 * integration project sets `sqlite`, its mysql project `mysql`), else both.
 */
function wanted(): Engine[] {
  const list = (process.env.TEST_ENGINES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) return [...ALL];
  for (const e of list) if (!ALL.includes(e as Engine)) throw new Error(`TEST_ENGINES: unknown engine ${JSON.stringify(e)}; expected sqlite, mysql or both`);
  return list as Engine[];
}

/** The database engines a suite runs on in this run, each with its skip reason (false to run). */
export async function engines(): Promise<{ engine: Engine; skip: string | false }[]> {
  const out: { engine: Engine; skip: string | false }[] = [];
  for (const engine of wanted()) out.push({ engine, skip: engine === 'mysql' ? await mysqlSkipReason() : false });
  return out;
}
