import type { Migration } from '../../../kit/database.js';

export const personLookupsTable: Migration = {
  name: '20261204000000_person_lookups',
  async up(db) {
    await db.schema.createTable('person_lookups', (t) => {
      t.comment('Every lookup of a natural person by identity number: who, when, why; never updated');
      t.increments('id').primary();
      t.string('at', 24).notNullable().comment('When (ISO 8601, UTC)');
      t.string('client_id', 64).notNullable().comment('Client that asked');
      t.string('role', 32).notNullable().comment('Its role');
      t.string('subject_id', 18).notNullable().comment('The person looked up');
      t.text('purpose').notNullable().comment('Why: the check asked for, or the view and the operation');
      t.string('request_id', 64).notNullable().comment("The gateway's request id");
      t.index(['subject_id', 'at']);
      t.index(['at']);
    });
  },
  async down(db) {
    await db.schema.dropTable('person_lookups');
  },
};
