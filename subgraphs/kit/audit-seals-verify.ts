import type { Knex } from 'knex';
import type { AuditRow, RowSeals } from './audit.js';
import { SEALED_TABLES, rowKey, rowSeal } from './audit-seals.js';
import { ProblemLog, type AuditProblem } from './audit-verify.js';

/** What comparing the sealed tables with their seals found. */
export interface SealsReport {
  /** Per sealed table the database has: rows read, and rows that match their last seal. */
  tables: { table: string; rows: number; matched: number }[];
  first: AuditProblem | null;
  problems: number;
}

interface LastSeal {
  seq: number;
  sha256: string | null;
}

/**
 * Compares every row of the sealed tables with its last seal in the audit chain: while the chain
 * is walked, the seals in each page's entries are collected (the last seal of each row wins); then each
 * table is read page by page and every row's hash is compared. A row that no longer matches was
 * edited; a row without a seal was inserted outside the platform; a seal whose row is gone marks
 * a deleted row. Memory holds one short entry per sealed row.
 *
 * @example
 * const seals = new SealsCrossCheck(db);
 * await verifyChain(db, { onPage: (rows) => seals.onPage(rows) });
 * const report = await seals.finish();
 */
export class SealsCrossCheck {
  private readonly log = new ProblemLog();
  private readonly seals = new Map<string, Map<string, LastSeal>>();

  constructor(
    private readonly db: Knex,
    private readonly pageSize = 1000,
  ) {}

  onPage(entries: readonly AuditRow[]): void {
    for (const entry of entries) {
      // Only entries of writes to sealed tables carry seals; the rest are not parsed.
      if (!entry.payload.includes('"rowSeals":')) continue;
      let seals: RowSeals[];
      try {
        seals = (JSON.parse(entry.payload) as { rowSeals: RowSeals[] }).rowSeals;
        if (!Array.isArray(seals)) throw new Error('rowSeals is not a list');
      } catch {
        this.log.add({ kind: 'altered', seq: Number(entry.seq), action: entry.action, entity: entry.entity_id, detail: 'the row seals of the entry cannot be read' });
        continue;
      }
      for (const { table: name, rows } of seals) {
        let table = this.seals.get(name);
        if (!table) this.seals.set(name, (table = new Map()));
        for (const [key, sha256] of rows) table.set(key, { seq: Number(entry.seq), sha256 });
      }
    }
  }

  async finish(): Promise<SealsReport> {
    const tables: SealsReport['tables'] = [];
    for (const spec of SEALED_TABLES) {
      if (!(await this.db.schema.hasTable(spec.table))) continue;
      const seals = this.seals.get(spec.table) ?? new Map<string, LastSeal>();
      let rows = 0;
      let matched = 0;
      const order = spec.key.map((column) => ({ column }));
      for (let offset = 0; ; offset += this.pageSize) {
        const page = (await this.db(spec.table).orderBy(order).limit(this.pageSize).offset(offset)) as Record<string, unknown>[];
        for (const row of page) {
          rows++;
          const key = rowKey(spec, row);
          const seal = seals.get(key);
          seals.delete(key);
          const entity = `${spec.table} ${key}`;
          if (!seal || seal.sha256 === null) {
            const was = seal ? ` (sealed as deleted by entry ${seal.seq})` : '';
            this.log.add({ kind: 'altered', seq: null, action: spec.table, entity: key, detail: `row ${entity} has no seal in the audit chain${was}: it was inserted outside the platform` });
          } else if (rowSeal(row) !== seal.sha256) {
            this.log.add({ kind: 'altered', seq: seal.seq, action: spec.table, entity: key, detail: `row ${entity} no longer matches its seal (entry ${seal.seq}): it was edited outside the platform` });
          } else {
            matched++;
          }
        }
        if (page.length < this.pageSize) break;
      }
      for (const [key, seal] of seals) {
        if (seal.sha256 === null) continue;
        this.log.add({ kind: 'missing', seq: seal.seq, action: spec.table, entity: key, detail: `row ${spec.table} ${key} is sealed (entry ${seal.seq}) but not in the table: it was deleted outside the platform` });
      }
      tables.push({ table: spec.table, rows, matched });
    }
    return { tables, first: this.log.first, problems: this.log.count };
  }
}
