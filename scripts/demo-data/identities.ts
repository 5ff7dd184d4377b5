import { CREDIT_CODE_CHARSET, makeCreditCode, makeIdNumber } from '../../subgraphs/kit/identifiers.js';

/** Hunan's administrative divisions (cities and some Changsha districts), for realistic identifiers. */
export const HUNAN_DIVISIONS = [
  { code: '430100', name: '长沙市' }, { code: '430102', name: '长沙市芙蓉区' }, { code: '430103', name: '长沙市天心区' },
  { code: '430104', name: '长沙市岳麓区' }, { code: '430105', name: '长沙市开福区' }, { code: '430111', name: '长沙市雨花区' },
  { code: '430112', name: '长沙市望城区' }, { code: '430121', name: '长沙县' }, { code: '430181', name: '浏阳市' },
  { code: '430200', name: '株洲市' }, { code: '430300', name: '湘潭市' }, { code: '430400', name: '衡阳市' },
  { code: '430500', name: '邵阳市' }, { code: '430600', name: '岳阳市' }, { code: '430700', name: '常德市' },
  { code: '430800', name: '张家界市' }, { code: '430900', name: '益阳市' }, { code: '431000', name: '郴州市' },
  { code: '431100', name: '永州市' }, { code: '431200', name: '怀化市' }, { code: '431300', name: '娄底市' },
  { code: '433100', name: '湘西土家族苗族自治州' },
] as const;

const N = CREDIT_CODE_CHARSET.length;
const BIRTH_DAYS = 50 * 365; // birth dates spread over 1950-1999
const PERSON_CAPACITY = 22 * BIRTH_DAYS * 1000;

/** Scrambles 0..31^7-1 bijectively so consecutive subjects do not get consecutive codes. */
function scramble(i: number): number {
  const M = N ** 7; // 27,512,614,111
  return (i * 1_000_003 + 7_777_777) % M; // 1,000,003 is prime and does not divide M
}

/**
 * The i-th demo legal person's unified social credit code: registration authority 9 (market
 * regulation), type 1 (enterprise), a Hunan division, organisation code `MA` + 7 characters, check.
 * Distinct for every i below 31^7.
 */
export function legalPersonId(i: number): string {
  const division = HUNAN_DIVISIONS[i % HUNAN_DIVISIONS.length]!.code;
  let v = scramble(i);
  let org = '';
  for (let k = 0; k < 7; k++) {
    org = CREDIT_CODE_CHARSET[v % N]! + org;
    v = Math.floor(v / N);
  }
  return makeCreditCode(`91${division}MA${org}`);
}

/**
 * The i-th demo natural person's resident identity number: a Hunan division, a birth date in
 * 1950-1999 and a sequence number. Distinct for every i below 22 × 18,250 × 1,000 (401.5 million).
 */
export function naturalPersonId(i: number): string {
  // Scrambled like the credit codes, so consecutive persons differ in region, birth date and sex.
  const v = (i * 1_000_003 + 424_242) % PERSON_CAPACITY; // 1,000,003 is prime and does not divide the capacity
  const division = HUNAN_DIVISIONS[v % HUNAN_DIVISIONS.length]!.code;
  const rest = Math.floor(v / HUNAN_DIVISIONS.length);
  const day = rest % BIRTH_DAYS;
  const seq = Math.floor(rest / BIRTH_DAYS) % 1000;
  const birth = new Date(Date.UTC(1950, 0, 1) + day * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  return makeIdNumber(`${division}${birth}${String(seq).padStart(3, '0')}`);
}
