import type { Migration } from '../../../kit/database.js';

export const feedbackTable: Migration = {
  name: '20261127001300_feedback',
  async up(db) {
    await db.schema.createTable('feedback', (t) => {
      t.comment('Execution feedback (执行反馈): what approval systems did with the measures of their checks');
      t.string('check_id', 36).notNullable().comment('The check');
      t.string('measure_code', 64).notNullable().comment('A measure of that check');
      t.string('outcome', 16).notNullable().comment('APPLIED or NOT_APPLIED');
      t.text('reason').nullable().comment('Why it was not applied');
      t.string('reported_by', 64).notNullable().comment('Client that reported it');
      t.string('reported_at', 24).notNullable().comment('When it was reported (ISO 8601, UTC)');
      t.primary(['check_id', 'measure_code']);
      t.index(['reported_at']);
    });
  },
  async down(db) {
    await db.schema.dropTable('feedback');
  },
};
