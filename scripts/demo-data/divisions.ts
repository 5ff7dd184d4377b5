/**
 * What the demo data needs to know about each Hunan division of `HUNAN_DIVISIONS`: the short form
 * used in document numbers, its people's court and its authorities.
 */
import { HUNAN_DIVISIONS } from './identities.js';

export interface Division {
  code: string;
  name: string;
  /** Short form in document numbers, e.g. 长 in 长市监处罚〔2025〕12号, 芙 for 芙蓉区. */
  abbr: string;
  /** The basic or intermediate people's court of the division. */
  court: string;
  /** Court code in case numbers, e.g. 湘0102 (芙蓉区人民法院) or 湘01 (长沙市中级人民法院). */
  courtCode: string;
}

const ABBREVIATIONS: Record<string, string> = {
  '430100': '长', '430102': '芙', '430103': '天', '430104': '岳麓', '430105': '开', '430111': '雨', '430112': '望',
  '430121': '长县', '430181': '浏', '430200': '株', '430300': '潭', '430400': '衡', '430500': '邵', '430600': '岳',
  '430700': '常', '430800': '张', '430900': '益', '431000': '郴', '431100': '永', '431200': '怀', '431300': '娄',
  '433100': '州',
};

function courtOf(code: string, name: string): { court: string; courtCode: string } {
  // A prefecture (xxxx00) has an intermediate court; a district or county a basic court.
  if (code.endsWith('00')) return { court: `${name}中级人民法院`, courtCode: `湘${code.slice(2, 4)}` };
  return { court: `${name}人民法院`, courtCode: `湘${code.slice(2)}` };
}

export const DIVISIONS: readonly Division[] = HUNAN_DIVISIONS.map(({ code, name }) => {
  const abbr = ABBREVIATIONS[code];
  if (!abbr) throw new Error(`no abbreviation for division ${code} ${name}`);
  return { code, name, abbr, ...courtOf(code, name) };
});

const BY_CODE = new Map(DIVISIONS.map((d) => [d.code, d]));

/** The division of a code from `HUNAN_DIVISIONS`, e.g. positions 3–8 of a demo credit code. */
export function divisionOf(code: string): Division {
  const division = BY_CODE.get(code);
  if (!division) throw new Error(`unknown demo division ${code}`);
  return division;
}

/** The prefecture-level city a division belongs to (长沙市 for 芙蓉区, 长沙县 and 浏阳市). */
export function cityOf(division: Division): Division {
  return BY_CODE.get(`${division.code.slice(0, 4)}00`) ?? division;
}
