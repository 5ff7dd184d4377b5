import assert from '../kit/assert.js';
import { describe, it } from '@jest/globals';
import { maskIdentityNumbers, maskIdentityNumbersIn } from '../../subgraphs/kit/identity-masking.js';
import { aliasOfLegacyId, legacyRecordIdFor, recordIdFor, recordIdFromClient } from '../../subgraphs/kit/record-ids.js';

const FULL = '360426199101010071';
const MASKED = '3604**********0071';
const toFullWidth = (s: string) => s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** Every form an identity number was seen written in, and what an analyst must read instead. */
const MASKED_FORMS: [string, string, string][] = [
  ['plain', `判决书载明 ${FULL} 未履行`, `判决书载明 ${MASKED} 未履行`],
  ['glued to a prefix', `ID${FULL}`, `ID${MASKED}`],
  ['glued to a suffix letter', `${FULL}A`, `${MASKED}A`],
  ['in a Chinese sentence', `身份证号：${FULL}，住址长沙`, `身份证号：${MASKED}，住址长沙`],
  ['groups separated by spaces', '360426 19910101 0071', MASKED],
  ['groups separated by hyphens', '360426-19910101-0071', MASKED],
  ['groups separated by dots and an ideographic space', '360426.19910101\u30000071', MASKED],
  ['digits one by one with spaces', FULL.split('').join(' '), MASKED],
  ['full-width digits', toFullWidth(FULL), MASKED],
  ['full-width digits in groups', `${toFullWidth('360426')} ${toFullWidth('19910101')} ${toFullWidth('0071')}`, MASKED],
  ['a lower-case check character x', '证件 11010519491231002x 有效', '证件 1101**********002X 有效'],
  ['the 15-digit first-generation number', '旧证号360426910101007', '旧证号3604********007'],
  ['a wrong check character (a typo of a real number)', '360426199101010072', '3604**********0072'],
  ['inside a longer run of digits', `编号${FULL}0001`, `编号${MASKED}0001`],
  ['two numbers one after the other', `${FULL} 11010519491231002X`, `${MASKED} 1101**********002X`],
  ['in an operation name', `Check_${FULL}`, `Check_${MASKED}`],
];

/** Texts that hold no identity number and must reach the analyst as they are. */
const LEFT_ALONE: [string, string][] = [
  ['an enterprise credit code', '长沙市恒通达建材贸易有限公司 91430100MA4L0L0000'],
  ['an all-digit credit code', '911100001000184305'],
  ['a period of two dates', '2026-06-30 至 2029-06-30'],
  ['a telephone number', '联系电话 0731-88886666'],
  ['a decision number', '(2026)湘0104执777号'],
  ['an amount', '涉案金额 123456789012 元'],
  ['a check id', '3f3dcd12-aa3e-4234-860d-42641ecc5ca3'],
];

describe('identity numbers are masked in free text, whatever form they are written in', () => {
  for (const [form, text, expected] of MASKED_FORMS) {
    it(`masks ${form}`, () => {
      const out = maskIdentityNumbersIn(text);
      assert.equal(out, expected);
      assert.ok(!out.includes('19910101') && !out.includes('910101') && !out.includes('19491231'), out);
    });
  }
  for (const [what, text] of LEFT_ALONE) {
    it(`leaves ${what} whole`, () => {
      assert.equal(maskIdentityNumbersIn(text), text);
    });
  }
  it('masks every string of a GraphQL answer except under the keys kept whole', () => {
    const data = { subject: { id: FULL, records: [{ summary: `被执行人 ${toFullWidth(FULL)}`, subjectId: FULL }] } };
    maskIdentityNumbers(data, new Set(['id']));
    assert.deepEqual(data, { subject: { id: FULL, records: [{ summary: `被执行人 ${MASKED}`, subjectId: MASKED }] } });
  });
});

describe('record ids', () => {
  it('are keyed: the same publication gives the same id, and the plain hash of decision and subject is not it', () => {
    const id = recordIdFor('courts', '(2026)湘0104执777号', FULL);
    assert.equal(id, recordIdFor('courts', '(2026)湘0104执777号', FULL));
    assert.match(id, /^courts-[0-9a-f]{24}$/);
    assert.notEqual(id.slice(7, 27), legacyRecordIdFor('courts', '(2026)湘0104执777号', FULL).slice(7));
    assert.notEqual(id, recordIdFor('courts', '(2026)湘0104执777号', '11010519491231002X'));
  });

  it('of the first scheme are shown by their alias, which the server turns back into the id', () => {
    const legacy = legacyRecordIdFor('courts', '(2026)湘0104执777号', FULL);
    const alias = aliasOfLegacyId(legacy);
    assert.match(alias, /^courts-[0-9a-f]{32}$/);
    assert.equal(recordIdFromClient(alias, false), legacy);
    assert.equal(recordIdFromClient(legacy, false), null, 'the first-scheme id itself names nothing for an analyst');
    assert.equal(recordIdFromClient(legacy, true), legacy, 'a department still finds its record by the id it is shown');
    assert.equal(maskIdentityNumbersIn(`record ${legacy} not found`), `record ${alias} not found`);
    const current = recordIdFor('courts', 'X', FULL);
    assert.equal(aliasOfLegacyId(current), current, 'ids of the keyed scheme are shown as they are');
    assert.equal(recordIdFromClient(current, false), current);
    assert.equal(recordIdFromClient(`courts-${'0'.repeat(32)}`, false), `courts-${'0'.repeat(32)}`, 'a made-up alias stands for nothing');
  });
});
