import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { lockForWrite, migrate, openDatabase, type DatabaseConfig } from '../subgraphs/kit/database.js';
import { sha256Hex } from '../subgraphs/kit/audit.js';
import { REGISTRY_MIGRATIONS } from '../subgraphs/registry/migrations/index.js';
import type { ClientDefinition, ClientFields } from './clients.js';

/**
 * A client as the database holds it, not yet checked: the gateway checks it (checkClient) before
 * accepting any of its keys, since anyone with write access to the table could have written it.
 */
export interface StoredClient {
  clientId: string;
  role: string;
  department: string | null;
  /** The parsed JSON array, or the text as stored when it is not JSON. */
  matters: unknown;
  label: string;
  createdAt: string;
  disabledAt: string | null;
  keys: { sha256: string; expiresAt: string | null; createdAt: string; revokedAt: string | null }[];
}

/** A change the store refuses (an unknown client, a conflicting definition…): nothing was written. */
export class ClientChangeRefused extends Error {
  override name = 'ClientChangeRefused';
}

/** What `add` and `importClients` did to one client. */
export type ClientChange = 'added' | 'updated' | 'unchanged';

interface ClientRow {
  client_id: string;
  role: string;
  department: string | null;
  matters: string | null;
  label: string;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
}

interface KeyRow {
  sha256: string;
  client_id: string;
  expires_at: string | null;
  created_at: string;
  revoked_at: string | null;
}

/** A new API key: `ck_` and 32 random bytes, base64url. */
function newKey(): string {
  return `ck_${randomBytes(32).toString('base64url')}`;
}

const summary = (c: { role: string; department?: string | null; matters?: readonly string[] | null; label: string }) =>
  `role ${c.role}${c.department ? `, department ${c.department}` : ''}${c.matters?.length ? `, matters ${c.matters.join(',')}` : ''}, label ${JSON.stringify(c.label)}`;

/**
 * The clients and keys of the registry database (tables `clients` and `client_keys`). The gateway
 * reads them (CLIENTS_SOURCE=database); `npm run clients` writes them, each change in one
 * transaction, so a refused change writes nothing.
 */
export class ClientStore {
  private constructor(private readonly db: Knex) {}

  /** Opens the registry database and brings its tables up to date. */
  static async open(database: DatabaseConfig): Promise<ClientStore> {
    const db = await openDatabase(database);
    try {
      await migrate(db, REGISTRY_MIGRATIONS);
    } catch (err) {
      await db.destroy();
      throw err;
    }
    return new ClientStore(db);
  }

  /** Every client with every key (revoked and expired ones included), by client id. */
  async load(): Promise<StoredClient[]> {
    const [clients, keys] = await Promise.all([
      this.db<ClientRow>('clients').select().orderBy('client_id'),
      this.db<KeyRow>('client_keys').select().orderBy('created_at'),
    ]);
    const byClient = new Map<string, StoredClient['keys']>();
    for (const k of keys) {
      const list = byClient.get(k.client_id) ?? [];
      list.push({ sha256: k.sha256, expiresAt: k.expires_at, createdAt: k.created_at, revokedAt: k.revoked_at });
      byClient.set(k.client_id, list);
    }
    return clients.map((c) => ({
      clientId: c.client_id,
      role: c.role,
      department: c.department,
      matters: parseMatters(c.matters),
      label: c.label,
      createdAt: c.created_at,
      disabledAt: c.disabled_at,
      keys: byClient.get(c.client_id) ?? [],
    }));
  }

  /**
   * Adds a client (checked with checkClient first). The same definition again changes nothing; a
   * different one under the same id, or a disabled client, is refused unless `update` (which also
   * enables a disabled client again).
   */
  add(client: ClientFields, options: { update: boolean }): Promise<ClientChange> {
    return this.write((trx) => this.put(trx, client, options.update, new Date().toISOString()));
  }

  /** Issues a new key to an enabled client: returns the key, which is stored only as its SHA-256. */
  issueKey(clientId: string, expiresAt: string | null): Promise<{ key: string; sha256: string; expiresAt: string | null }> {
    return this.write(async (trx) => {
      const client = await this.client(trx, clientId);
      if (client.disabled_at) throw new ClientChangeRefused(`client ${clientId} is disabled (since ${client.disabled_at}): enable it again with add --update before issuing a key`);
      const key = newKey();
      const sha256 = sha256Hex(key);
      await trx('client_keys').insert({ sha256, client_id: clientId, expires_at: expiresAt, created_at: new Date().toISOString(), revoked_at: null });
      return { key, sha256, expiresAt };
    });
  }

  /**
   * Revokes one key of a client, named by its SHA-256 or the start of it (as `list` shows it).
   * Revoking a revoked key changes nothing.
   */
  revokeKey(clientId: string, match: { sha256: string } | { prefix: string }): Promise<{ sha256: string; revokedAt: string; already: boolean }> {
    return this.write(async (trx) => {
      await this.client(trx, clientId);
      const keys = await trx<KeyRow>('client_keys').where({ client_id: clientId }).select();
      const found = 'sha256' in match ? keys.filter((k) => k.sha256 === match.sha256) : keys.filter((k) => k.sha256.startsWith(match.prefix));
      const shown = 'sha256' in match ? `${match.sha256.slice(0, 12)}…` : match.prefix;
      if (found.length === 0) throw new ClientChangeRefused(`client ${clientId} has no key ${shown}: see the keys with list`);
      if (found.length > 1) throw new ClientChangeRefused(`${shown} matches ${found.length} keys of client ${clientId}: give more characters of the key's hash`);
      const key = found[0]!;
      if (key.revoked_at) return { sha256: key.sha256, revokedAt: key.revoked_at, already: true };
      const revokedAt = new Date().toISOString();
      await trx('client_keys').where({ sha256: key.sha256 }).update({ revoked_at: revokedAt });
      return { sha256: key.sha256, revokedAt, already: false };
    });
  }

  /** Disables a client: the gateways refuse its keys from their next refresh. Idempotent. */
  disable(clientId: string): Promise<{ disabledAt: string; already: boolean }> {
    return this.write(async (trx) => {
      const client = await this.client(trx, clientId);
      if (client.disabled_at) return { disabledAt: client.disabled_at, already: true };
      const disabledAt = new Date().toISOString();
      await trx('clients').where({ client_id: clientId }).update({ disabled_at: disabledAt });
      return { disabledAt, already: false };
    });
  }

  /**
   * Imports clients with their key hashes (a CLIENTS_FILE, checked by loadClientsFile), all or
   * nothing. Clients follow the rules of `add`; a key already stored for the same client with the
   * same expiry is left as it is (a revoked one stays revoked), and a different expiry is refused
   * unless `update`. Keys stored but absent from the file are kept.
   */
  importClients(clients: readonly ClientDefinition[], options: { update: boolean }): Promise<{ clients: Record<ClientChange, number>; keys: Record<ClientChange, number> }> {
    return this.write(async (trx) => {
      const now = new Date().toISOString();
      const counts = { clients: { added: 0, updated: 0, unchanged: 0 }, keys: { added: 0, updated: 0, unchanged: 0 } };
      for (const client of clients) {
        counts.clients[await this.put(trx, client, options.update, now)]++;
        for (const key of client.keys ?? []) {
          const expiresAt = key.expiresAt ?? null;
          const stored = await trx<KeyRow>('client_keys').where({ sha256: key.sha256 }).first();
          if (!stored) {
            await trx('client_keys').insert({ sha256: key.sha256, client_id: client.clientId, expires_at: expiresAt, created_at: now, revoked_at: null });
            counts.keys.added++;
          } else if (stored.client_id !== client.clientId) {
            throw new ClientChangeRefused(`the key ${key.sha256.slice(0, 12)}… of ${client.clientId} already belongs to client ${stored.client_id}: a key belongs to one client`);
          } else if (stored.expires_at === expiresAt) {
            counts.keys.unchanged++;
          } else if (options.update) {
            await trx('client_keys').where({ sha256: key.sha256 }).update({ expires_at: expiresAt });
            counts.keys.updated++;
          } else {
            throw new ClientChangeRefused(`the key ${key.sha256.slice(0, 12)}… of ${client.clientId} is stored with expiry ${stored.expires_at ?? 'none'}, the file says ${expiresAt ?? 'none'}: give --update to change it`);
          }
        }
      }
      return counts;
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  private async write<T>(change: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(async (trx) => {
      await lockForWrite(trx, 'clients');
      return change(trx);
    });
  }

  private async client(trx: Knex.Transaction, clientId: string): Promise<ClientRow> {
    const row = await trx<ClientRow>('clients').where({ client_id: clientId }).first();
    if (!row) throw new ClientChangeRefused(`client ${JSON.stringify(clientId)} is not known: add it first (see the clients with list)`);
    return row;
  }

  private async put(trx: Knex.Transaction, client: ClientFields, update: boolean, now: string): Promise<ClientChange> {
    const fields = {
      role: client.role,
      department: client.department ?? null,
      matters: client.matters ? JSON.stringify(client.matters) : null,
      label: client.label,
    };
    const stored = await trx<ClientRow>('clients').where({ client_id: client.clientId }).first();
    if (!stored) {
      await trx('clients').insert({ client_id: client.clientId, ...fields, created_at: now, updated_at: now, disabled_at: null });
      return 'added';
    }
    const same = stored.role === fields.role && stored.department === fields.department && stored.matters === fields.matters && stored.label === fields.label;
    if (same && !stored.disabled_at) return 'unchanged';
    if (!update) {
      const storedMatters = parseMatters(stored.matters);
      const was = summary({ ...stored, matters: Array.isArray(storedMatters) ? storedMatters : null });
      if (same) throw new ClientChangeRefused(`client ${client.clientId} is disabled (since ${stored.disabled_at}): give --update to enable it again`);
      throw new ClientChangeRefused(`client ${client.clientId} is already defined differently (${was}): give --update to replace that with ${summary(client)}`);
    }
    await trx('clients').where({ client_id: client.clientId }).update({ ...fields, updated_at: now, disabled_at: null });
    return 'updated';
  }
}

function parseMatters(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
