import type { Knex } from 'knex';
import { sealAllRows } from '../audit-seals.js';
import type { Migration } from '../database.js';

/**
 * Seals the rows of the sealed tables (audit-seals.ts) that were written before seals began, so
 * that from now on every row of them is under the audit chain. A fresh database seals nothing.
 */
export const auditRowSeals: Migration = {
  name: '20261204000000_audit_row_seals',
  async up(db) {
    // Migrations run inside a transaction already; a savepoint in it would fail on MySQL, where the
    // DDL of earlier migrations commits implicitly.
    if ((db as { isTransaction?: boolean }).isTransaction) await sealAllRows(db as Knex.Transaction);
    else await db.transaction((trx) => sealAllRows(trx));
  },
  async down() {
    // The entries stay: the chain is append-only, and the audit_log migration drops it anyway.
  },
};
