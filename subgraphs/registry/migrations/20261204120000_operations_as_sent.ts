import type { Migration } from '../../kit/database.js';

/**
 * Observed operations were first stored as usage signatures, which drop aliases and so no longer
 * validate (two aliased calls of one field read as a conflict): the operation check refused every
 * publication after such an operation ran. Those rows cannot be turned back into the operations
 * as sent, so they are dropped; the gateways record the operations again as clients run them.
 */
export const operationsAsSent: Migration = {
  name: '20261204120000_operations_as_sent',
  async up(db) {
    await db('observed_operations').del();
  },
  async down() {},
};
