import assert from '../kit/assert.js';
import { describe, it } from '@jest/globals';
import { legalPersonId } from '../../scripts/demo-data/identities.js';
import { evaluateCheck, type SourceAnswer } from '../../subgraphs/platform/check/evaluate.js';

const nobody: SourceAnswer = { known: false, records: [] };
const input = (sources: Record<string, SourceAnswer | null>) => ({
  subjectId: legalPersonId(424242),
  matter: 'GOVERNMENT_PROCUREMENT' as const,
  asOf: '2026-12-04T10:00:00.000Z',
  sources: new Map(Object.entries(sources)),
  representations: [],
});

describe('the explanation of a check on a subject nobody knows', () => {
  it('says first that no department knows it, and that an enterprise is absent from the market registration', () => {
    const e = evaluateCheck(input({ tax: nobody, market: nobody, courts: nobody, finance: nobody }), []);
    assert.equal(e.verdict, 'CLEAR');
    assert.equal(e.subjectKnown, false);
    assert.match(e.explanation, /^no department knows subject \S+: it is absent from the market registration/);
  });

  it('when a source is down: INCOMPLETE, saying that none of those that answered knows it', () => {
    const e = evaluateCheck(input({ tax: nobody, market: nobody, courts: null, finance: nobody }), []);
    assert.equal(e.verdict, 'INCOMPLETE');
    assert.match(e.explanation, /^no department that answered knows subject \S+: it is absent from the market registration .*; not every source answered.*courts/);
  });

  it('when the market registration itself is down, does not claim the enterprise is unregistered', () => {
    const e = evaluateCheck(input({ tax: nobody, market: null, courts: nobody, finance: nobody }), []);
    assert.equal(e.verdict, 'INCOMPLETE');
    assert.doesNotMatch(e.explanation, /market registration/);
  });
});
