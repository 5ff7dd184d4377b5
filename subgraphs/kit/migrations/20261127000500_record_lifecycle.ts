import type { Migration } from '../database.js';

/** Outbox of record changes, objections and repair applications: what every department keeps. */
export const recordLifecycle: Migration = {
  name: '20261127000500_record_lifecycle',
  async up(db) {
    await db.schema.createTable('record_events', (t) => {
      t.comment('Outbox of record changes (信息推送), written in the same transaction as the change; read in seq order by the push relay');
      t.increments('seq').primary().comment('Order of the change within this department');
      t.string('record_id', 64).notNullable().comment('The record');
      t.integer('version').notNullable().comment('The record version the change produced');
      t.string('kind', 24).notNullable().comment('PUBLISHED, CORRECTED, REVOKED, OBJECTED, OBJECTION_UPHELD, REPAIRED, EXPIRED');
      t.string('occurred_at', 24).notNullable().comment('When the change was made (ISO 8601, UTC)');
      t.text('record').notNullable().comment('JSON of the record version, in its public shape');
    });
    await db.schema.createTable('objections', (t) => {
      t.comment('Objections to records (异议处理); the department verifies each within 20 days');
      t.string('id', 64).primary().comment('Objection id');
      t.string('record_id', 64).notNullable().comment('The disputed record');
      t.string('subject_id', 18).notNullable().comment('The subject the record is about');
      t.string('filed_by', 64).notNullable().comment('Client that filed it');
      t.text('reason').notNullable().comment("The subject's grounds");
      t.string('filed_at', 24).notNullable().comment('When it was filed (ISO 8601, UTC)');
      t.string('due_on', 10).notNullable().comment('Verification deadline, YYYY-MM-DD (20 days after filing)');
      t.string('status', 16).notNullable().comment('PENDING, UPHELD, CORRECTED or REVOKED');
      t.string('resolved_at', 24).nullable().comment('When it was resolved');
      t.string('resolved_by', 64).nullable().comment('Client that resolved it');
      t.text('resolution_note').nullable().comment("The department's finding");
      t.string('idempotency_key', 128).nullable().unique().comment('Key of the filing request, so a retry files nothing new');
      t.index(['status', 'due_on']);
      t.index(['record_id']);
    });
    await db.schema.createTable('repair_applications', (t) => {
      t.comment('Applications for credit repair (信用修复)');
      t.string('id', 64).primary().comment('Application id');
      t.string('record_id', 64).notNullable().comment('The record to repair');
      t.string('subject_id', 18).notNullable().comment('The subject the record is about');
      t.string('applied_by', 64).notNullable().comment('Client that filed the application');
      t.text('statement').notNullable().comment('How the subject corrected the conduct');
      t.string('applied_at', 24).notNullable().comment('When it was filed (ISO 8601, UTC)');
      t.string('status', 16).notNullable().comment('PENDING, APPROVED or REJECTED');
      t.string('decided_at', 24).nullable().comment('When it was decided');
      t.string('decided_by', 64).nullable().comment('Client that decided it');
      t.text('decision_note').nullable().comment("The department's reasons");
      t.string('idempotency_key', 128).nullable().unique().comment('Key of the application request, so a retry files nothing new');
      t.index(['status']);
      t.index(['record_id']);
    });
  },
  async down(db) {
    await db.schema.dropTable('repair_applications');
    await db.schema.dropTable('objections');
    await db.schema.dropTable('record_events');
  },
};
