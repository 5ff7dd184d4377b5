import { GENESIS_HASH } from '../audit.js';
import type { Migration } from '../database.js';

/**
 * The tamper-evident audit chain every subgraph with writes keeps in its own database (see
 * kit/audit.ts for the format): the entries, and one row holding the head of the chain.
 */
export const auditLog: Migration = {
  name: '20261201000000_audit_log',
  async up(db) {
    await db.schema.createTable('audit_log', (t) => {
      t.comment('Append-only audit chain (留痕): one entry per write, each hashed with the one before; never updated or deleted');
      t.bigInteger('seq').unsigned().notNullable().primary().comment('1, 2, 3… without gaps: the position in the chain');
      t.string('at', 24).notNullable().comment('When the write was made (ISO 8601, UTC)');
      t.string('actor_client', 64).notNullable().comment('Client that made the write, or a SYSTEM process');
      t.string('actor_role', 32).notNullable().comment("The client's role, or SYSTEM");
      t.string('actor_department', 32).nullable().comment('For a DEPARTMENT client, the department it speaks for');
      t.string('action', 64).notNullable().comment('What was done, <subgraph>.<operation>, e.g. tax.publishRecord');
      t.string('entity_id', 128).notNullable().comment('The record, check, measure… written');
      t.text('payload', 'mediumtext').notNullable().comment('Canonical JSON (keys sorted) of what was written');
      t.string('prev_hash', 64).notNullable().comment('Hash of the entry before (the genesis value for seq 1)');
      t.string('hash', 64).notNullable().comment('SHA-256 of prev_hash and the canonical fields, hex');
      t.index(['entity_id']);
    });
    await db.schema.createTable('audit_head', (t) => {
      t.comment('One row: the last entry of audit_log. Locked by every appender, so entries are chained one at a time; a lost tail shows as a head beyond it');
      t.integer('id').primary().comment('Always 1');
      t.bigInteger('seq').unsigned().notNullable().comment('Seq of the last entry; 0 while the chain is empty');
      t.string('hash', 64).notNullable().comment('Hash of the last entry; the genesis value while the chain is empty');
      t.string('updated_at', 24).nullable().comment('When the last entry was appended (ISO 8601, UTC)');
    });
    await db('audit_head').insert({ id: 1, seq: 0, hash: GENESIS_HASH, updated_at: null });
  },
  async down(db) {
    await db.schema.dropTable('audit_head');
    await db.schema.dropTable('audit_log');
  },
};
