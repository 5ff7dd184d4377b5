import type { Migration } from '../../kit/database.js';

export const ecologyTables: Migration = {
  name: '20261127000800_ecology_tables',
  async up(db) {
    await db.schema.createTable('discharge_permits', (t) => {
      t.comment('Pollutant discharge permits (排污许可证)');
      t.string('permit_no', 64).primary().comment('Permit number (许可证编号)');
      t.string('subject_id', 18).notNullable().comment('The permit holder');
      t.string('issued_on', 10).notNullable().comment('Issue date, YYYY-MM-DD');
      t.string('valid_until', 10).notNullable().comment('Last day of validity, YYYY-MM-DD');
      t.text('pollutants').notNullable().comment('Permitted pollutants, a JSON array of names');
      t.string('status', 16).notNullable().comment('VALID, EXPIRED, REVOKED, CANCELLED or RESCINDED');
      t.index(['subject_id']);
    });
    await db.schema.createTable('environmental_penalties', (t) => {
      t.comment('Environmental administrative penalties (环境行政处罚)');
      t.string('decision_no', 64).primary().comment('Penalty decision document number (处罚决定书文号)');
      t.string('subject_id', 18).notNullable().comment('The penalised subject');
      t.string('decided_on', 10).notNullable().comment('Decision date, YYYY-MM-DD');
      t.text('violation').notNullable().comment('The violation found');
      t.decimal('amount', 16, 2).nullable().comment('Fine, yuan; null when no fine was imposed');
      t.string('authority', 128).notNullable().comment('Deciding ecology and environment authority');
      t.index(['subject_id']);
    });
  },
  async down(db) {
    await db.schema.dropTable('environmental_penalties');
    await db.schema.dropTable('discharge_permits');
  },
};
