import knexFactory from 'knex';

/** The MySQL server tests use: TEST_MYSQL_URL, or the local MariaDB every machine here runs. */
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

let reachable: Promise<boolean> | undefined;

export function mysqlReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const u = new URL(TEST_MYSQL_URL);
    const db = knexFactory({
      client: 'mysql2',
      connection: { host: u.hostname, port: Number(u.port || 3306), user: u.username || 'root', password: decodeURIComponent(u.password), connectTimeout: 3000 },
      pool: { min: 0, max: 1 },
    });
    try {
      await db.raw('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await db.destroy();
    }
  })();
  return reachable;
}

/**
 * Whether MySQL tests should run. In CI they are mandatory: an unreachable server fails them.
 * Elsewhere they are skipped with a visible notice.
 */
export async function mysqlSkipReason(): Promise<string | false> {
  if (await mysqlReachable()) return false;
  if (process.env.CI) throw new Error(`MySQL at ${TEST_MYSQL_URL} is unreachable, and MySQL tests are mandatory in CI`);
  const notice = `MySQL at ${TEST_MYSQL_URL} is unreachable: MySQL tests skipped (they are mandatory when CI is set)`;
  console.warn(`NOTICE: ${notice}`);
  return notice;
}
