import type { Knex } from 'knex';
import { appendAudit, systemActor, type AuditActor } from '../../kit/audit.js';
import { sealRows } from '../../kit/audit-seals.js';
import { lockForWrite } from '../../kit/database.js';
import { readsOf } from '../../kit/sql.js';
import type { MeasureContent, MeasureVersion } from './types.js';

interface MeasureRow {
  row_id?: number;
  code: string;
  version: number;
  name: string;
  kind: MeasureVersion['kind'];
  mandatory: number | boolean;
  matters: string;
  triggers: string;
  three_clean_years: number | boolean;
  legal_basis: string;
  implementing_departments: string;
  retired: number | boolean;
  valid_from: string;
  valid_to: string | null;
  changed_by: string;
  change_note: string;
}

function fromRow(row: MeasureRow): MeasureVersion {
  return {
    code: row.code,
    version: Number(row.version),
    name: row.name,
    kind: row.kind,
    mandatory: Boolean(row.mandatory),
    matters: JSON.parse(row.matters),
    triggers: JSON.parse(row.triggers),
    requiresThreeCleanYears: Boolean(row.three_clean_years),
    legalBasis: row.legal_basis,
    implementingDepartments: JSON.parse(row.implementing_departments),
    retired: Boolean(row.retired),
    validFrom: row.valid_from,
    validTo: row.valid_to,
    changedBy: row.changed_by,
    changeNote: row.change_note,
  };
}

function toRow(code: string, version: number, content: MeasureContent, retired: boolean, at: string, by: string, note: string): MeasureRow {
  return {
    code,
    version,
    name: content.name,
    kind: content.kind,
    mandatory: content.mandatory,
    matters: JSON.stringify(content.matters),
    triggers: JSON.stringify(content.triggers),
    three_clean_years: content.requiresThreeCleanYears,
    legal_basis: content.legalBasis,
    implementing_departments: JSON.stringify(content.implementingDepartments),
    retired,
    valid_from: at,
    valid_to: null,
    changed_by: by,
    change_note: note,
  };
}

/** The catalogue last read by each pool, with the state of the table it was read at. */
const catalogues = new WeakMap<Knex, { state: string; measures: MeasureVersion[] }>();

/**
 * The current version of every measure, retired ones included, by code. Every check needs it, so
 * it is kept between requests and read again only when the table has changed: every change of
 * the catalogue inserts a row (a new version) in the transaction that closes the old one, so the
 * largest row id and the row count name the table's state. Another platform replica's change is
 * seen by the next check, as it would be if the rows were read every time. The state is read
 * before the rows: a change committed in between makes the next call read them again.
 */
export async function currentMeasures(db: Knex): Promise<MeasureVersion[]> {
  const reads = readsOf(db);
  const [head] = await reads.all<{ last: number | string | null; total: number | string }>('select max(row_id) as last, count(*) as total from measures', []);
  const state = `${head?.last ?? 0}/${head?.total ?? 0}`;
  const cached = catalogues.get(db);
  if (cached?.state === state) return cached.measures;
  const measures = deepFreeze((await reads.all<MeasureRow>('select * from measures where valid_to is null order by code', [])).map(fromRow));
  catalogues.set(db, { state, measures });
  return measures;
}

/** Shared between requests: nothing may change them in place. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The versions in force at a moment: what a check made then was evaluated against. */
export async function measuresAsOf(db: Knex, at: string): Promise<MeasureVersion[]> {
  const rows = await db<MeasureRow>('measures')
    .where('valid_from', '<=', at)
    .andWhere((w) => w.whereNull('valid_to').orWhere('valid_to', '>', at))
    .orderBy('code');
  return rows.map(fromRow);
}

export async function measureHistory(db: Knex, code: string): Promise<MeasureVersion[]> {
  return (await db<MeasureRow>('measures').where('code', code).orderBy('version')).map(fromRow);
}

export class MeasureConflict extends Error {
  override name = 'MeasureConflict';
}

/** Who a catalogue change is attributed to when the caller passes no actor: a direct call, e.g. from a tool. */
const DIRECT = systemActor('platform');

/** Adds version 1 of a new measure; a code that exists is a conflict. */
export async function addMeasure(db: Knex, code: string, content: MeasureContent, by: string, note: string, actor: AuditActor = DIRECT): Promise<MeasureVersion> {
  return db.transaction(async (trx) => {
    await lockForWrite(trx, 'measures');
    const existing = await trx<MeasureRow>('measures').where('code', code).first();
    if (existing) throw new MeasureConflict(`measure ${code} exists already (version ${existing.version}); use changeMeasure to change it`);
    const row = toRow(code, 1, content, false, new Date().toISOString(), by, note);
    await trx('measures').insert(row);
    await sealRows(trx, 'measures', [row]);
    await appendAudit(trx, { actor, action: 'platform.addMeasure', entityId: code, payload: { measure: row } });
    return fromRow(row);
  });
}

function sameContent(a: MeasureVersion, b: MeasureContent): boolean {
  const pick = (m: MeasureContent) =>
    JSON.stringify([m.name, m.kind, m.mandatory, m.matters, m.triggers, m.requiresThreeCleanYears, m.legalBasis, m.implementingDepartments]);
  return pick(a) === pick(b);
}

/**
 * Closes the current version and starts a new one. Returns null when the code is unknown. A
 * change identical to the current version (a retried request) makes no new version and no audit
 * entry; a new version is recorded as `platform.retireMeasure` when it retires the measure, else
 * as `platform.changeMeasure`.
 */
export async function newMeasureVersion(
  db: Knex,
  code: string,
  change: (current: MeasureVersion) => { content: MeasureContent; retired: boolean },
  by: string,
  note: string,
  actor: AuditActor = DIRECT,
): Promise<MeasureVersion | null> {
  return db.transaction(async (trx) => {
    await lockForWrite(trx, 'measures');
    const query = trx<MeasureRow>('measures').where('code', code).whereNull('valid_to');
    // SQLite serialises writers already; MySQL needs the row lock.
    if (trx.client.config.client === 'mysql2') query.forUpdate();
    const row = await query.first();
    if (!row) return null;
    const current = fromRow(row);
    const next = change(current);
    if (next.retired === current.retired && sameContent(current, next.content)) return current;
    const at = new Date().toISOString();
    const closed = await trx('measures').where({ code, version: current.version }).whereNull('valid_to').update({ valid_to: at });
    if (closed !== 1) throw new MeasureConflict(`measure ${code} was changed concurrently; retry`);
    const nextRow = toRow(code, current.version + 1, next.content, next.retired, at, by, note);
    await trx('measures').insert(nextRow);
    await sealRows(trx, 'measures', [{ code, version: current.version }, nextRow]);
    const action = next.retired && !current.retired ? 'platform.retireMeasure' : 'platform.changeMeasure';
    await appendAudit(trx, { actor, action, entityId: code, payload: { measure: nextRow, previousVersion: current.version } });
    return fromRow(nextRow);
  });
}
