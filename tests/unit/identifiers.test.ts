import assert from '../kit/assert.js';
import { describe, it } from '@jest/globals';
import { checkSubjectId, creditCodeCheckChar, makeCreditCode, makeIdNumber, maskSubjectId } from '../../subgraphs/kit/identifiers.js';
import { legalPersonId, naturalPersonId } from '../../scripts/demo-data/identities.js';

describe('GB 32100 unified social credit codes', () => {
  for (const id of ['91430100MA4L0L0000', '91430100MA4L0600XL', '91430100MA4L00003Q', '91350100M000100Y43', '911100001000184305']) {
    it(`accepts ${id} as a legal person`, () => {
      assert.deepEqual(checkSubjectId(id), { valid: true, kind: 'LEGAL_PERSON' });
    });
  }

  it('rejects a wrong check character and says which was expected', () => {
    const r = checkSubjectId('91430100MA4L0L0001');
    assert.equal(r.valid, false);
    assert.match((r as { reason: string }).reason, /check character is '1', expected '0'/);
  });

  for (const [id, letter] of [['91430100MA4L0I0000', 'I'], ['91430100MA4L0O0000', 'O'], ['91430100MA4L0Z0000', 'Z'], ['91430100MA4L0S0000', 'S'], ['91430100MA4L0V0000', 'V']] as const) {
    it(`rejects the letter ${letter}, which never occurs in a credit code`, () => {
      const r = checkSubjectId(id);
      assert.equal(r.valid, false);
      assert.match((r as { reason: string }).reason, new RegExp(`character '${letter}' at position 14`));
    });
  }

  it('tells an all-digit credit code (no real birth date inside) from an identity number', () => {
    assert.deepEqual(checkSubjectId('914301000000000013'), { valid: true, kind: 'LEGAL_PERSON' });
  });

  it('rejects lower case, since the character set is upper case only', () => {
    assert.equal(checkSubjectId('91430100ma4l0l0000').valid, false);
  });

  it('computes the check character from the weights (value 31 - sum mod 31)', () => {
    assert.equal(creditCodeCheckChar('91430100MA4L0L000'), '0');
    assert.equal(creditCodeCheckChar('91430100MA4L0600X'), 'L');
    assert.equal(makeCreditCode('91430100MA4L0000'.padEnd(17, '3')).length, 18);
  });
});

describe('GB 11643 resident identity numbers', () => {
  for (const id of ['11010519491231002X', '360426199101010071', '430102200002290016'.slice(0, 17) + makeIdNumber('43010220000229001').slice(17)]) {
    it(`accepts ${id} as a natural person`, () => {
      assert.deepEqual(checkSubjectId(id), { valid: true, kind: 'NATURAL_PERSON' });
    });
  }

  it('rejects a wrong check digit', () => {
    const r = checkSubjectId('110105194912310021');
    assert.equal(r.valid, false);
    assert.match((r as { reason: string }).reason, /expected 'X' \(GB 11643/);
  });

  it('rejects a birth date that is not a real calendar date (29 February 1949)', () => {
    const id = '11010519490229001';
    const r = checkSubjectId(id + '0');
    assert.equal(r.valid, false);
    assert.match((r as { reason: string }).reason, /birth date '19490229' is not a real calendar date/);
  });

  it('rejects a 13th month even with a matching check digit', () => {
    const r = checkSubjectId(makeIdNumber('43010219491301001'));
    assert.equal(r.valid, false);
  });

  it('rejects wrong lengths and names the expectation', () => {
    for (const id of ['', '1101051949123100', '11010519491231002X1']) {
      const r = checkSubjectId(id);
      assert.equal(r.valid, false);
      assert.match((r as { reason: string }).reason, /expected 18 characters/);
    }
  });

  it('masks identity numbers but shows credit codes whole', () => {
    assert.equal(maskSubjectId('11010519491231002X'), '1101**********002X');
    assert.equal(maskSubjectId('91430100MA4L0L0000'), '91430100MA4L0L0000');
  });
});

describe('demo identifiers', () => {
  it('are valid and distinct over the first 20,000 of each kind', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const code = legalPersonId(i);
      const person = naturalPersonId(i);
      assert.equal(checkSubjectId(code).valid, true, code);
      assert.equal(checkSubjectId(person).valid, true, person);
      assert.ok(code.startsWith('9143') || code.startsWith('91433'), code);
      seen.add(code).add(person);
    }
    assert.equal(seen.size, 40_000);
  });
});
