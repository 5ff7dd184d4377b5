import type { MeasureContent } from './types.js';

const DOC = '湘政发〔2017〕5号';
const NATIONAL = '国发〔2016〕33号';

/**
 * The initial catalogue, drawn from the Hunan implementation opinions (湘政发〔2017〕5号) sections
 * 二(二) (incentives) and 二(三) (punishments). The credit office changes it through mutations;
 * this list is only version 1 of each measure.
 */
export const INITIAL_CATALOGUE: readonly (MeasureContent & { code: string })[] = [
  // ── Punishments: 二(三)2 administrative restraints on serious untrustworthiness ──
  {
    code: 'P_GOVERNMENT_PROCUREMENT_BAN', name: '限制参与政府采购活动 Barred from government procurement', kind: 'PUNISHMENT', mandatory: true,
    matters: ['GOVERNMENT_PROCUREMENT'], triggers: [{ listType: 'BLACK' }], requiresThreeCleanYears: false,
    legalBasis: `《中华人民共和国政府采购法》第二十二条（参加政府采购活动的供应商应当具有良好的商业信誉）；${DOC} 二(三)2`,
    implementingDepartments: ['省财政厅'],
  },
  {
    code: 'P_PUBLIC_RESOURCE_TRADING_BAN', name: '限制参与公共资源交易活动 Barred from public resource trading and bidding', kind: 'PUNISHMENT', mandatory: true,
    matters: ['PUBLIC_RESOURCE_TRADING'], triggers: [{ listType: 'BLACK' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(三)2「限制参与有关公共资源交易活动」；《招标投标法实施条例》`,
    implementingDepartments: ['省公共资源交易中心', '省发改委'],
  },
  {
    code: 'P_STRICT_LICENSE_REVIEW', name: '从严审核行政许可审批项目 Strict review of administrative licences', kind: 'PUNISHMENT', mandatory: true,
    matters: ['ADMINISTRATIVE_LICENSE'], triggers: [{ listType: 'BLACK' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(三)2「从严审核行政许可审批项目，从严控制生产许可证发放」`,
    implementingDepartments: ['各级行政审批部门', '省市场监管局'],
  },
  {
    code: 'P_NEW_PROJECT_RESTRICTION', name: '限制新增项目审批、核准 No new project approvals', kind: 'PUNISHMENT', mandatory: true,
    matters: ['PROJECT_APPROVAL'], triggers: [{ listType: 'BLACK' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(三)2「限制新增项目审批、核准」`,
    implementingDepartments: ['省发改委'],
  },
  {
    code: 'P_SECURITIES_RESTRICTION', name: '限制股票发行上市融资或发行债券 No share or bond issuance', kind: 'PUNISHMENT', mandatory: true,
    matters: ['SECURITIES_ISSUANCE'], triggers: [{ listType: 'BLACK' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(三)2「限制股票发行上市融资或发行债券，限制在全国股份转让系统挂牌、融资」`,
    implementingDepartments: ['湖南证监局', '省发改委', '人民银行长沙中心支行'],
  },
  {
    code: 'P_FINANCIAL_INSTITUTION_RESTRICTION', name: '限制发起设立或参股金融机构 No setting up or investing in financial institutions', kind: 'PUNISHMENT', mandatory: true,
    matters: ['FINANCIAL_INSTITUTION_SETUP'], triggers: [{ listType: 'BLACK' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(三)2「限制发起设立或参股金融机构以及小额贷款公司、融资担保公司、创业投资公司、互联网融资平台等机构」`,
    implementingDepartments: ['省政府金融办', '湖南银监局'],
  },
  {
    code: 'P_FISCAL_FUNDS_RESTRICTION', name: '严格限制申请财政性资金项目 No fiscal funds', kind: 'PUNISHMENT', mandatory: true,
    matters: ['FISCAL_FUNDS'], triggers: [{ listType: 'BLACK' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(三)2「严格限制申请财政性资金项目」`,
    implementingDepartments: ['省财政厅', '省发改委'],
  },
  {
    code: 'P_FRANCHISE_RESTRICTION', name: '限制参与基础设施和公用事业特许经营 No franchises', kind: 'PUNISHMENT', mandatory: true,
    matters: ['FRANCHISE'], triggers: [{ listType: 'BLACK' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(三)2「限制参与基础设施和公用事业特许经营」`,
    implementingDepartments: ['省发改委', '省住房城乡建设厅'],
  },
  {
    code: 'P_KEY_PROJECT_RESTRICTION', name: '限制参与重点项目建设 No key projects', kind: 'PUNISHMENT', mandatory: true,
    matters: ['KEY_PROJECT'], triggers: [{ listType: 'BLACK' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(三)2「限制参与重点项目建设」`,
    implementingDepartments: ['省发改委'],
  },
  {
    code: 'P_HONORS_REVOKED', name: '撤销荣誉称号，取消评先评优资格 Honours revoked, no awards', kind: 'PUNISHMENT', mandatory: true,
    matters: ['HONORS'], triggers: [{ listType: 'BLACK' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(三)2「及时撤销严重失信企业及其法定代表人……的荣誉称号，取消参加评先评优资格」`,
    implementingDepartments: ['省人力资源社会保障厅', '各级评选表彰部门'],
  },
  {
    code: 'P_MARKET_ENTRY_BAN', name: '实施市场和行业禁入 Market and occupational bans', kind: 'PUNISHMENT', mandatory: false,
    matters: ['MARKET_ENTRY'], triggers: [{ listType: 'BLACK' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(三)2「对严重失信企业及其法定代表人、主要负责人和对失信行为负有直接责任的注册执业人员等实施市场和行业禁入措施」`,
    implementingDepartments: ['省市场监管局', '省人力资源社会保障厅'],
  },
  {
    code: 'P_HIGH_CONSUMPTION_RESTRICTION', name: '限制高消费及非生活工作必需的消费 No flights, high-speed trains, star hotels or property purchase', kind: 'PUNISHMENT', mandatory: true,
    matters: ['HIGH_CONSUMPTION'],
    triggers: [{ department: 'courts', category: 'DISHONEST_JUDGMENT_DEBTOR' }, { department: 'courts', category: 'CONSUMPTION_RESTRICTION' }],
    requiresThreeCleanYears: false,
    legalBasis: `《最高人民法院关于限制被执行人高消费及有关消费的若干规定》；${DOC} 二(三)3「限制购买不动产、乘坐飞机、乘坐高等级列车和席次、旅游度假、入住星级以上宾馆及其他高消费行为」`,
    implementingDepartments: ['省高级人民法院', '中国民航', '中国铁路', '省旅发委'],
  },
  {
    code: 'P_RISK_PRICING', name: '提高贷款利率和财产保险费率或限制贷款 Higher loan rates and premiums, or no loans', kind: 'PUNISHMENT', mandatory: false,
    matters: ['FINANCIAL_SERVICES'], triggers: [{ listType: 'BLACK' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(三)3「按照风险定价原则，对严重失信主体提高贷款利率和财产保险费率，或者限制向其提供贷款、保荐、承销、保险等服务」`,
    implementingDepartments: ['人民银行长沙中心支行', '湖南银监局', '湖南保监局'],
  },
  {
    code: 'P_INVESTMENT_PROMOTION_RESTRICTION', name: '限制享受招商引资优惠政策 No investment promotion incentives', kind: 'PUNISHMENT', mandatory: false,
    matters: ['INVESTMENT_PROMOTION'], triggers: [{ listType: 'BLACK' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(三)2「将严重失信主体列为重点监管对象，依法依规采取行政性约束和惩戒措施」；${NATIONAL}`,
    implementingDepartments: ['省商务厅', '各市州人民政府'],
  },
  {
    code: 'P_KEY_SUPERVISION', name: '列为重点监管对象，提高检查频次 Key supervision, more frequent inspections', kind: 'PUNISHMENT', mandatory: false,
    matters: ['ROUTINE_INSPECTION', 'ADMINISTRATIVE_LICENSE'], triggers: [{ listType: 'BLACK' }, { listType: 'WATCH' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(三)2「各级各有关部门应将严重失信主体列为重点监管对象」；《企业经营异常名录管理暂行办法》`,
    implementingDepartments: ['省市场监管局', '省税务局'],
  },
  {
    code: 'P_WATCH_PROCUREMENT_REVIEW', name: '政府采购和公共资源交易中审慎评审 Prudent review in procurement and bidding', kind: 'PUNISHMENT', mandatory: false,
    matters: ['GOVERNMENT_PROCUREMENT', 'PUBLIC_RESOURCE_TRADING'], triggers: [{ listType: 'WATCH' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(二)3「在有关公共资源交易活动中，应查询市场主体信用记录」；二(三)3 经营异常名录公示`,
    implementingDepartments: ['省财政厅', '省公共资源交易中心'],
  },
  {
    code: 'P_WATCH_FISCAL_FUNDS_REVIEW', name: '财政性资金项目审慎安排 Prudent review of fiscal fund applications', kind: 'PUNISHMENT', mandatory: false,
    matters: ['FISCAL_FUNDS'], triggers: [{ listType: 'WATCH' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(三)2；《纳税信用管理办法》对D级纳税人的管理措施`,
    implementingDepartments: ['省财政厅'],
  },
  // ── Incentives: 二(二) ──
  {
    code: 'I_GREEN_CHANNEL', name: '行政许可"绿色通道" Green channel for administrative licences', kind: 'INCENTIVE', mandatory: false,
    matters: ['ADMINISTRATIVE_LICENSE', 'PROJECT_APPROVAL'], triggers: [], requiresThreeCleanYears: true,
    legalBasis: `${DOC} 二(二)2「对诚信典型和连续三年无不良信用记录的行政相对人……确定行政许可审批的"绿色通道"」`,
    implementingDepartments: ['各级行政审批部门', '省发改委'],
  },
  {
    code: 'I_ACCEPT_ON_PROMISE', name: '容缺受理 Acceptance with missing documents on a written promise', kind: 'INCENTIVE', mandatory: false,
    matters: ['ADMINISTRATIVE_LICENSE'], triggers: [], requiresThreeCleanYears: true,
    legalBasis: `${DOC} 二(二)2「部分申报材料不齐备的，如其书面承诺在规定期限内提供，应先行受理，加快办理进度」`,
    implementingDepartments: ['各级行政审批部门'],
  },
  {
    code: 'I_FISCAL_FUNDS_PRIORITY', name: '财政性资金项目安排优先考虑 Priority in fiscal fund projects', kind: 'INCENTIVE', mandatory: false,
    matters: ['FISCAL_FUNDS'], triggers: [{ listType: 'RED' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(二)3「在实施财政性资金项目安排……等各类政府优惠扶持政策中，优先考虑诚信主体」`,
    implementingDepartments: ['省财政厅', '省发改委'],
  },
  {
    code: 'I_INVESTMENT_PRIORITY', name: '招商引资配套优惠政策优先 Priority in investment promotion incentives', kind: 'INCENTIVE', mandatory: false,
    matters: ['INVESTMENT_PROMOTION'], triggers: [{ listType: 'RED' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(二)3「招商引资配套优惠政策等各类政府优惠扶持政策中，优先考虑诚信主体」`,
    implementingDepartments: ['省商务厅'],
  },
  {
    code: 'I_TRADING_CREDIT_BONUS', name: '公共资源交易信用加分 Credit bonus points in public resource trading', kind: 'INCENTIVE', mandatory: false,
    matters: ['PUBLIC_RESOURCE_TRADING', 'GOVERNMENT_PROCUREMENT'], triggers: [{ listType: 'RED' }], requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(二)3「提倡依法依约对诚信主体采取信用加分等激励措施」`,
    implementingDepartments: ['省公共资源交易中心', '省财政厅'],
  },
  {
    code: 'I_FEWER_INSPECTIONS', name: '优化检查频次 Fewer routine and special inspections', kind: 'INCENTIVE', mandatory: false,
    matters: ['ROUTINE_INSPECTION'], triggers: [{ department: 'market', category: 'CONTRACT_ABIDING_CREDITWORTHY' }, { department: 'tax', category: 'TAX_CREDIT_A' }],
    requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(二)4「对符合一定条件的诚信示范企业，在日常检查、专项检查中优化检查频次」`,
    implementingDepartments: ['省市场监管局', '长沙海关'],
  },
  {
    code: 'I_CREDIT_LOANS', name: '"信易贷""税易贷"等守信激励产品 Credit-based and tax-based loans', kind: 'INCENTIVE', mandatory: false,
    matters: ['FINANCIAL_SERVICES'], triggers: [{ department: 'tax', category: 'TAX_CREDIT_A' }, { department: 'finance', category: 'CREDIT_LOAN_GOOD_STANDING' }],
    requiresThreeCleanYears: false,
    legalBasis: `${DOC} 二(二)5「开发"税易贷"、"信易贷"、"信易债"、"信易审"等守信激励产品」`,
    implementingDepartments: ['人民银行长沙中心支行', '省税务局', '湖南银监局'],
  },
  {
    code: 'I_MODEL_RECOMMENDATION', name: '选树推介诚信典型 Recommended as an honest model', kind: 'INCENTIVE', mandatory: false,
    matters: ['HONORS'], triggers: [{ listType: 'RED' }], requiresThreeCleanYears: true,
    legalBasis: `${DOC} 二(二)1「将……A级纳税人……等树立为诚信典型，通过"信用湖南"网站、政府网站等多种途径公示推介」`,
    implementingDepartments: ['省发改委', '省税务局', '省民政厅'],
  },
  {
    code: 'I_PUBLIC_SERVICES_PRIORITY', name: '教育、就业、创业、社会保障重点支持 Priority in public services for trustworthy persons', kind: 'INCENTIVE', mandatory: false,
    matters: ['PUBLIC_SERVICES'], triggers: [], requiresThreeCleanYears: true,
    legalBasis: `${DOC} 二(二)3「在教育、就业、创业、社会保障等领域对诚信个人给予重点支持和优先便利」`,
    implementingDepartments: ['省教育厅', '省人力资源社会保障厅'],
  },
];

/** When the initial catalogue took effect: the date of 湘政发〔2017〕5号. */
export const INITIAL_CATALOGUE_FROM = '2017-01-22T00:00:00.000Z';
