/**
 * Record ids. An id is seen by every role that reads a record, the public included, so it must not
 * be computable from what identifies the record — the decision number and the subject's identity
 * number — by anyone without a secret of the server: published records get
 * `<department>-` + 24 hex characters of an HMAC-SHA256 keyed with `RECORD_ID_SECRET`.
 *
 * Ids of the first scheme (`<department>-` + 20 hex characters of a plain SHA-256 of decision
 * number and subject) stay the ids of their records, since stored checks, the audit chains and the
 * push feed cite them. Roles that do not see identity numbers whole never see them: wherever such an
 * id would reach them it is replaced by its alias, `<department>-` + 32 hex characters, an AES
 * encryption of the old id under the same secret, which the server turns back into the id when it
 * is asked for that record.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import { envSecretOrDemo } from './env.js';

export const RECORD_ID_SECRET = 'RECORD_ID_SECRET';
const DEMO_SECRET = 'demo-only record id secret: set RECORD_ID_SECRET in production';
const MIN_SECRET = 32;

/** An id of the first scheme: department, then 20 hex characters. */
const LEGACY_ID = /^([a-z][a-z0-9_]*)-([0-9a-f]{20})$/;
const LEGACY_IN_TEXT = /(?<![A-Za-z0-9_-])([a-z][a-z0-9_]*)-([0-9a-f]{20})(?![A-Za-z0-9_-])/g;
const ALIAS = /^([a-z][a-z0-9_]*)-([0-9a-f]{32})$/;
/** Bytes of zeros after the old id's 10 bytes in the encrypted block: an alias decrypts to them or is not one. */
const PADDING = 6;

interface Keys {
  mac: Buffer;
  alias: Buffer;
}

let keys: Keys | undefined;

/** The keys, derived once from RECORD_ID_SECRET (or the demo secret outside production). */
function keysOf(): Keys {
  if (keys) return keys;
  const secret = envSecretOrDemo(RECORD_ID_SECRET, DEMO_SECRET);
  if (secret.length < MIN_SECRET) throw new Error(`${RECORD_ID_SECRET} is too short: expected at least ${MIN_SECRET} characters`);
  const derive = (purpose: string, bytes: number) => createHmac('sha256', secret).update(purpose).digest().subarray(0, bytes);
  keys = { mac: derive('record ids v2', 32), alias: derive('record id aliases v1', 16) };
  return keys;
}

/** Forgets the keys read, so the next use reads RECORD_ID_SECRET again (tests that change it). */
export function resetRecordIdKeys(): void {
  keys = undefined;
}

/** A keyed 32-bit value for the demo data's id permutation: the seed alone does not give the ids away. */
export function demoRecordIdKey(seed: number, round: number): number {
  return createHmac('sha256', keysOf().mac).update(`demo record ids\u0000${seed}\u0000${round}`).digest().readUInt32BE(0);
}

/**
 * The id of the record a department publishes for a decision about a subject: the same inputs
 * give the same id (a retried publish finds its record), and nobody without the secret can tell
 * from an id which subject it is about.
 */
export function recordIdFor(department: string, decisionNo: string, subjectId: string): string {
  const mac = createHmac('sha256', keysOf().mac).update(`${department}\u0000${decisionNo}\u0000${subjectId}`).digest('hex');
  return `${department}-${mac.slice(0, 24)}`;
}

/** The id the first scheme gave the same publication, under which a record published then is stored. */
export function legacyRecordIdFor(department: string, decisionNo: string, subjectId: string): string {
  return `${department}-${createHash('sha256').update(`${decisionNo}\u0000${subjectId}`).digest('hex').slice(0, 20)}`;
}

/** The alias shown instead of an id of the first scheme; any other id is returned as it is. */
export function aliasOfLegacyId(id: string): string {
  const m = LEGACY_ID.exec(id);
  if (!m) return id;
  const cipher = createCipheriv('aes-128-ecb', keysOf().alias, null).setAutoPadding(false);
  const block = Buffer.concat([Buffer.from(m[2]!, 'hex'), Buffer.alloc(PADDING)]);
  return `${m[1]}-${Buffer.concat([cipher.update(block), cipher.final()]).toString('hex')}`;
}

/** Replaces every id of the first scheme inside a text by its alias. */
export function aliasLegacyRecordIdsIn(text: string): string {
  if (text.length < 22 || !text.includes('-')) return text;
  return text.replace(LEGACY_IN_TEXT, (id) => aliasOfLegacyId(id));
}

/**
 * The record id a client gave, or null when it names nothing for this client. An alias is turned
 * back into the id it stands for. A first-scheme id itself is accepted only from a role that sees
 * identity numbers whole (it is what they are shown): anyone else could compute it for candidate
 * numbers and learn from the answer which one holds the record.
 */
export function recordIdFromClient(id: string, seesFullIdentity: boolean): string | null {
  if (LEGACY_ID.test(id)) return seesFullIdentity ? id : null;
  const m = ALIAS.exec(id);
  if (!m) return id;
  const decipher = createDecipheriv('aes-128-ecb', keysOf().alias, null).setAutoPadding(false);
  const block = Buffer.concat([decipher.update(Buffer.from(m[2]!, 'hex')), decipher.final()]);
  if (!block.subarray(10).equals(Buffer.alloc(PADDING))) return id;
  return `${m[1]}-${block.subarray(0, 10).toString('hex')}`;
}
