import type { Migration } from '../../../kit/database.js';

/** The lease that lets one push relay work at a time while others stand by (push/relay-lease.ts). */
export const relayLeaseTable: Migration = {
  name: '20261204000100_relay_lease',
  async up(db) {
    await db.schema.createTable('relay_lease', (t) => {
      t.comment('Which push relay is active: the holder renews it; another relay takes it over once it has expired');
      t.string('name', 32).primary().comment('The lease (push-relay)');
      t.string('holder', 100).nullable().comment('The relay holding it (host, pid and a random part); null when released');
      t.bigInteger('term').notNullable().defaultTo(0).comment('Raised at every change of holder, so a former holder cannot renew');
      t.bigInteger('expires_at').notNullable().defaultTo(0).comment('Epoch milliseconds after which another relay may take it');
      t.string('acquired_at', 24).nullable().comment('When the holder took it (ISO 8601, UTC)');
    });
  },
  async down(db) {
    await db.schema.dropTable('relay_lease');
  },
};
