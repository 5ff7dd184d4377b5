/** Industries, enterprise forms, licences and penalty cases of the demo enterprises. */

export interface LicenceKind {
  title: string;
  /** Issuing bureau, after the division name (e.g. 市场监督管理局). */
  bureau: string;
  /** Short form of the bureau in the licence decision number, e.g. 市监许 in 长市监许〔2024〕12号. */
  tag: string;
  content: string;
}

export interface Industry {
  /** Industry word in the enterprise name (行业表述). */
  word: string;
  weight: number;
  licences: readonly LicenceKind[];
}

const FOOD: LicenceKind = { title: '食品经营许可证', bureau: '市场监督管理局', tag: '市监许', content: '准予食品经营许可：预包装食品销售（含冷藏冷冻食品）、散装食品销售' };
const CATERING: LicenceKind = { title: '食品经营许可证（餐饮服务）', bureau: '市场监督管理局', tag: '市监许', content: '准予食品经营许可：热食类食品制售、冷食类食品制售' };
const ROAD: LicenceKind = { title: '道路运输经营许可证', bureau: '交通运输局', tag: '交运许', content: '准予从事道路普通货物运输、货物专用运输（集装箱）' };
const BUILD: LicenceKind = { title: '建筑业企业资质证书', bureau: '住房和城乡建设局', tag: '住建许', content: '核准建筑工程施工总承包三级、市政公用工程施工总承包三级资质' };
const SAFETY: LicenceKind = { title: '安全生产许可证', bureau: '住房和城乡建设局', tag: '住建安许', content: '准予建筑施工企业安全生产许可，有效期三年' };
const POLLUTION: LicenceKind = { title: '排污许可证', bureau: '生态环境局', tag: '环许', content: '准予按照许可的污染物种类、浓度和排放量排放污染物' };
const DRUGS: LicenceKind = { title: '药品经营许可证', bureau: '市场监督管理局', tag: '市监药许', content: '准予药品零售：中药饮片、中成药、化学药制剂、抗生素制剂、生化药品' };
const DEVICES: LicenceKind = { title: '第二类医疗器械经营备案凭证', bureau: '市场监督管理局', tag: '市监械备', content: '准予经营第二类医疗器械（体外诊断试剂除外）' };
const CHEMICALS: LicenceKind = { title: '危险化学品经营许可证', bureau: '应急管理局', tag: '应急许', content: '准予经营（不带储存设施）：甲醇、乙醇、丙酮、硫酸、盐酸' };
const HR: LicenceKind = { title: '人力资源服务许可证', bureau: '人力资源和社会保障局', tag: '人社许', content: '准予从事职业介绍、人才供求信息收集发布、就业和创业指导' };
const PUBLISH: LicenceKind = { title: '出版物经营许可证', bureau: '文化旅游广电局', tag: '文旅许', content: '准予出版物零售' };
const TELECOM: LicenceKind = { title: '增值电信业务经营许可证', bureau: '通信管理局', tag: '通信许', content: '准予经营第二类增值电信业务中的信息服务业务（仅限互联网信息服务）' };
const REALTY: LicenceKind = { title: '房地产开发企业资质证书', bureau: '住房和城乡建设局', tag: '住建房许', content: '核准房地产开发企业二级资质' };
const HYGIENE: LicenceKind = { title: '公共场所卫生许可证', bureau: '卫生健康委员会', tag: '卫许', content: '准予经营住宿、美容美发公共场所' };
const SEEDS: LicenceKind = { title: '农作物种子生产经营许可证', bureau: '农业农村局', tag: '农许', content: '准予生产经营水稻、玉米、油菜农作物种子' };
const SPECIAL: LicenceKind = { title: '特种设备安装改造修理许可', bureau: '市场监督管理局', tag: '市监特许', content: '准予从事起重机械、场（厂）内专用机动车辆安装、改造、修理' };

export const INDUSTRIES: readonly Industry[] = [
  { word: '科技', weight: 14, licences: [TELECOM] },
  { word: '信息技术', weight: 6, licences: [TELECOM] },
  { word: '商贸', weight: 14, licences: [FOOD] },
  { word: '贸易', weight: 6, licences: [FOOD, CHEMICALS] },
  { word: '建筑工程', weight: 7, licences: [BUILD, SAFETY] },
  { word: '建材', weight: 4, licences: [POLLUTION] },
  { word: '食品', weight: 5, licences: [FOOD] },
  { word: '餐饮管理', weight: 6, licences: [CATERING] },
  { word: '物流', weight: 5, licences: [ROAD] },
  { word: '环保科技', weight: 3, licences: [POLLUTION] },
  { word: '农业开发', weight: 5, licences: [SEEDS] },
  { word: '房地产开发', weight: 2, licences: [REALTY] },
  { word: '机械制造', weight: 4, licences: [POLLUTION, SPECIAL] },
  { word: '医药', weight: 3, licences: [DRUGS, DEVICES] },
  { word: '文化传媒', weight: 5, licences: [PUBLISH] },
  { word: '人力资源服务', weight: 2, licences: [HR] },
  { word: '化工', weight: 2, licences: [CHEMICALS, POLLUTION] },
  { word: '酒店管理', weight: 3, licences: [HYGIENE, CATERING] },
  { word: '电子商务', weight: 4, licences: [TELECOM, FOOD] },
];

export const INDUSTRY_WEIGHTS: readonly (readonly [Industry, number])[] = INDUSTRIES.map((i) => [i, i.weight]);

export interface EnterpriseForm {
  /** Enterprise type as registered (企业类型). */
  type: string;
  /** Organisational form at the end of the name. */
  suffix: string;
  weight: number;
  /** Whether the form has a registered capital (a branch has none). */
  hasCapital: boolean;
  /** Registered capital range, yuan. */
  capital: readonly [number, number];
}

export const ENTERPRISE_FORMS: readonly EnterpriseForm[] = [
  { type: '有限责任公司（自然人投资或控股）', suffix: '有限公司', weight: 48, hasCapital: true, capital: [100_000, 50_000_000] },
  { type: '有限责任公司（自然人独资）', suffix: '有限公司', weight: 18, hasCapital: true, capital: [30_000, 5_000_000] },
  { type: '有限责任公司（非自然人投资或控股的法人独资）', suffix: '有限责任公司', weight: 6, hasCapital: true, capital: [1_000_000, 200_000_000] },
  { type: '股份有限公司（非上市、自然人投资或控股）', suffix: '股份有限公司', weight: 5, hasCapital: true, capital: [5_000_000, 300_000_000] },
  { type: '个人独资企业', suffix: '经营部', weight: 10, hasCapital: true, capital: [10_000, 1_000_000] },
  { type: '普通合伙企业', suffix: '中心（普通合伙）', weight: 4, hasCapital: true, capital: [100_000, 10_000_000] },
  { type: '有限责任公司分公司（自然人投资或控股）', suffix: '有限公司分公司', weight: 9, hasCapital: false, capital: [0, 0] },
];

export const FORM_WEIGHTS: readonly (readonly [EnterpriseForm, number])[] = ENTERPRISE_FORMS.map((f) => [f, f.weight]);

export interface PenaltyCase {
  title: string;
  facts: string;
  basis: string;
  /** Fine range in yuan; null for a warning only. */
  fine: readonly [number, number] | null;
}

export const PENALTY_CASES: readonly PenaltyCase[] = [
  { title: '销售不合格产品案', facts: '当事人销售的产品经抽样检验不合格', basis: '《中华人民共和国产品质量法》第四十九条', fine: [5_000, 200_000] },
  { title: '发布虚假广告案', facts: '当事人在其网店及宣传单中发布虚假广告，宣称产品具有不实功效', basis: '《中华人民共和国广告法》第五十五条', fine: [20_000, 300_000] },
  { title: '销售过期食品案', facts: '当事人经营超过保质期的食品', basis: '《中华人民共和国食品安全法》第一百二十四条', fine: [5_000, 100_000] },
  { title: '侵犯注册商标专用权案', facts: '当事人销售侵犯他人注册商标专用权的商品', basis: '《中华人民共和国商标法》第六十条', fine: [10_000, 250_000] },
  { title: '价格违法案', facts: '当事人不按规定明码标价，在标价之外加价出售商品', basis: '《中华人民共和国价格法》第四十二条', fine: [2_000, 50_000] },
  { title: '未按规定公示年度报告案', facts: '当事人未按规定报送并公示年度报告，经责令仍未改正', basis: '《企业信息公示暂行条例》第十八条', fine: null },
  { title: '使用未经检定计量器具案', facts: '当事人使用未经检定的计量器具进行贸易结算', basis: '《中华人民共和国计量法实施细则》第四十三条', fine: [1_000, 10_000] },
  { title: '无照经营案', facts: '当事人未依法取得营业执照从事经营活动', basis: '《无证无照经营查处办法》第十三条', fine: [1_000, 10_000] },
  { title: '虚假宣传案', facts: '当事人对商品的性能、销售状况作虚假的商业宣传', basis: '《中华人民共和国反不正当竞争法》第二十条', fine: [100_000, 1_000_000] },
];

/** Penalty cases heavy enough to lead to the serious illegal and untrustworthy list. */
export const SERIOUS_PENALTY_CASES: readonly PenaltyCase[] = [
  { title: '提交虚假材料取得公司登记案', facts: '当事人提交虚假材料、采取欺诈手段隐瞒重要事实取得公司登记', basis: '《中华人民共和国公司法》第二百五十条', fine: [50_000, 2_000_000] },
  { title: '生产销售假冒伪劣商品案', facts: '当事人生产、销售以假充真、以次充好的商品，货值金额较大', basis: '《中华人民共和国产品质量法》第五十条', fine: [100_000, 3_000_000] },
  { title: '销售不符合食品安全标准的食品案', facts: '当事人经营致病性微生物超过食品安全标准限量的食品，造成严重后果', basis: '《中华人民共和国食品安全法》第一百二十四条', fine: [200_000, 2_000_000] },
];

export const TAX_TYPES: readonly string[] = ['增值税', '企业所得税', '城市维护建设税', '房产税', '城镇土地使用税', '印花税', '个人所得税（代扣代缴）', '土地增值税'];

export const TAX_VIOLATIONS: readonly { act: string; share: number }[] = [
  { act: '采取伪造、变造、隐匿、擅自销毁账簿和记账凭证等手段少缴税款', share: 40 },
  { act: '虚开增值税专用发票', share: 30 },
  { act: '欠缴应纳税款并采取转移或者隐匿财产的手段妨碍税务机关追缴欠缴的税款', share: 15 },
  { act: '以假报出口或者其他欺骗手段骗取国家出口退税款', share: 8 },
  { act: '虚开普通发票', share: 7 },
];

export const SUBSIDY_PROGRAMMES: readonly { programme: string; level: 'PROVINCE' | 'CITY'; bureau: string; range: readonly [number, number] }[] = [
  { programme: '湖南省中小企业发展专项资金', level: 'PROVINCE', bureau: '湖南省财政厅', range: [100_000, 2_000_000] },
  { programme: '湖南省制造强省专项资金', level: 'PROVINCE', bureau: '湖南省财政厅', range: [300_000, 5_000_000] },
  { programme: '科技创新专项资金', level: 'CITY', bureau: '财政局', range: [50_000, 1_000_000] },
  { programme: '失业保险稳岗返还', level: 'CITY', bureau: '人力资源和社会保障局', range: [2_000, 200_000] },
  { programme: '高新技术企业认定奖励', level: 'CITY', bureau: '财政局', range: [100_000, 300_000] },
  { programme: '外贸发展专项资金', level: 'CITY', bureau: '财政局', range: [20_000, 500_000] },
  { programme: '农业产业化发展专项资金', level: 'CITY', bureau: '财政局', range: [50_000, 800_000] },
  { programme: '节能减排专项资金', level: 'CITY', bureau: '财政局', range: [50_000, 1_000_000] },
];

export const LENDERS: readonly { name: string; abbr: string }[] = [
  { name: '长沙银行股份有限公司', abbr: '长银' },
  { name: '湖南银行股份有限公司', abbr: '湘银' },
  { name: '湖南省农村信用社联合社', abbr: '湘农信' },
  { name: '中国建设银行股份有限公司湖南省分行', abbr: '建湘' },
  { name: '中国工商银行股份有限公司湖南省分行', abbr: '工湘' },
  { name: '中国邮政储蓄银行股份有限公司湖南省分行', abbr: '邮湘' },
  { name: '交通银行股份有限公司湖南省分行', abbr: '交湘' },
];
