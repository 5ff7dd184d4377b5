import type { Migration } from '../../kit/database.js';

/** Clients of the gateway and their API keys, when it reads them from the database (CLIENTS_SOURCE=database). */
export const clientsTables: Migration = {
  name: '20261127002100_clients',
  async up(db) {
    await db.schema.createTable('clients', (t) => {
      t.comment('Clients of the gateway (CLIENTS_SOURCE=database), managed with npm run clients');
      t.string('client_id', 64).primary().comment('Client id: the caller the gateway passes on to subgraphs');
      t.string('role', 16).notNullable().comment('APPROVAL_SYSTEM, ANALYST, DEPARTMENT, CREDIT_OFFICE or PUBLIC');
      t.string('department', 32).nullable().comment('For a DEPARTMENT client, the department it speaks for');
      t.text('matters').nullable().comment('For an APPROVAL_SYSTEM client, JSON array of the approval matters it approves');
      t.string('label', 200).notNullable().comment('Human-readable name, for logs and listings');
      t.string('created_at', 24).notNullable().comment('When it was added (ISO 8601, UTC)');
      t.string('updated_at', 24).notNullable().comment('When its definition last changed (ISO 8601, UTC)');
      t.string('disabled_at', 24).nullable().comment('When it was disabled (ISO 8601, UTC): every key of it is refused');
    });
    await db.schema.createTable('client_keys', (t) => {
      t.comment('API keys of the clients, by their SHA-256 only: a key is shown once, when it is issued');
      t.string('sha256', 64).primary().comment('SHA-256 (hex) of the key');
      t.string('client_id', 64).notNullable().references('client_id').inTable('clients').comment('Client the key belongs to');
      t.string('expires_at', 24).nullable().comment('From when it is refused (ISO 8601, UTC); null: no expiry');
      t.string('created_at', 24).notNullable().comment('When it was issued or imported (ISO 8601, UTC)');
      t.string('revoked_at', 24).nullable().comment('When it was revoked (ISO 8601, UTC): refused from then on');
      t.index(['client_id']);
    });
  },
  async down(db) {
    await db.schema.dropTable('client_keys');
    await db.schema.dropTable('clients');
  },
};
