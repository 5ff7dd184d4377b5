import type { Migration } from '../../kit/database.js';

export const taxTables: Migration = {
  name: '20261127000200_tax_tables',
  async up(db) {
    await db.schema.createTable('tax_credit_grades', (t) => {
      t.comment('Tax credit grades (纳税信用等级), one per subject and rating year');
      t.string('subject_id', 18).notNullable().comment('The rated taxpayer');
      t.integer('year').notNullable().comment('Rating year (评价年度) the grade is for');
      t.string('grade', 1).notNullable().comment('A, B, M, C or D');
      t.string('rated_on', 10).notNullable().comment('Date the grade was published, YYYY-MM-DD');
      // The key starts with subject_id, so it doubles as the subject index.
      t.primary(['subject_id', 'year']);
    });
    await db.schema.createTable('tax_arrears', (t) => {
      t.comment('Tax arrears (欠税) announced by the tax authority');
      t.increments('arrear_id').primary();
      t.string('subject_id', 18).notNullable().comment('The taxpayer in arrears');
      t.string('tax_type', 32).notNullable().comment('Kind of tax owed, e.g. 增值税 (VAT)');
      t.decimal('amount', 16, 2).notNullable().comment('Amount owed, yuan');
      t.string('since', 10).notNullable().comment('Date the arrears arose, YYYY-MM-DD');
      t.string('settled_on', 10).nullable().comment('Date the arrears were paid off, YYYY-MM-DD');
      t.index(['subject_id']);
    });
  },
  async down(db) {
    await db.schema.dropTable('tax_arrears');
    await db.schema.dropTable('tax_credit_grades');
  },
};
