import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Caller, Role } from '../subgraphs/kit/caller.js';
import { ConfigError } from '../subgraphs/kit/env.js';
import { callerFromJwt, looksLikeJwt, type JwtConfig } from './jwt.js';

/** A client of the platform and the API keys it authenticates with. */
export interface ClientDefinition extends Caller {
  /** A key in clear: only the embedded demo clients have one. */
  key?: string;
  /**
   * Keys by their SHA-256 (hex), each with an optional expiry: several per client so a key can
   * be rotated — a new one is added before the old one expires.
   */
  keys?: { sha256: string; expiresAt?: string | null }[];
  /** Human-readable name, for logs and the status page. */
  label: string;
}

/** The approval matters (the platform's `Matter` enum). */
export const ALL_MATTERS: readonly string[] = [
  'ADMINISTRATIVE_LICENSE', 'FISCAL_FUNDS', 'PUBLIC_RESOURCE_TRADING', 'GOVERNMENT_PROCUREMENT', 'PROJECT_APPROVAL', 'HONORS',
  'SECURITIES_ISSUANCE', 'FINANCIAL_INSTITUTION_SETUP', 'FRANCHISE', 'KEY_PROJECT', 'INVESTMENT_PROMOTION', 'ROUTINE_INSPECTION',
  'FINANCIAL_SERVICES', 'MARKET_ENTRY', 'HIGH_CONSUMPTION', 'PUBLIC_SERVICES',
];

/** Demo clients of the embedded default configuration. Never used when CLIENTS_FILE is set. */
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

/**
 * Reads clients from a JSON file:
 * `[{ "clientId", "role", "department"?, "label"?, "keys": [{ "sha256": "<hex>", "expiresAt"?: "ISO" }] }]`.
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
  return parsed.map((entry: Record<string, unknown>, i) => {
    const where = `CLIENTS_FILE ${file}, entry ${i}`;
    if (entry.key !== undefined) throw new ConfigError(`${where}: keys are not stored in clear: give "keys": [{ "sha256": … }] instead of "key"`);
    const keys = entry.keys;
    if (!Array.isArray(keys) || keys.length === 0) throw new ConfigError(`${where}: "keys" must list at least one { "sha256", "expiresAt"? }`);
    for (const [k, key] of keys.entries()) {
      if (typeof key?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(key.sha256)) throw new ConfigError(`${where}, keys[${k}]: "sha256" must be 64 lower-case hex characters`);
      if (key.expiresAt != null && Number.isNaN(Date.parse(key.expiresAt))) throw new ConfigError(`${where}, keys[${k}]: "expiresAt" ${JSON.stringify(key.expiresAt)} is not a date`);
    }
    if (typeof entry.clientId !== 'string' || entry.clientId === '') throw new ConfigError(`${where}: "clientId" is missing`);
    if (!ROLES.includes(entry.role as Role)) throw new ConfigError(`${where}: "role" ${JSON.stringify(entry.role)} is not one of ${ROLES.join(', ')}`);
    if (entry.role === 'DEPARTMENT' && typeof entry.department !== 'string') throw new ConfigError(`${where}: a DEPARTMENT client needs "department"`);
    const matters = entry.matters;
    if (entry.role === 'APPROVAL_SYSTEM') {
      if (!Array.isArray(matters) || matters.length === 0) throw new ConfigError(`${where}: an APPROVAL_SYSTEM client needs "matters", the approval matters it approves (${ALL_MATTERS.join(', ')})`);
      for (const m of matters) if (!ALL_MATTERS.includes(m)) throw new ConfigError(`${where}: matter ${JSON.stringify(m)} is not one of ${ALL_MATTERS.join(', ')}`);
    }
    return {
      keys: keys.map((k: { sha256: string; expiresAt?: string | null }) => ({ sha256: k.sha256, expiresAt: k.expiresAt ?? null })),
      clientId: entry.clientId,
      role: entry.role as Role,
      ...(typeof entry.department === 'string' ? { department: entry.department } : {}),
      ...(entry.role === 'APPROVAL_SYSTEM' ? { matters: [...(matters as string[])] } : {}),
      label: typeof entry.label === 'string' ? entry.label : entry.clientId,
    };
  });
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export type AuthResult = { caller: Caller } | { reason: string };

/** Looks clients up by the bearer key of a request (hashed), or verifies a bearer JWT. */
export class ClientRegistry {
  private readonly byHash = new Map<string, { caller: Caller; expiresAt: number | null }>();

  constructor(clients: readonly ClientDefinition[], private readonly jwt: JwtConfig | null = null) {
    for (const { key, keys, clientId, role, department, matters } of clients) {
      const caller: Caller = { clientId, role, ...(department ? { department } : {}), ...(matters ? { matters } : {}) };
      if (key) this.byHash.set(sha256Hex(key), { caller, expiresAt: null });
      for (const k of keys ?? []) this.byHash.set(k.sha256, { caller, expiresAt: k.expiresAt ? Date.parse(k.expiresAt) : null });
    }
  }

  /** The caller for an API key in an `Authorization` header, or null when missing, unknown or expired. */
  authenticate(authorization: string | undefined): Caller | null {
    const token = bearer(authorization);
    if (!token) return null;
    const entry = this.byHash.get(sha256Hex(token));
    return entry && (entry.expiresAt === null || entry.expiresAt > Date.now()) ? entry.caller : null;
  }

  /** API key or JWT, with the reason when refused. */
  async authenticateRequest(authorization: string | undefined): Promise<AuthResult> {
    if (!authorization) return { reason: 'missing credentials: send Authorization: Bearer <key or token>' };
    const token = bearer(authorization);
    if (!token) return { reason: 'the Authorization header is not "Bearer <key or token>"' };
    if (this.jwt && looksLikeJwt(token)) return callerFromJwt(token, this.jwt);
    const entry = this.byHash.get(sha256Hex(token));
    if (!entry) return { reason: 'the API key is not known: send Authorization: Bearer <key> with a key issued to your client' };
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) return { reason: `the API key expired on ${new Date(entry.expiresAt).toISOString()}: use the client's new key` };
    return { caller: entry.caller };
  }
}

function bearer(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match ? match[1]! : null;
}
