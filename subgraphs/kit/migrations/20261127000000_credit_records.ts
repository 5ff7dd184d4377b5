import type { Migration } from '../database.js';

/** The versioned credit-record table every department keeps in its own database. */
export const creditRecords: Migration = {
  name: '20261127000000_credit_records',
  async up(db) {
    await db.schema.createTable('credit_records', (t) => {
      t.comment('Credit records (信用记录) published by this department; one row per version, never updated but to close it');
      t.increments('row_id').primary();
      t.string('id', 64).notNullable().comment('Stable record id, shared by all versions');
      t.integer('version').notNullable().comment('1 for the first publication, +1 for each correction or status change');
      t.string('subject_id', 18).notNullable().comment('Unified social credit code or resident identity number');
      t.string('category', 64).notNullable().comment('Category code, e.g. DISHONEST_JUDGMENT_DEBTOR');
      t.string('list_type', 8).notNullable().comment('RED, BLACK or WATCH');
      t.string('decision_no', 128).notNullable().comment('Decision document number (决定文书号)');
      t.string('decided_on', 10).notNullable().comment('Decision date, YYYY-MM-DD');
      t.string('valid_until', 10).nullable().comment('End of the publicity or punishment period, YYYY-MM-DD; null until lifted');
      t.string('status', 16).notNullable().comment('ACTIVE, IN_OBJECTION, REPAIRED, EXPIRED or REVOKED');
      t.text('summary').notNullable().comment('Public summary of the conduct');
      t.string('valid_from', 24).notNullable().comment('When this version was recorded (ISO 8601, UTC)');
      t.string('valid_to', 24).nullable().comment('When a later version replaced this one; null for the current version');
      t.unique(['id', 'version']);
      t.index(['subject_id', 'valid_to']);
      t.index(['list_type', 'category', 'status']);
      t.index(['decision_no']);
    });
  },
  async down(db) {
    await db.schema.dropTable('credit_records');
  },
};
