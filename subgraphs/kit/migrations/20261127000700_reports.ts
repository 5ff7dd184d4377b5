import type { Migration } from '../database.js';

export const reportsTable: Migration = {
  name: '20261127000700_reports',
  async up(db) {
    await db.schema.createTable('reports', (t) => {
      t.comment('Reports of untrustworthy conduct from the public (举报); the reporter is encrypted at rest');
      t.string('id', 64).primary().comment('Report id');
      t.string('subject_id', 18).notNullable().comment('The subject reported');
      t.text('conduct').notNullable().comment('What the reporter describes');
      t.text('reporter_sealed').notNullable().comment('Reporter name and contact, AES-256-GCM encrypted (iv.tag.ciphertext, base64)');
      t.string('submitted_at', 24).notNullable().comment('When it was submitted (ISO 8601, UTC)');
      t.string('status', 16).notNullable().comment('RECEIVED, VERIFYING, SUBSTANTIATED or UNSUBSTANTIATED');
      t.index(['status', 'submitted_at']);
    });
  },
  async down(db) {
    await db.schema.dropTable('reports');
  },
};
