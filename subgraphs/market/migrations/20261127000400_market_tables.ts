import type { Migration } from '../../kit/database.js';

export const marketTables: Migration = {
  name: '20261127000400_market_tables',
  async up(db) {
    await db.schema.createTable('registrations', (t) => {
      t.comment('Enterprise registrations (市场主体登记)');
      t.string('subject_id', 18).primary().comment('Unified social credit code of the enterprise');
      t.string('name', 256).notNullable().comment('Registered name');
      t.string('enterprise_type', 64).notNullable().comment('Enterprise type, e.g. 有限责任公司');
      t.string('legal_representative_id', 18).notNullable().comment('Resident identity number of the current legal representative');
      t.string('legal_representative_name', 64).notNullable().comment('Name of the current legal representative');
      t.string('status', 16).notNullable().comment('EXISTING, SUSPENDED, REVOKED, CANCELLED, RESCINDED or MOVED_OUT');
      t.string('region', 6).notNullable().comment('Administrative division code of the registration (6 digits)');
      t.decimal('registered_capital', 16, 2).nullable().comment('Registered capital, yuan; null when the form has none');
      t.string('established_on', 10).notNullable().comment('Establishment date, YYYY-MM-DD');
      t.string('address', 512).notNullable().comment('Registered address (住所)');
      t.index(['legal_representative_id']);
    });
    await db.schema.createTable('administrative_decisions', (t) => {
      t.comment('Administrative licences and penalties under double publicity (双公示)');
      t.string('decision_no', 128).notNullable().comment('Decision document number (决定文书号)');
      t.string('subject_id', 18).notNullable().comment('The licensed or penalised subject');
      t.string('kind', 8).notNullable().comment('LICENCE or PENALTY');
      t.string('title', 256).notNullable().comment('Licence or case title');
      t.text('content').notNullable().comment('What was licensed, or the facts and the penalty imposed');
      t.string('decided_on', 10).notNullable().comment('Decision date, YYYY-MM-DD');
      t.string('published_on', 10).nullable().comment('Publication date, YYYY-MM-DD; null until published (due within 7 working days)');
      t.string('authority', 128).notNullable().comment('Deciding authority');
      t.decimal('amount', 16, 2).nullable().comment('Fine and confiscation for a penalty, yuan; null for licences and penalties without one');
      t.primary(['decision_no', 'subject_id']);
      t.index(['subject_id']);
    });
    await db.schema.createTable('representations', (t) => {
      t.comment('Legal representatives, principals and directly responsible persons of enterprises (落实到人)');
      t.string('enterprise_id', 18).notNullable().comment('Unified social credit code of the enterprise');
      t.string('person_id', 18).notNullable().comment('Resident identity number of the person');
      t.string('role', 24).notNullable().comment('LEGAL_REPRESENTATIVE, PRINCIPAL or DIRECTLY_RESPONSIBLE');
      t.string('from_date', 10).notNullable().comment('Start of the role, YYYY-MM-DD');
      t.string('to_date', 10).nullable().comment('End of the role, YYYY-MM-DD; null while it lasts');
      t.primary(['enterprise_id', 'person_id', 'role', 'from_date']);
      t.index(['person_id']);
      t.index(['enterprise_id']);
    });
  },
  async down(db) {
    await db.schema.dropTable('representations');
    await db.schema.dropTable('administrative_decisions');
    await db.schema.dropTable('registrations');
  },
};
