/**
 * Writes seed rows into the subgraph databases: opens each with `databaseConfigFromEnv` and runs its
 * migrations, then inserts chunk after chunk, one transaction per chunk and database, in
 * multi-row statements of at most 500 rows (SQLite's limit on compound selects, which knex uses
 * for multi-row inserts).
 */
import type { Knex } from 'knex';
import { databaseConfigFromEnv, dropDatabase, migrate, openDatabase, redactUrl, type DatabaseConfig } from '../../subgraphs/kit/database.js';
import { DEFINITIONS } from '../../subgraphs/definitions.js';
import { SERVICES, type ServiceName } from '../../subgraphs/services.js';
import { appendAudit, systemActor } from '../../subgraphs/kit/audit.js';
import { appendSeals, SEALED_TABLES, sealRows, type SealedTableName } from '../../subgraphs/kit/audit-seals.js';
import { storeChecks } from '../../subgraphs/platform/check/repository.js';
import { currentMeasures } from '../../subgraphs/platform/measures/repository.js';
import type { MeasureVersion } from '../../subgraphs/platform/measures/types.js';
import type { Activity } from './activity.js';
import { DEPARTMENT_NAMES, SEEDED_TABLES, tablesOf, type Department, type SeedRows } from './rows.js';

export const ROWS_PER_INSERT = 500;

interface Opened {
  name: ServiceName;
  config: DatabaseConfig;
  db: Knex;
}

export class SeedWriter {
  /** Rows written so far, by `department.table`. */
  readonly counts = new Map<string, number>();

  private constructor(private readonly databases: Map<ServiceName, Opened>) {
    for (const [department, table] of SEEDED_TABLES) this.counts.set(`${department}.${table}`, 0);
    this.counts.set('platform.checks', 0);
    this.counts.set('platform.feedback', 0);
  }

  /** A writer over databases already open and migrated (the tests' stacks); `close` leaves them open. */
  static over(databases: ReadonlyMap<ServiceName, Knex>): SeedWriter {
    const writer = new SeedWriter(new Map());
    for (const [name, db] of databases) writer.borrowed.set(name, db);
    return writer;
  }

  private readonly borrowed = new Map<ServiceName, Knex>();

  /** Where the data goes, for the log: the SQLite folder or the MySQL server and databases. */
  static describeTarget(env: NodeJS.ProcessEnv = process.env): string {
    const config = databaseConfigFromEnv('platform', env);
    if (config.engine === 'sqlite') return `SQLite files ${config.file.replace(/platform\.sqlite$/, '{name}.sqlite')}`;
    return `MySQL ${redactUrl(config.serverUrl)}, databases ${config.database.replace(/platform$/, '{name}')}`;
  }

  /** Opens (after dropping, with `reset`) and migrates every subgraph database. */
  static async open(options: { reset: boolean }): Promise<SeedWriter> {
    const databases = new Map<ServiceName, Opened>();
    const writer = new SeedWriter(databases);
    try {
      for (const { name } of SERVICES) {
        const config = databaseConfigFromEnv(name);
        if (options.reset) await dropDatabase(config);
        const db = await openDatabase(config);
        databases.set(name, { name, config, db });
        await migrate(db, DEFINITIONS[name].migrations);
      }
    } catch (err) {
      await writer.close();
      throw err;
    }
    return writer;
  }

  private db(name: ServiceName): Knex {
    const borrowed = this.borrowed.get(name);
    if (borrowed) return borrowed;
    const opened = this.databases.get(name);
    if (!opened) throw new Error(`database ${name} is not open`);
    return opened.db;
  }

  /** Whether the seed has run before: market holds registrations. */
  async hasDemoData(): Promise<boolean> {
    return (await this.db('market')('registrations').first('subject_id')) !== undefined;
  }

  /** The seeded tables that already hold rows. */
  async nonEmptyTables(): Promise<string[]> {
    const found: string[] = [];
    for (const [department, table] of SEEDED_TABLES) {
      if ((await this.db(department)(table).first()) !== undefined) found.push(`${department}.${table}`);
    }
    return found;
  }

  /** Inserts one chunk: per department one transaction, the departments in parallel. */
  async write(rows: SeedRows): Promise<void> {
    await Promise.all(DEPARTMENT_NAMES.map((department) => this.writeDepartment(department, rows)));
  }

  private async writeDepartment(department: Department, rows: SeedRows): Promise<void> {
    const tables = tablesOf(rows, department).filter(([, list]) => list.length > 0);
    if (tables.length === 0) return;
    await this.db(department).transaction(async (trx) => {
      for (const [table, list] of tables) {
        for (let start = 0; start < list.length; start += ROWS_PER_INSERT) {
          await trx(table).insert(list.slice(start, start + ROWS_PER_INSERT));
        }
        // Rows that decide verdicts go under the audit chain as the platform's own writes do.
        if (SEALED_TABLES.some((t) => t.table === table)) await sealRows(trx, table as SealedTableName, list);
      }
      await appendSeals(trx, systemActor('seed'));
    });
    for (const [table, list] of tables) {
      const key = `${department}.${table}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + list.length);
    }
  }

  /** The measures catalogue in force, which the demo checks are evaluated against. */
  catalogue(): Promise<MeasureVersion[]> {
    return currentMeasures(this.db('platform'));
  }

  /**
   * Stores demo checks as the platform stores every check (each with its audit entry), and their
   * feedback with one audit entry per check, as reported feedback is.
   */
  async writeActivity(activity: Activity): Promise<void> {
    const db = this.db('platform');
    for (let start = 0; start < activity.checks.length; start += ROWS_PER_INSERT) await storeChecks(db, activity.checks.slice(start, start + ROWS_PER_INSERT));
    const byCheck = new Map<string, typeof activity.feedback>();
    for (const f of activity.feedback) byCheck.set(f.check_id, [...(byCheck.get(f.check_id) ?? []), f]);
    const actors = new Map(activity.checks.map((c) => [c.check.checkId, c.actor]));
    await db.transaction(async (trx) => {
      for (let start = 0; start < activity.feedback.length; start += ROWS_PER_INSERT) await trx('feedback').insert(activity.feedback.slice(start, start + ROWS_PER_INSERT));
      await appendAudit(trx, [...byCheck].map(([checkId, items]) => ({ actor: actors.get(checkId)!, action: 'platform.reportFeedback', entityId: checkId, payload: { checkId, items } })));
    });
    this.counts.set('platform.checks', this.counts.get('platform.checks')! + activity.checks.length);
    this.counts.set('platform.feedback', this.counts.get('platform.feedback')! + activity.feedback.length);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.databases.values()].map((d) => d.db.destroy()));
    this.databases.clear();
  }
}
