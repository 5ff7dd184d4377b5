import type { Migration } from '../../kit/database.js';
import { auditLog } from '../../kit/migrations/20261201000000_audit_log.js';
import { registryTables } from './20261127002000_registry.js';
import { clientsTables } from './20261127002100_clients.js';
import { operationsAsSent } from './20261204120000_operations_as_sent.js';

/**
 * The migrations of the registry database, in order: whichever process opens it first (the
 * registry subgraph, the gateway, `npm run clients`) brings it to the same schema.
 */
export const REGISTRY_MIGRATIONS: readonly Migration[] = [registryTables, clientsTables, auditLog, operationsAsSent];
