import type { Migration } from '../../kit/database.js';

export const checksTable: Migration = {
  name: '20261127001200_checks',
  async up(db) {
    await db.schema.createTable('checks', (t) => {
      t.comment('Every check before approval, as answered (审批前信用核查留痕); never updated');
      t.string('check_id', 36).primary().comment('Check id (UUID)');
      t.string('client_id', 64).notNullable().comment('Client that made the check');
      t.string('matter', 48).notNullable().comment('Approval matter');
      t.string('case_ref', 128).notNullable().comment("Approval system's case number");
      t.string('subject_id', 18).notNullable().comment('Subject checked');
      t.string('subject_kind', 16).notNullable().comment('LEGAL_PERSON or NATURAL_PERSON');
      t.string('verdict', 32).notNullable().comment('Verdict answered');
      t.boolean('subject_known').notNullable().comment('Whether any department knew the subject');
      t.text('missing_sources').notNullable().comment('JSON array of sources that could not answer');
      t.text('answer').notNullable().comment('JSON of the whole answer: measures with evidence, suspended measures, explanation');
      t.text('evidence_refs').notNullable().comment('JSON array of {department, id, version} of every record the answer rests on');
      t.text('measure_refs').notNullable().comment('JSON array of {code, version} of every measure in the answer');
      t.string('checked_at', 24).notNullable().comment('When the check was made (ISO 8601, UTC)');
      t.index(['subject_id', 'checked_at']);
      t.index(['client_id', 'checked_at']);
      t.index(['checked_at']);
    });
  },
  async down(db) {
    await db.schema.dropTable('checks');
  },
};
