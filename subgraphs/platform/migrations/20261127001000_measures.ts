import type { Migration } from '../../kit/database.js';

export const measuresTable: Migration = {
  name: '20261127001000_measures',
  async up(db) {
    await db.schema.createTable('measures', (t) => {
      t.comment('Catalogue of joint incentive and punishment measures (措施清单); one row per version, never updated but to close it');
      t.increments('row_id').primary();
      t.string('code', 64).notNullable().comment('Stable measure code');
      t.integer('version').notNullable().comment('1 for the first version, +1 for each change');
      t.string('name', 256).notNullable().comment('Measure name');
      t.string('kind', 16).notNullable().comment('INCENTIVE or PUNISHMENT');
      t.boolean('mandatory').notNullable().comment('Mandatory (强制性) or recommended (推荐性)');
      t.text('matters').notNullable().comment('JSON array of approval matters it applies to');
      t.text('triggers').notNullable().comment('JSON array of {listType, department, category} triggers');
      t.boolean('three_clean_years').notNullable().defaultTo(false).comment('Applies only after three years without black or watch records');
      t.text('legal_basis').notNullable().comment('Legal or policy basis');
      t.text('implementing_departments').notNullable().comment('JSON array of implementing departments');
      t.boolean('retired').notNullable().defaultTo(false).comment('True for a retired measure');
      t.string('valid_from', 24).notNullable().comment('When this version took effect (ISO 8601, UTC)');
      t.string('valid_to', 24).nullable().comment('When a later version replaced it; null for the current version');
      t.string('changed_by', 64).notNullable().comment('Client that made this version');
      t.text('change_note').notNullable().comment('Why the version was made');
      t.unique(['code', 'version']);
      t.index(['valid_to']);
    });
  },
  async down(db) {
    await db.schema.dropTable('measures');
  },
};
