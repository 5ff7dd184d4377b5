import type { Migration } from '../../kit/database.js';

export const courtsTables: Migration = {
  name: '20261127000100_courts_tables',
  async up(db) {
    await db.schema.createTable('debtor_cases', (t) => {
      t.comment('Enforcement cases (执行案件) against judgment debtors');
      t.string('case_no', 64).primary().comment('Case number');
      t.string('subject_id', 18).notNullable().comment('The judgment debtor');
      t.string('court', 128).notNullable().comment('Enforcing court');
      t.string('filed_on', 10).notNullable().comment('Filing date, YYYY-MM-DD');
      t.decimal('amount', 16, 2).notNullable().comment('Amount owed, yuan');
      t.boolean('performed').notNullable().defaultTo(false).comment('Obligation performed');
      t.string('performed_on', 10).nullable().comment('Performance date, YYYY-MM-DD');
      t.index(['subject_id']);
    });
    await db.schema.createTable('consumption_restrictions', (t) => {
      t.comment('Consumption restriction orders (限制消费令)');
      t.string('order_no', 64).primary().comment('Order number');
      t.string('case_no', 64).notNullable().comment('Enforcement case');
      t.string('subject_id', 18).notNullable().comment('The restricted subject');
      t.string('on_behalf_of', 18).nullable().comment('Enterprise whose debt caused the restriction of its legal representative');
      t.string('issued_on', 10).notNullable().comment('Issue date, YYYY-MM-DD');
      t.string('lifted_on', 10).nullable().comment('Lifting date, YYYY-MM-DD');
      t.index(['subject_id']);
    });
  },
  async down(db) {
    await db.schema.dropTable('consumption_restrictions');
    await db.schema.dropTable('debtor_cases');
  },
};
