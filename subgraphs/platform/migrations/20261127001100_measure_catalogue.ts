import type { Migration } from '../../kit/database.js';
import { INITIAL_CATALOGUE, INITIAL_CATALOGUE_FROM } from '../measures/catalogue.js';

/** Version 1 of every measure of the initial catalogue. Later changes are versions made through the API. */
export const measureCatalogue: Migration = {
  name: '20261127001100_measure_catalogue',
  async up(db) {
    await db('measures').insert(
      INITIAL_CATALOGUE.map((m) => ({
        code: m.code,
        version: 1,
        name: m.name,
        kind: m.kind,
        mandatory: m.mandatory,
        matters: JSON.stringify(m.matters),
        triggers: JSON.stringify(m.triggers),
        three_clean_years: m.requiresThreeCleanYears,
        legal_basis: m.legalBasis,
        implementing_departments: JSON.stringify(m.implementingDepartments),
        retired: false,
        valid_from: INITIAL_CATALOGUE_FROM,
        valid_to: null,
        changed_by: 'platform',
        change_note: '初始措施清单 Initial catalogue from 湘政发〔2017〕5号',
      })),
    );
  },
  async down(db) {
    await db('measures').where('version', 1).whereIn('code', INITIAL_CATALOGUE.map((m) => m.code)).delete();
  },
};
