import type { Migration } from '../../../kit/database.js';

/** Information push (信息推送): the feed the relay fills from the departments' outboxes, and the subscriptions. */
export const pushTables: Migration = {
  name: '20261127001700_push',
  async up(db) {
    await db.schema.createTable('feed', (t) => {
      t.comment('Every record change of every department, copied by the push relay from their outboxes; seq is the order subscribers read');
      t.increments('seq').primary().comment('Order of the entry in the feed (commit order, see feed_lock)');
      t.string('department', 32).notNullable().comment('Department whose outbox the entry comes from');
      t.integer('source_seq').notNullable().comment('seq of the event in that outbox');
      t.string('record_id', 64).notNullable().comment('The record');
      t.integer('version').notNullable().comment('The record version the change produced');
      t.string('kind', 24).notNullable().comment('PUBLISHED, CORRECTED, REVOKED, OBJECTED, OBJECTION_UPHELD, REPAIRED or EXPIRED');
      t.string('occurred_at', 24).notNullable().comment('When the department made the change (ISO 8601, UTC)');
      t.string('list_type', 8).notNullable().comment('RED, BLACK or WATCH (for subscription filters)');
      t.string('category', 64).notNullable().comment('Category code (for subscription filters)');
      t.string('subject_id', 18).notNullable().comment('The subject');
      t.text('record').notNullable().comment('JSON of the record version, in its public shape');
      t.string('relayed_at', 24).notNullable().comment('When the relay copied it (ISO 8601, UTC)');
      t.unique(['department', 'source_seq']);
      t.index(['list_type', 'category', 'seq']);
    });
    await db.schema.createTable('relay_cursors', (t) => {
      t.comment("How far the push relay has copied the outbox of each department; advanced in the transaction that copies");
      t.string('department', 32).primary().comment('Department');
      t.integer('last_seq').notNullable().comment('seq of the last outbox event copied into the feed');
      t.string('updated_at', 24).notNullable().comment('When it last moved (ISO 8601, UTC)');
    });
    await db.schema.createTable('feed_lock', (t) => {
      t.comment('One row every feed writer updates first, so feed entries commit in seq order and a reader never sees a later seq before an earlier one');
      t.integer('id').primary().comment('Always 1');
      t.string('locked_at', 24).nullable().comment('When a writer last took it');
    });
    await db('feed_lock').insert({ id: 1, locked_at: null });
    await db.schema.createTable('subscriptions', (t) => {
      t.comment('Push subscriptions (信息推送): what a client wants to learn of, how far it has acknowledged, and webhook delivery state');
      t.string('id', 48).primary().comment('Subscription id');
      t.string('client_id', 64).notNullable().comment('Client that owns it; only it reads and acknowledges');
      t.text('filter').notNullable().comment('JSON {listTypes, categories, departments}; an empty list matches everything');
      t.text('webhook_url').nullable().comment('Where the relay POSTs entries; null for a pull-only subscription');
      t.string('secret', 64).notNullable().comment('HMAC-SHA256 key of the webhook signatures, shown to the client once');
      t.integer('acked_seq').notNullable().defaultTo(0).comment('Feed seq up to which the client has acknowledged (webhook: delivered with 2xx)');
      t.integer('delivered_seq').notNullable().defaultTo(0).comment('Feed seq up to which entries were handed out; acknowledgements stop there');
      t.string('created_at', 24).notNullable().comment('When it was made (ISO 8601, UTC)');
      t.string('cancelled_at', 24).nullable().comment('When the client unsubscribed; nothing is delivered after');
      t.integer('attempts').notNullable().defaultTo(0).comment('Failed webhook attempts since the last success');
      t.string('next_attempt_at', 24).nullable().comment('Not before this time is the webhook tried again (back-off)');
      t.text('last_error').nullable().comment('Why the last webhook attempt failed');
      t.string('last_delivered_at', 24).nullable().comment('When the webhook last answered 2xx');
      t.string('claimed_until', 24).nullable().comment('A relay is delivering until then; another relay leaves it alone');
      t.index(['client_id']);
    });
  },
  async down(db) {
    await db.schema.dropTable('subscriptions');
    await db.schema.dropTable('feed_lock');
    await db.schema.dropTable('relay_cursors');
    await db.schema.dropTable('feed');
  },
};
