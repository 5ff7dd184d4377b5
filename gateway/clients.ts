import { readFileSync } from 'node:fs';
import type { Caller, Role } from '../subgraphs/kit/caller.js';
import type { DatabaseConfig } from '../subgraphs/kit/database.js';
import { sha256Hex } from '../subgraphs/kit/audit.js';
import { ConfigError } from '../subgraphs/kit/env.js';
import { createLogger } from '../subgraphs/kit/logger.js';
import { ClientStore, type StoredClient } from './client-store.js';
import { callerFromJwt, looksLikeJwt, type JwtConfig } from './jwt.js';

const log = createLogger('gateway');

/** A client of the platform and the API keys it authenticates with. */
export interface ClientDefinition extends Caller {
  /** A key in clear: only the embedded demo clients have one. */
  key?: string;
  /**
   * Keys by their SHA-256 (hex), each with an optional expiry: several per client so a key can
   * be rotated — a new one is added before the old one expires.
   */
  keys?: ClientKey[];
  /** Human-readable name, for logs and the status page. */
  label: string;
  /** When the client was disabled (clients from the database): its keys are refused. */
  disabledAt?: string | null;
}

/** One API key of a client, known by its SHA-256 only. */
export interface ClientKey {
  sha256: string;
  expiresAt?: string | null;
  /** When it was revoked (keys from the database): refused from then on. */
  revokedAt?: string | null;
}

/** The approval matters (the platform's `Matter` enum). */
export const ALL_MATTERS: readonly string[] = [
  'ADMINISTRATIVE_LICENSE', 'FISCAL_FUNDS', 'PUBLIC_RESOURCE_TRADING', 'GOVERNMENT_PROCUREMENT', 'PROJECT_APPROVAL', 'HONORS',
  'SECURITIES_ISSUANCE', 'FINANCIAL_INSTITUTION_SETUP', 'FRANCHISE', 'KEY_PROJECT', 'INVESTMENT_PROMOTION', 'ROUTINE_INSPECTION',
  'FINANCIAL_SERVICES', 'MARKET_ENTRY', 'HIGH_CONSUMPTION', 'PUBLIC_SERVICES',
];

/**
 * Demo clients of the embedded default configuration (CLIENTS_SOURCE=demo, beside the clients of the
 * registry database): never with CLIENTS_FILE or CLIENTS_SOURCE=database, never in production.
 */
export const DEMO_CLIENTS: readonly ClientDefinition[] = [
  { key: 'demo-approval-key', clientId: 'demo-approval', role: 'APPROVAL_SYSTEM', matters: ALL_MATTERS, label: 'Demo approval system for every matter (审批系统)' },
  {
    key: 'demo-procurement-key',
    clientId: 'demo-procurement',
    role: 'APPROVAL_SYSTEM',
    matters: ['GOVERNMENT_PROCUREMENT', 'PUBLIC_RESOURCE_TRADING'],
    label: 'Demo procurement and bidding system (政府采购与公共资源交易)',
  },
  { key: 'demo-analyst-key', clientId: 'demo-analyst', role: 'ANALYST', label: 'Demo analyst (分析人员)' },
  { key: 'demo-tax-key', clientId: 'demo-tax', role: 'DEPARTMENT', department: 'tax', label: 'Tax department (税务)' },
  { key: 'demo-market-key', clientId: 'demo-market', role: 'DEPARTMENT', department: 'market', label: 'Market regulation (市场监管)' },
  { key: 'demo-courts-key', clientId: 'demo-courts', role: 'DEPARTMENT', department: 'courts', label: 'Courts (法院)' },
  { key: 'demo-finance-key', clientId: 'demo-finance', role: 'DEPARTMENT', department: 'finance', label: 'Finance (财政/金融)' },
  { key: 'demo-platform-key', clientId: 'demo-platform', role: 'CREDIT_OFFICE', label: 'Provincial credit office (省信用办)' },
];

const ROLES: readonly Role[] = ['APPROVAL_SYSTEM', 'ANALYST', 'DEPARTMENT', 'CREDIT_OFFICE', 'PUBLIC'];
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DEPARTMENT = /^[a-z][a-z0-9_]{0,31}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** A client's definition without its keys, as checked by checkClient. */
export type ClientFields = Caller & { label: string };

/**
 * Checks the definition of one client, wherever it comes from (clients file, database, command
 * line), and returns it normalised (matters sorted, without duplicates). Messages start with
 * `where` and name each field as `field` spells it there (`"role"` in a file, `--role` on the
 * command line), with the value that was wrong and what was expected.
 */
export function checkClient(entry: Record<string, unknown>, where: string, field: (name: string) => string = (name) => `"${name}"`): ClientFields {
  const bad = (name: string, expected: string) =>
    new ConfigError(entry[name] === undefined ? `${where}: ${field(name)} is missing: expected ${expected}` : `${where}: ${field(name)} ${JSON.stringify(entry[name])} is not valid: expected ${expected}`);
  if (typeof entry.clientId !== 'string' || !CLIENT_ID.test(entry.clientId)) throw bad('clientId', 'letters, digits, ".", "_" or "-" (up to 64, starting with a letter or digit)');
  if (!ROLES.includes(entry.role as Role)) throw bad('role', `one of ${ROLES.join(', ')}`);
  if (entry.department != null && (typeof entry.department !== 'string' || !DEPARTMENT.test(entry.department))) throw bad('department', 'a department name such as tax (lower-case letters, digits, _)');
  if (entry.role === 'DEPARTMENT' && entry.department == null) throw new ConfigError(`${where}: a DEPARTMENT client needs ${field('department')}, the department it speaks for`);
  if (entry.label != null && (typeof entry.label !== 'string' || entry.label.length > 200 || /[\u0000-\u001f]/.test(entry.label))) throw bad('label', 'a line of text of at most 200 characters');
  const matters = entry.matters;
  if (entry.role === 'APPROVAL_SYSTEM') {
    if (!Array.isArray(matters) || matters.length === 0) throw new ConfigError(`${where}: an APPROVAL_SYSTEM client needs ${field('matters')}, the approval matters it approves (${ALL_MATTERS.join(', ')})`);
    for (const m of matters) if (!ALL_MATTERS.includes(m)) throw new ConfigError(`${where}: matter ${JSON.stringify(m)} in ${field('matters')} is not valid: expected some of ${ALL_MATTERS.join(', ')}`);
  } else if (matters != null && !(Array.isArray(matters) && matters.length === 0)) {
    throw new ConfigError(`${where}: ${field('matters')} is only for APPROVAL_SYSTEM clients, not ${entry.role}`);
  }
  return {
    clientId: entry.clientId,
    role: entry.role as Role,
    ...(typeof entry.department === 'string' ? { department: entry.department } : {}),
    ...(entry.role === 'APPROVAL_SYSTEM' ? { matters: [...new Set(matters as string[])].sort() } : {}),
    label: typeof entry.label === 'string' && entry.label !== '' ? entry.label : entry.clientId,
  };
}

/**
 * Reads clients from a JSON file:
 * `[{ "clientId", "role", "department"?, "matters"?, "label"?, "keys": [{ "sha256": "<hex>", "expiresAt"?: "ISO" }] }]`.
 * Keys are stored hashed (`printf %s "$KEY" | sha256sum`); a clear `"key"` is refused.
 */
export function loadClientsFile(file: string): ClientDefinition[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`CLIENTS_FILE ${file} could not be read as JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new ConfigError(`CLIENTS_FILE ${file}: expected a JSON array of clients`);
  const clients = parsed.map((entry: Record<string, unknown>, i) => {
    const where = `CLIENTS_FILE ${file}, entry ${i}`;
    if (entry === null || typeof entry !== 'object') throw new ConfigError(`${where}: expected an object { "clientId", "role", "keys", … }`);
    if (entry.key !== undefined) throw new ConfigError(`${where}: keys are not stored in clear: give "keys": [{ "sha256": … }] instead of "key"`);
    const keys = entry.keys;
    if (!Array.isArray(keys) || keys.length === 0) throw new ConfigError(`${where}: "keys" must list at least one { "sha256", "expiresAt"? }`);
    for (const [k, key] of keys.entries()) {
      if (typeof key?.sha256 !== 'string' || !SHA256.test(key.sha256)) throw new ConfigError(`${where}, keys[${k}]: "sha256" must be 64 lower-case hex characters`);
      if (key.expiresAt != null && (typeof key.expiresAt !== 'string' || Number.isNaN(Date.parse(key.expiresAt)))) throw new ConfigError(`${where}, keys[${k}]: "expiresAt" ${JSON.stringify(key.expiresAt)} is not a date: expected ISO 8601 such as 2027-06-30T00:00:00Z`);
    }
    return {
      ...checkClient(entry, where),
      keys: keys.map((k: { sha256: string; expiresAt?: string | null }) => ({ sha256: k.sha256, expiresAt: k.expiresAt ? new Date(k.expiresAt).toISOString() : null })),
    };
  });
  const ids = new Set<string>();
  const hashes = new Set<string>();
  for (const c of clients) {
    if (ids.has(c.clientId)) throw new ConfigError(`CLIENTS_FILE ${file}: client ${JSON.stringify(c.clientId)} appears twice`);
    ids.add(c.clientId);
    for (const k of c.keys) {
      if (hashes.has(k.sha256)) throw new ConfigError(`CLIENTS_FILE ${file}: the key ${k.sha256.slice(0, 12)}… appears twice: a key belongs to one client`);
      hashes.add(k.sha256);
    }
  }
  return clients;
}

/** Re-exported for callers that hash API keys next to the clients (tests, tools). */
export { sha256Hex };

export type AuthResult = { caller: Caller } | { reason: string };

/** What the registry needs of the gateway's configuration (see GatewayConfig). */
export interface ClientsConfig {
  clients: readonly ClientDefinition[];
  /** Clients from the registry database besides `clients`, read again every `refreshMs`. */
  clientsDatabase?: { database: DatabaseConfig; refreshMs: number } | null;
  jwt?: JwtConfig | null;
}

interface KeyEntry {
  caller: Caller;
  expiresAt: number | null;
  revokedAt: string | null;
  disabledAt: string | null;
}

function indexKeys(clients: readonly ClientDefinition[]): Map<string, KeyEntry> {
  const byHash = new Map<string, KeyEntry>();
  for (const { key, keys, clientId, role, department, matters, disabledAt } of clients) {
    const caller: Caller = { clientId, role, ...(department ? { department } : {}), ...(matters ? { matters } : {}) };
    const entry = (expiresAt: string | null | undefined, revokedAt: string | null | undefined) => ({
      caller,
      expiresAt: expiresAt ? Date.parse(expiresAt) : null,
      revokedAt: revokedAt ?? null,
      disabledAt: disabledAt ?? null,
    });
    if (key) byHash.set(sha256Hex(key), entry(null, null));
    for (const k of keys ?? []) byHash.set(k.sha256, entry(k.expiresAt, k.revokedAt));
  }
  return byHash;
}

/**
 * Looks clients up by the bearer key of a request (hashed), or verifies a bearer JWT. With
 * clients from the database (`fromConfig`), the set is read again every few seconds and swapped
 * whole, so a revoked key or a disabled client is refused within one refresh, without a restart.
 */
export class ClientRegistry {
  private byHash: Map<string, KeyEntry>;
  private lastRead = 0;
  private stopRefreshing: () => Promise<void> = async () => {};

  constructor(clients: readonly ClientDefinition[], private readonly jwt: JwtConfig | null = null) {
    this.byHash = indexKeys(clients);
  }

  /**
   * The registry a gateway's configuration asks for: its `clients`, and with `clientsDatabase`
   * those of the database besides (read once before this resolves, then refreshed; the demo source
   * has both: the demo keys and the clients the credit office adds with `npm run clients`). Call
   * `close()` when done.
   */
  static async fromConfig(config: ClientsConfig): Promise<ClientRegistry> {
    const registry = new ClientRegistry(config.clients, config.jwt ?? null);
    if (config.clientsDatabase) await registry.follow(config.clientsDatabase.database, config.clientsDatabase.refreshMs, config.clients);
    return registry;
  }

  /** Replaces every client at once: a request sees the old set or the new one, never a mix. */
  replace(clients: readonly ClientDefinition[]): void {
    this.byHash = indexKeys(clients);
  }

  /** The caller for an API key in an `Authorization` header, or null when missing, unknown, expired, revoked or disabled. */
  authenticate(authorization: string | undefined): Caller | null {
    const token = bearer(authorization);
    if (!token) return null;
    const entry = this.byHash.get(sha256Hex(token));
    return entry && refusal(entry) === null ? entry.caller : null;
  }

  /** API key or JWT, with the reason when refused. */
  async authenticateRequest(authorization: string | undefined): Promise<AuthResult> {
    if (!authorization) return { reason: 'missing credentials: send Authorization: Bearer <key or token>' };
    const token = bearer(authorization);
    if (!token) return { reason: 'the Authorization header is not "Bearer <key or token>"' };
    if (this.jwt && looksLikeJwt(token)) return callerFromJwt(token, this.jwt);
    const entry = this.byHash.get(sha256Hex(token));
    if (!entry) return { reason: 'the API key is not known: send Authorization: Bearer <key> with a key issued to your client' };
    const reason = refusal(entry);
    return reason === null ? { caller: entry.caller } : { reason };
  }

  /**
   * When the clients in use were read from the database (epoch ms of the start of the last
   * successful read; 0 for clients given in the configuration). A key revoked or a client disabled
   * before that moment is refused from then on.
   */
  get readAt(): number {
    return this.lastRead;
  }

  /** Stops refreshing and closes the database connection (clients from the database); otherwise nothing. */
  close(): Promise<void> {
    return this.stopRefreshing();
  }

  private async follow(database: DatabaseConfig, refreshMs: number, fixed: readonly ClientDefinition[]): Promise<void> {
    const store = await ClientStore.open(database);
    // A stored client that fails the checks is reported once, not at every refresh.
    const reported = new Set<string>();
    const report = (problem: string) => {
      if (reported.has(problem)) return;
      reported.add(problem);
      log.error(problem);
    };
    const read = async () => {
      const started = Date.now();
      const clients = checkedClients(await store.load(), report);
      this.replace([...fixed, ...clients]);
      this.lastRead = started;
      return { at: new Date().toISOString(), count: clients.length };
    };
    let last: { at: string; count: number };
    try {
      last = await read();
    } catch (err) {
      await store.close();
      throw err;
    }
    log.info('clients read from the registry database', { clients: last.count, refreshMs });
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      read()
        .then((done) => {
          last = done;
        })
        .catch((err: unknown) => log.error(`clients refresh failed, keeping the ${last.count} clients read at ${last.at}: ${(err as Error).message}`))
        .finally(() => {
          busy = false;
        });
    }, refreshMs);
    timer.unref();
    this.stopRefreshing = async () => {
      clearInterval(timer);
      this.stopRefreshing = async () => {};
      await store.close();
    };
  }
}

/**
 * The stored clients that pass checkClient, with their keys. One that does not (written by hand
 * into the table, say) is left out, so its keys are refused, and reported without any key.
 */
function checkedClients(stored: readonly StoredClient[], report: (problem: string) => void): ClientDefinition[] {
  const clients: ClientDefinition[] = [];
  for (const c of stored) {
    try {
      const fields = checkClient({ clientId: c.clientId, role: c.role, department: c.department, matters: c.matters, label: c.label }, `clients table, client ${JSON.stringify(c.clientId)}`, (name) => name);
      clients.push({ ...fields, disabledAt: c.disabledAt, keys: c.keys });
    } catch (err) {
      report(`${(err as Error).message}: its keys are refused until it is corrected (npm run clients -- add --update …)`);
    }
  }
  return clients;
}

/** Why a known key is refused now, or null when it is accepted. */
function refusal(entry: KeyEntry): string | null {
  if (entry.disabledAt !== null) return `client ${entry.caller.clientId} is disabled: ask the credit office`;
  if (entry.revokedAt !== null) return `the API key was revoked on ${entry.revokedAt}: use the client's new key`;
  if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) return `the API key expired on ${new Date(entry.expiresAt).toISOString()}: use the client's new key`;
  return null;
}

function bearer(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match ? match[1]! : null;
}
