import { mysqlSkipReason } from './mysql.js';
import type { Engine } from './stack.js';

/** The database engines a suite runs on, each with its skip reason (false to run). */
export async function engines(): Promise<{ engine: Engine; skip: string | false }[]> {
  return [
    { engine: 'sqlite', skip: false },
    { engine: 'mysql', skip: await mysqlSkipReason() },
  ];
}
