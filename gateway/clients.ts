import { readFileSync } from 'node:fs';
import type { Caller, Role } from '../subgraphs/kit/caller.js';
import { ConfigError } from '../subgraphs/kit/env.js';

/** A client of the platform and the API key it authenticates with. */
export interface ClientDefinition extends Caller {
  key: string;
  /** Human-readable name, for logs and the status page. */
  label: string;
}

/** Demo clients of the embedded default configuration. Never used when CLIENTS_FILE is set. */
export const DEMO_CLIENTS: readonly ClientDefinition[] = [
  { key: 'demo-approval-key', clientId: 'demo-approval', role: 'APPROVAL_SYSTEM', label: 'Demo approval system (审批系统)' },
  { key: 'demo-analyst-key', clientId: 'demo-analyst', role: 'ANALYST', label: 'Demo analyst (分析人员)' },
  { key: 'demo-tax-key', clientId: 'demo-tax', role: 'DEPARTMENT', department: 'tax', label: 'Tax department (税务)' },
  { key: 'demo-market-key', clientId: 'demo-market', role: 'DEPARTMENT', department: 'market', label: 'Market regulation (市场监管)' },
  { key: 'demo-courts-key', clientId: 'demo-courts', role: 'DEPARTMENT', department: 'courts', label: 'Courts (法院)' },
  { key: 'demo-finance-key', clientId: 'demo-finance', role: 'DEPARTMENT', department: 'finance', label: 'Finance (财政/金融)' },
  { key: 'demo-platform-key', clientId: 'demo-platform', role: 'CREDIT_OFFICE', label: 'Provincial credit office (省信用办)' },
];

const ROLES: readonly Role[] = ['APPROVAL_SYSTEM', 'ANALYST', 'DEPARTMENT', 'CREDIT_OFFICE', 'PUBLIC'];

/** Reads clients from a JSON file: `[{ "key", "clientId", "role", "department"?, "label"? }]`. */
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
    if (typeof entry.key !== 'string' || entry.key.length < 16) throw new ConfigError(`${where}: "key" must be a string of at least 16 characters`);
    if (typeof entry.clientId !== 'string' || entry.clientId === '') throw new ConfigError(`${where}: "clientId" is missing`);
    if (!ROLES.includes(entry.role as Role)) throw new ConfigError(`${where}: "role" ${JSON.stringify(entry.role)} is not one of ${ROLES.join(', ')}`);
    if (entry.role === 'DEPARTMENT' && typeof entry.department !== 'string') throw new ConfigError(`${where}: a DEPARTMENT client needs "department"`);
    return {
      key: entry.key,
      clientId: entry.clientId,
      role: entry.role as Role,
      ...(typeof entry.department === 'string' ? { department: entry.department } : {}),
      label: typeof entry.label === 'string' ? entry.label : entry.clientId,
    };
  });
}

/** Looks clients up by the bearer key of a request. */
export class ClientRegistry {
  private readonly byKey = new Map<string, Caller>();

  constructor(clients: readonly ClientDefinition[]) {
    for (const { key, clientId, role, department } of clients) {
      this.byKey.set(key, department ? { clientId, role, department } : { clientId, role });
    }
  }

  /** The caller for an `Authorization` header value, or null when it is missing or unknown. */
  authenticate(authorization: string | undefined): Caller | null {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return null;
    return this.byKey.get(match[1]!) ?? null;
  }
}
