/**
 * Tamper-evident audit chain (留痕). Every subgraph database with writes keeps `audit_log`, one
 * entry per write, appended by `appendAudit` inside the transaction of the write it records: the
 * write and its entry commit together or not at all.
 *
 * An entry holds `seq` (1, 2, 3… without gaps), `at`, the actor (client id, role, department),
 * `action` (`<subgraph>.<operation>`, e.g. `tax.publishRecord`), `entity_id`, `payload` (canonical
 * JSON of what was written: object keys sorted at every level, no spaces), `prev_hash` and
 *
 *     hash = hex(sha256(prev_hash + "\n" + JSON.stringify([seq, at, actor_client, actor_role,
 *                                                           actor_department, action, entity_id, payload])))
 *
 * with `payload` as the stored text (an array of strings, numbers and null has one JSON form). The first entry's `prev_hash` is `GENESIS_HASH`. The one row
 * of `audit_head` holds the seq and hash of the last entry: every appender locks it first, so
 * entries are chained one at a time across connections and processes, and the verifier compares
 * the end of the chain with it, so a deleted tail shows too.
 *
 * Changing an entry breaks its hash; deleting one leaves a gap in seq; recomputing a changed
 * entry's hash breaks the `prev_hash` of the next. What the chain cannot reveal is a rewrite of
 * every entry from some point on, head included, by someone with write access to the database:
 * keep the head hash that `npm run audit:verify` prints somewhere else to rule that out.
 *
 * Secrets never go into a payload in clear (a webhook secret, a reporter's sealed identity): the
 * payload carries their SHA-256, which ties the entry to the stored value without revealing it.
 */
import { createHash } from 'node:crypto';
import type { Caller, Role } from './caller.js';
import { lockForWrite } from './database.js';
import { insertMany } from './insert-many.js';
import { runStatement, type SqlHandle } from './sql.js';

/** `prev_hash` of the first entry: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** Who made a write: a client as the gateway established it, or a process of the platform itself. */
export interface AuditActor {
  clientId: string;
  role: Role | 'SYSTEM';
  department?: string | null;
}

/** One write to record. */
export interface AuditEntry {
  actor: AuditActor;
  /** `<subgraph>.<operation>`, e.g. `courts.publishRecord`, `platform.creditCheck`. */
  action: string;
  /** The record, check, measure… the write is about. */
  entityId: string;
  /** What was written; stored as canonical JSON. */
  payload: unknown;
  /** When; now by default. */
  at?: string;
}

/** A row of `audit_log`. */
export interface AuditRow {
  seq: number;
  at: string;
  actor_client: string;
  actor_role: string;
  actor_department: string | null;
  action: string;
  entity_id: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

const AUDIT_COLUMNS: readonly (keyof AuditRow)[] = [
  'seq', 'at', 'actor_client', 'actor_role', 'actor_department', 'action', 'entity_id', 'payload', 'prev_hash', 'hash',
];

const ACTION = /^[a-z][a-z0-9_]*\.[a-zA-Z][a-zA-Z0-9]*$/;

/** The seals of rows written to one sealed table (see audit-seals.ts): `[rowKey, sha256]`, sha256 null for a row deleted. */
export interface RowSeals {
  table: string;
  rows: [string, string | null][];
}

/** Seals waiting for the next entry appended in their transaction. */
const heldSeals = new WeakMap<SqlHandle, RowSeals[]>();

/** Holds seals of rows written in `trx` until the entry of that write is appended (audit-seals.ts). */
export function holdSeals(trx: SqlHandle, seals: RowSeals): void {
  const held = heldSeals.get(trx);
  if (held) held.push(seals);
  else heldSeals.set(trx, [seals]);
}

/** Takes the seals held for `trx`, if any. */
export function takeSeals(trx: SqlHandle): RowSeals[] | undefined {
  const held = heldSeals.get(trx);
  heldSeals.delete(trx);
  return held;
}

/** The caller as an actor; a request without identity (the public endpoint) is an anonymous PUBLIC actor. */
export function actorOf(caller: Caller | null): AuditActor {
  if (!caller) return { clientId: 'anonymous', role: 'PUBLIC' };
  return { clientId: caller.clientId, role: caller.role, department: caller.department ?? null };
}

/** A process of the platform writing on its own account, e.g. `systemActor('expiry-sweeper')`. */
export function systemActor(process: string): AuditActor {
  return { clientId: `system:${process}`, role: 'SYSTEM' };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * JSON with the keys of every object sorted and no spaces, so the same value always gives the same
 * text. As in JSON.stringify, undefined object members are left out and non-finite numbers become null.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON(): unknown }).toJSON());
  const members = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${members.join(',')}}`;
}

/** The hash of an entry from its stored columns (see the format above). */
export function entryHash(row: Omit<AuditRow, 'hash'>): string {
  const fields = [Number(row.seq), row.at, row.actor_client, row.actor_role, row.actor_department ?? null, row.action, row.entity_id, row.payload];
  return sha256Hex(`${row.prev_hash}\n${JSON.stringify(fields)}`);
}

function checkEntry(entry: AuditEntry): void {
  if (!ACTION.test(entry.action)) throw new Error(`audit action ${JSON.stringify(entry.action)} is not valid: expected <subgraph>.<operation>, e.g. tax.publishRecord`);
  if (typeof entry.entityId !== 'string' || entry.entityId === '' || entry.entityId.length > 128) {
    throw new Error(`audit entity id ${JSON.stringify(entry.entityId)} of ${entry.action} is not valid: expected 1 to 128 characters`);
  }
  if (!entry.actor?.clientId || entry.actor.clientId.length > 64) {
    throw new Error(`audit actor ${JSON.stringify(entry.actor?.clientId)} of ${entry.action} is not valid: expected a client id of 1 to 64 characters`);
  }
}

/** Chains entries after a head in JS: the rows to insert, each hashed with the one before. */
function chainEntries(head: { seq: number; hash: string }, entries: readonly AuditEntry[], now: string): AuditRow[] {
  let { seq, hash } = head;
  return entries.map((entry) => {
    checkEntry(entry);
    const content = {
      seq: ++seq,
      at: entry.at ?? now,
      actor_client: entry.actor.clientId,
      actor_role: entry.actor.role,
      actor_department: entry.actor.department ?? null,
      action: entry.action,
      entity_id: entry.entityId,
      payload: canonicalJson(entry.payload),
      prev_hash: hash,
    };
    hash = entryHash(content);
    return { ...content, hash };
  });
}

/**
 * Locks the head of the chain until the transaction ends and reads it. MySQL: a locking read of
 * the one `audit_head` row, so appenders on other connections wait here. SQLite: the database
 * write lock (one writer at a time), taken before the read so another process waits instead of
 * failing.
 */
async function lockHead(trx: SqlHandle): Promise<{ seq: number; hash: string }> {
  await lockForWrite(trx, 'audit_head');
  const forUpdate = trx.client.config.client === 'mysql2' ? ' for update' : '';
  const [head] = (await runStatement<{ seq: number | string; hash: string }>(trx, `select seq, hash from audit_head where id = 1${forUpdate}`)).rows;
  if (!head) throw new Error('audit_head has no row: the head of the audit chain is lost, so nothing can be appended; run `npm run audit:verify`');
  return { seq: Number(head.seq), hash: head.hash };
}

/**
 * Appends entries to the audit chain, in order, inside `trx`: the transaction of the write they
 * record, so that the write and its entries commit together. Many entries (a batch of checks)
 * go in one multi-row insert, their hashes chained in JS. Returns the rows appended.
 *
 * @example
 * await db.transaction(async (trx) => {
 *   await trx('reports').insert(row);
 *   await appendAudit(trx, { actor: actorOf(ctx.caller), action: 'tax.submitReport', entityId: row.id, payload: { ... } });
 * });
 */
export async function appendAudit(trx: SqlHandle, entries: AuditEntry | readonly AuditEntry[]): Promise<AuditRow[]> {
  if (!(trx as { isTransaction?: boolean }).isTransaction) {
    throw new Error('appendAudit needs the transaction of the write it records: got a connection pool, on which the entry could commit without the write');
  }
  let list: readonly AuditEntry[] = Array.isArray(entries) ? entries : [entries as AuditEntry];
  // Seals of the rows this transaction wrote go into the payload of its entry: one entry per write.
  const seals = list.length > 0 ? takeSeals(trx) : undefined;
  if (seals) {
    const last = list[list.length - 1]!;
    const payload = last.payload;
    if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) list = [...list.slice(0, -1), { ...last, payload: { ...payload, rowSeals: seals } }];
    else list = [...list, { actor: last.actor, action: 'audit.sealRows', entityId: seals[0]!.table, payload: { rowSeals: seals } }];
  }
  if (list.length === 0) return [];
  const head = await lockHead(trx);
  const now = new Date().toISOString();
  const rows = chainEntries(head, list, now);
  await insertMany(trx, 'audit_log', AUDIT_COLUMNS, rows);
  const last = rows[rows.length - 1]!;
  await runStatement(trx, 'update audit_head set seq = ?, hash = ?, updated_at = ? where id = 1', [last.seq, last.hash, now]);
  return rows;
}
