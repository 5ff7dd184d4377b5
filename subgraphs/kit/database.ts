import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { runStatement, type SqlHandle } from './sql.js';
import knexFactory, { type Knex } from 'knex';
import { ConfigError, envOptional, envString } from './env.js';

/** Where a subgraph keeps its data: an embedded SQLite file, or its own database on a MySQL server. */
export type DatabaseConfig =
  | { engine: 'sqlite'; file: string }
  | { engine: 'mysql'; serverUrl: string; database: string };

export function isMysql(config: DatabaseConfig): config is Extract<DatabaseConfig, { engine: 'mysql' }> {
  return config.engine === 'mysql';
}

/**
 * Reads the database settings for one subgraph.
 * - `DATABASE_URL` unset: SQLite file `${DATA_DIR}/${name}.sqlite` (DATA_DIR defaults to `./data`).
 * - `DATABASE_URL=mysql://user:pass@host:port`: database `${DATABASE_PREFIX}${name}` on that server
 *   (DATABASE_PREFIX defaults to `credit_`), created if missing.
 */
export function databaseConfigFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = envOptional('DATABASE_URL', env);
  if (!url) {
    const dir = envString('DATA_DIR', './data', env);
    return { engine: 'sqlite', file: path.resolve(dir, `${name}.sqlite`) };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`DATABASE_URL=${JSON.stringify(redactUrl(url))} is not a URL: expected mysql://user[:password]@host[:port]`);
  }
  if (parsed.protocol !== 'mysql:') {
    throw new ConfigError(`DATABASE_URL uses '${parsed.protocol}', expected 'mysql:' (or leave it unset for SQLite)`);
  }
  const prefix = envString('DATABASE_PREFIX', 'credit_', env);
  if (!/^[A-Za-z0-9_]*$/.test(prefix)) {
    throw new ConfigError(`DATABASE_PREFIX=${JSON.stringify(prefix)} is not valid: expected letters, digits and underscores`);
  }
  return { engine: 'mysql', serverUrl: url, database: `${prefix}${name}` };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** The connection settings of a MySQL server URL (and database), as every pool of the project opens it. */
export function mysqlConnection(serverUrl: string, database?: string): Knex.MySql2ConnectionConfig {
  const u = new URL(serverUrl);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    dateStrings: true,
  };
}

/** Opens a connection pool, creating the MySQL database or the SQLite folder if missing. */
export async function openDatabase(config: DatabaseConfig): Promise<Knex> {
  if (config.engine === 'sqlite') {
    mkdirSync(path.dirname(config.file), { recursive: true });
    const db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: config.file },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
          conn.pragma('journal_mode = WAL');
          conn.pragma('synchronous = NORMAL');
          conn.pragma('busy_timeout = 5000');
          done(null, conn);
        },
      },
    });
    return db;
  }
  const admin = knexFactory({ client: 'mysql2', connection: mysqlConnection(config.serverUrl), pool: { min: 0, max: 1 } });
  try {
    await admin.raw('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_bin', [config.database]);
  } finally {
    await admin.destroy();
  }
  return knexFactory({
    client: 'mysql2',
    connection: mysqlConnection(config.serverUrl, config.database),
    pool: { min: 0, max: 10 },
  });
}

/** Drops a MySQL database or deletes a SQLite file; used by tests and `seed --reset`. */
export async function dropDatabase(config: DatabaseConfig): Promise<void> {
  if (config.engine === 'sqlite') {
    const { rmSync } = await import('node:fs');
    for (const suffix of ['', '-wal', '-shm']) rmSync(config.file + suffix, { force: true });
    return;
  }
  const admin = knexFactory({ client: 'mysql2', connection: mysqlConnection(config.serverUrl), pool: { min: 0, max: 1 } });
  try {
    await admin.raw('DROP DATABASE IF EXISTS ??', [config.database]);
  } finally {
    await admin.destroy();
  }
}

/** A migration with typed up and down, named `yyyymmddhhmmss_name`. Never edit one that has shipped. */
export interface Migration {
  name: string;
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

/**
 * Runs the given migrations in order (an explicit list, never a directory scan). Processes that
 * share a database may know different parts of its list: the gateway migrates only the registry's
 * tables of the registry database, whose subgraph also adds its audit chain. So a migration
 * recorded as done but absent from `migrations` is not an error here.
 */
export async function migrate(db: Knex, migrations: readonly Migration[]): Promise<void> {
  const source: Knex.MigrationSource<Migration> = {
    getMigrations: async () => [...migrations],
    getMigrationName: (m) => m.name,
    getMigration: async (m) => ({ up: (k: Knex) => m.up(k), down: (k: Knex) => m.down(k) }),
  };
  await db.migrate.latest({ migrationSource: source, tableName: 'knex_migrations', disableMigrationsListValidation: true });
}

/** Whether the database exists already (the SQLite file, or the database on the MySQL server), without creating it. */
export async function databaseExists(config: DatabaseConfig): Promise<boolean> {
  if (config.engine === 'sqlite') {
    return existsSync(config.file);
  }
  const admin = knexFactory({ client: 'mysql2', connection: mysqlConnection(config.serverUrl), pool: { min: 0, max: 1 } });
  try {
    const rows = (await admin('information_schema.SCHEMATA').where('SCHEMA_NAME', config.database).select('SCHEMA_NAME')) as unknown[];
    return rows.length > 0;
  } finally {
    await admin.destroy();
  }
}

/**
 * Takes SQLite's write lock at the start of a transaction that reads before it writes. Another
 * process writing the same file (the push relay and the platform share platform.sqlite) would
 * otherwise make the later write fail at once with SQLITE_BUSY instead of waiting. MySQL locks
 * rows as it goes and needs nothing here.
 */
export async function lockForWrite(trx: SqlHandle, table: string): Promise<void> {
  if (trx.client.config.client !== 'better-sqlite3') return;
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`lockForWrite: ${JSON.stringify(table)} is not a table name`);
  await runStatement(trx, `update ${table} set rowid = rowid where 0`);
}
