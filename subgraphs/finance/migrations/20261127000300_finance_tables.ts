import type { Migration } from '../../kit/database.js';

export const financeTables: Migration = {
  name: '20261127000300_finance_tables',
  async up(db) {
    await db.schema.createTable('fiscal_subsidies', (t) => {
      t.comment('Fiscal subsidies (财政补贴) granted to subjects');
      t.string('grant_no', 64).primary().comment('Grant document number (拨付文号)');
      t.string('subject_id', 18).notNullable().comment('The recipient');
      t.string('programme', 128).notNullable().comment('Subsidy programme or fund');
      t.decimal('amount', 16, 2).notNullable().comment('Amount granted, yuan');
      t.string('granted_on', 10).notNullable().comment('Grant date, YYYY-MM-DD');
      t.string('granting_authority', 128).notNullable().comment('Authority that granted the subsidy');
      t.index(['subject_id']);
    });
    await db.schema.createTable('credit_loans', (t) => {
      t.comment('Credit-based loans (信易贷) and their repayment standing as reported by the lender');
      t.string('contract_no', 64).primary().comment('Loan contract number');
      t.string('subject_id', 18).notNullable().comment('The borrower');
      t.string('lender', 128).notNullable().comment('Lending financial institution');
      t.decimal('amount', 16, 2).notNullable().comment('Principal, yuan');
      t.string('granted_on', 10).notNullable().comment('Disbursement date, YYYY-MM-DD');
      t.string('due_on', 10).notNullable().comment('Maturity date, YYYY-MM-DD');
      t.string('standing', 16).notNullable().comment('NORMAL, OVERDUE or SETTLED');
      t.string('settled_on', 10).nullable().comment('Date the loan was repaid in full, YYYY-MM-DD');
      t.index(['subject_id']);
    });
  },
  async down(db) {
    await db.schema.dropTable('credit_loans');
    await db.schema.dropTable('fiscal_subsidies');
  },
};
