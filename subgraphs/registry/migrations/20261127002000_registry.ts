import type { Migration } from '../../kit/database.js';

export const registryTables: Migration = {
  name: '20261127002000_registry',
  async up(db) {
    await db.schema.createTable('subgraph_versions', (t) => {
      t.comment('Every accepted SDL of every subgraph (数据报送清单): never updated');
      t.increments('id').primary();
      t.string('name', 64).notNullable().comment('Subgraph name');
      t.string('url', 512).notNullable().comment('Routing URL');
      t.text('sdl', 'mediumtext').notNullable().comment('The SDL as published');
      t.string('sdl_hash', 64).notNullable().comment('SHA-256 of the SDL');
      t.string('published_by', 64).notNullable().comment('Client that published it');
      t.string('published_at', 24).notNullable().comment('When (ISO 8601, UTC)');
      t.index(['name', 'id']);
    });
    await db.schema.createTable('supergraph_versions', (t) => {
      t.comment('Every accepted supergraph; the highest version is the one gateways serve');
      t.integer('version').primary().comment('1, 2, 3…');
      t.text('supergraph_sdl', 'mediumtext').notNullable().comment('Composed supergraph');
      t.string('supergraph_hash', 64).notNullable().comment('SHA-256 of the supergraph');
      t.text('members').notNullable().comment('JSON object: subgraph name → subgraph_versions.id');
      t.string('action', 16).notNullable().comment('BOOTSTRAP, PUBLISH, REMOVE or ROLLBACK');
      t.string('subgraph', 64).nullable().comment('The subgraph the change was about');
      t.integer('rollback_of').nullable().comment('For a rollback, the version restored');
      t.boolean('forced').notNullable().defaultTo(false).comment('Accepted despite breaking changes, by the credit office');
      t.string('published_by', 64).notNullable().comment('Client that made the change');
      t.string('composed_at', 24).notNullable().comment('When (ISO 8601, UTC)');
    });
    await db.schema.createTable('observed_operations', (t) => {
      t.comment('Operations clients ran through the gateways, for the operation check; literals stripped');
      t.string('signature_hash', 64).notNullable().comment('SHA-256 of the signature');
      t.string('client_id', 64).notNullable().comment('Client that ran it');
      t.text('signature').notNullable().comment('The operation with literals stripped');
      t.string('operation_name', 128).nullable().comment('Operation name');
      t.string('last_seen', 24).notNullable().comment('When it last ran (ISO 8601, UTC)');
      t.primary(['signature_hash', 'client_id']);
      t.index(['last_seen']);
    });
  },
  async down(db) {
    await db.schema.dropTable('observed_operations');
    await db.schema.dropTable('supergraph_versions');
    await db.schema.dropTable('subgraph_versions');
  },
};
