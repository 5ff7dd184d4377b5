import type { Migration } from '../database.js';

/** One row whose lock makes outbox events commit in seq order (see lifecycle/events.ts `lockOutbox`). */
export const recordEventsLock: Migration = {
  name: '20261127000600_record_events_lock',
  async up(db) {
    await db.schema.createTable('record_events_lock', (t) => {
      t.comment('One row, locked by every transaction that writes record_events, so events commit in seq order (MySQL)');
      t.integer('id').primary().comment('Always 1');
    });
    await db('record_events_lock').insert({ id: 1 });
  },
  async down(db) {
    await db.schema.dropTable('record_events_lock');
  },
};
