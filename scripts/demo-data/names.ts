/** Chinese personal names, enterprise names and addresses for the demo data. */
import type { Division } from './divisions.js';
import { Random, Stream } from './random.js';

/** Common surnames; the first ones are drawn more often, as they are in Hunan. */
const SURNAMES_COMMON = '李王张刘陈杨黄赵周吴'.split('');
const SURNAMES_FREQUENT = '徐孙胡朱高林何郭马罗梁宋郑谢唐彭曾邓谭廖'.split('');
const SURNAMES_OTHER = '韩冯于董萧程曹袁许傅沈吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文欧阳'.split('');

const GIVEN_MALE = '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林洋峰建国志文海东亮成德新春永清生兵锋毅诚湘红松江'.split('');
const GIVEN_FEMALE = '芳娜敏静丽艳娟霞秀英玲桂兰丹萍婷雪琳倩颖慧燕梅莉洁琴云莲晶妍蓉红露佳欣怡湘珍凤荣'.split('');

function surname(rng: Random): string {
  const r = rng.next();
  if (r < 0.45) return rng.pick(SURNAMES_COMMON);
  if (r < 0.85) return rng.pick(SURNAMES_FREQUENT);
  return rng.pick(SURNAMES_OTHER);
}

/**
 * The name of demo natural person `index` of a run; its own stream, so an enterprise can name its
 * legal representative without generating the person. `male` follows the identity number (odd
 * sequence digit).
 */
export function personName(seed: number, index: number, male: boolean): string {
  const rng = Random.for(seed, Stream.personName, index);
  const chars = male ? GIVEN_MALE : GIVEN_FEMALE;
  const given = rng.chance(0.3) ? rng.pick(chars) : rng.pick(chars) + rng.pick(chars);
  return surname(rng) + given;
}

/** Whether a resident identity number is a man's: the 17th digit (sequence) is odd. */
export function isMaleId(idNumber: string): boolean {
  return Number(idNumber[16]) % 2 === 1;
}

const TRADE_NAME_FIRST = '鑫恒盛达华信通源泰联创瑞宏兴宇丰隆安顺博远中新金天嘉润永利康美佳和正汇德诚海'.split('');
const TRADE_NAME_SECOND = '达通源盛泰华信科宇鑫德隆兴丰瑞祥利辉成安昌发旺晟晖锦程远航邦汇融嘉川'.split('');
const TRADE_NAME_WORDS = ['湘江', '岳麓', '芙蓉', '橘洲', '潇湘', '楚天', '星城', '麓山', '洞庭', '韶峰', '南岳', '湘楚', '三湘', '湘中', '湘南', '梅溪', '天心', '雨花', '浏河', '湘韵'];

/** A trade name (字号) of two characters, e.g. 鑫达 or 潇湘. */
export function tradeName(rng: Random): string {
  if (rng.chance(0.15)) return rng.pick(TRADE_NAME_WORDS);
  let name = rng.pick(TRADE_NAME_FIRST) + rng.pick(TRADE_NAME_SECOND);
  while (name[0] === name[1]) name = rng.pick(TRADE_NAME_FIRST) + rng.pick(TRADE_NAME_SECOND);
  return name;
}

/** A registered enterprise name: division + trade name + industry + organisational form. */
export function enterpriseName(division: Division, trade: string, industry: string, form: string): string {
  return `${division.name}${trade}${industry}${form}`;
}

const ROADS = [
  '人民路', '解放路', '建设路', '五一大道', '芙蓉中路', '韶山北路', '湘江中路', '劳动路', '车站北路', '东风路',
  '八一路', '中山路', '新华路', '长沙大道', '万家丽路', '麓谷大道', '岳麓大道', '迎宾路', '金星路', '桐梓坡路',
  '望城大道', '开元路', '星沙大道', '滨江路', '科技路', '工业园路', '高新大道', '文化路', '青年路', '红旗路',
];
const BUILDINGS = ['国际大厦', '商务中心', '科技园', '创业大厦', '金融中心', '广场', '工业园', '产业园', '大厦', '写字楼'];

/** A registered address (住所) in the division. */
export function address(rng: Random, division: Division): string {
  const road = rng.pick(ROADS);
  const no = rng.between(1, 999);
  const r = rng.next();
  if (r < 0.45) return `${division.name}${road}${no}号${rng.pick(BUILDINGS)}${rng.between(2, 32)}${String(rng.between(1, 20)).padStart(2, '0')}室`;
  if (r < 0.8) return `${division.name}${road}${no}号${rng.between(1, 12)}栋${rng.between(1, 30)}${String(rng.between(1, 12)).padStart(2, '0')}室`;
  return `${division.name}${road}${no}号`;
}
