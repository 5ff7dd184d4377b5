/**
 * The showcase: a fixed handful of subjects, always written whatever the population size, for the
 * README, demos and tests. Ids, names, amounts and document sequence numbers are fixed; dates are
 * fixed offsets from the run's "today" (--as-of), so the showcase reads the same on any day.
 */
import type { ListType, RecordStatus } from '../../subgraphs/kit/credit-records.js';
import type { SubjectKind } from '../../subgraphs/kit/identifiers.js';
import { addDays, addWorkingDays, addYears, latestRatingYear, onWorkingDay, ratingPublishedOn, yearOf } from './calendar.js';
import { enforcementCaseNo, officialNo, rulingNo } from './numbering.js';
import { creditRecord } from './records.js';
import type { Reserved } from './generate.js';
import { emptyRows, type Department, type SeedRows } from './rows.js';

export const SHOWCASE_IDS = {
  /** Black-listed enterprise: MAJOR_TAX_VIOLATION, PROCUREMENT_SERIOUS_VIOLATION, a penalty published late. */
  blackEnterprise: '91430100MA4L0L0000',
  /** Red-listed enterprise: A grade three years running, contract-abiding, credit loan in good standing. */
  redEnterprise: '91430100MA4L0600XL',
  /** Enterprise on the abnormal operations list whose legal representative is a dishonest judgment debtor. */
  watchEnterprise: '91430100MA4L00003Q',
  /** Legal representative of the watch enterprise: dishonest judgment debtor, restricted on the enterprise's behalf. */
  dishonestPerson: '360426199101010071',
  /** Clean natural person, legal representative of the red enterprise. */
  cleanPerson: '11010519491231002X',
  /** Clean natural person, legal representative of the black enterprise. */
  blackEnterpriseRepresentative: '440305198203150137',
} as const;

export interface ShowcaseRecord {
  department: Department;
  category: string;
  listType: ListType;
  /** Status as the API reports it on the run's "today". */
  status: RecordStatus;
}

export interface ShowcaseSubject {
  id: string;
  kind: SubjectKind;
  name: string;
  /** What the subject is there to show. */
  profile: 'BLACK' | 'RED' | 'WATCH' | 'CLEAN';
  description: string;
  /** Every credit record of the subject, in any department. */
  records: readonly ShowcaseRecord[];
}

const S = SHOWCASE_IDS;

export const SHOWCASE_SUBJECTS: readonly ShowcaseSubject[] = [
  {
    id: S.blackEnterprise,
    kind: 'LEGAL_PERSON',
    name: '长沙市恒通达建材贸易有限公司',
    profile: 'BLACK',
    description:
      'Major tax violation (150 days ago) and serious government procurement violation (90 days ago), both active; tax grades B, C, D; ' +
      'a product-quality penalty published 16 working days after the decision (late); unpaid VAT arrears.',
    records: [
      { department: 'tax', category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK', status: 'ACTIVE' },
      { department: 'tax', category: 'TAX_CREDIT_D', listType: 'WATCH', status: 'ACTIVE' },
      { department: 'finance', category: 'PROCUREMENT_SERIOUS_VIOLATION', listType: 'BLACK', status: 'ACTIVE' },
    ],
  },
  {
    id: S.redEnterprise,
    kind: 'LEGAL_PERSON',
    name: '长沙市湘信智能科技有限公司',
    profile: 'RED',
    description:
      'A grade in each of the last three rating years (TAX_CREDIT_A for the latest), contract-abiding and creditworthy, a credit loan ' +
      'in good standing, a licence published on time, a fiscal subsidy. Its only bad record is five years old and repaired ' +
      '(abnormal operations, annual report filed late): no bad record in the last three years.',
    records: [
      { department: 'tax', category: 'TAX_CREDIT_A', listType: 'RED', status: 'ACTIVE' },
      { department: 'market', category: 'CONTRACT_ABIDING_CREDITWORTHY', listType: 'RED', status: 'ACTIVE' },
      { department: 'market', category: 'ABNORMAL_OPERATION', listType: 'WATCH', status: 'REPAIRED' },
      { department: 'finance', category: 'CREDIT_LOAN_GOOD_STANDING', listType: 'RED', status: 'ACTIVE' },
    ],
  },
  {
    id: S.watchEnterprise,
    kind: 'LEGAL_PERSON',
    name: '长沙市鑫宏源商贸有限公司',
    profile: 'WATCH',
    description:
      'On the abnormal operations list (100 days ago, active); judgment debtor in an unperformed enforcement case, so it and its ' +
      'legal representative are under consumption restriction orders; no black record of its own.',
    records: [
      { department: 'market', category: 'ABNORMAL_OPERATION', listType: 'WATCH', status: 'ACTIVE' },
      { department: 'courts', category: 'CONSUMPTION_RESTRICTION', listType: 'WATCH', status: 'ACTIVE' },
    ],
  },
  {
    id: S.dishonestPerson,
    kind: 'NATURAL_PERSON',
    name: '王建军',
    profile: 'BLACK',
    description:
      'Legal representative of the watch enterprise; dishonest judgment debtor in his own enforcement case (220 days ago, active); ' +
      'consumption restriction on behalf of the enterprise (on_behalf_of = the watch enterprise).',
    records: [
      { department: 'courts', category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK', status: 'ACTIVE' },
      { department: 'courts', category: 'CONSUMPTION_RESTRICTION', listType: 'WATCH', status: 'ACTIVE' },
    ],
  },
  {
    id: S.cleanPerson,
    kind: 'NATURAL_PERSON',
    name: '李秀英',
    profile: 'CLEAN',
    description: 'Legal representative of the red enterprise; no record anywhere.',
    records: [],
  },
  {
    id: S.blackEnterpriseRepresentative,
    kind: 'NATURAL_PERSON',
    name: '赵德胜',
    profile: 'CLEAN',
    description: 'Legal representative of the black enterprise; no record of his own.',
    records: [],
  },
];

const ENTERPRISE_TYPE = '有限责任公司（自然人投资或控股）';

/** The showcase rows for a run whose "today" is `asOf`. */
export function buildShowcase(asOf: string): SeedRows {
  const rows = emptyRows();
  const ago = (days: number) => onWorkingDay(addDays(asOf, -days));
  const at = (day: string) => `${day}T02:00:00.000Z`;
  const y = yearOf(asOf);
  const Y = latestRatingYear(asOf);
  const record = (department: Department, n: number, subjectId: string, category: string, decisionNo: string, decidedOn: string, status: RecordStatus, summary: string) =>
    rows[department].credit_records.push(
      creditRecord(department, { id: `${department}-5ca5e00000${String(n).padStart(2, '0')}`, subjectId, category, decisionNo, decidedOn, status, summary, recordedAt: at(decidedOn) }),
    );
  const grades = (subjectId: string, g: readonly ['A' | 'B' | 'M' | 'C' | 'D', 'A' | 'B' | 'M' | 'C' | 'D', 'A' | 'B' | 'M' | 'C' | 'D']) =>
    [Y - 2, Y - 1, Y].forEach((year, k) => rows.tax.tax_credit_grades.push({ subject_id: subjectId, year, grade: g[k]!, rated_on: ratingPublishedOn(year) }));

  // ------------------------------------------------------------ black enterprise
  {
    const id = S.blackEnterprise;
    const name = '长沙市恒通达建材贸易有限公司';
    const established = `${y - 9}-03-18`;
    rows.market.registrations.push({
      subject_id: id, name, enterprise_type: ENTERPRISE_TYPE, legal_representative_id: S.blackEnterpriseRepresentative, legal_representative_name: '赵德胜',
      status: 'EXISTING', region: '430100', registered_capital: 5_000_000, established_on: established, address: '长沙市开福区芙蓉中路一段88号金源大厦1205室',
    });
    rows.market.representations.push({ enterprise_id: id, person_id: S.blackEnterpriseRepresentative, role: 'LEGAL_REPRESENTATIVE', from_date: established, to_date: null });
    grades(id, ['B', 'C', 'D']);
    const violation = ago(150);
    record('tax', 1, id, 'MAJOR_TAX_VIOLATION', officialNo('长税稽罚', yearOf(violation), 18), violation, 'ACTIVE',
      `经国家税务总局长沙市税务局稽查局检查，${name}${y - 3}年至${y - 2}年期间虚开增值税专用发票，涉及税款386.45万元，依法列为重大税收违法失信主体。`);
    const rated = ratingPublishedOn(Y);
    record('tax', 2, id, 'TAX_CREDIT_D', officialNo('长税信', yearOf(rated), 2), rated, 'ACTIVE', `${name}${Y}年度纳税信用等级评价结果为D级，依法列为D级纳税人。`);
    rows.tax.tax_arrears.push({ subject_id: id, tax_type: '增值税', amount: 386_452.17, since: addDays(asOf, -400), settled_on: null });
    const penalty = ago(120);
    rows.market.administrative_decisions.push({
      decision_no: officialNo('长市监处罚', yearOf(penalty), 27), subject_id: id, kind: 'PENALTY', title: `${name}销售不合格产品案`,
      content: '当事人销售的钢筋经抽样检验屈服强度不合格。依据《中华人民共和国产品质量法》第四十九条，决定没收违法所得12,360.00元，并处罚款85,000.00元。',
      decided_on: penalty, published_on: addWorkingDays(penalty, 16), authority: '长沙市市场监督管理局', amount: 97_360,
    });
    const procurement = ago(90);
    record('finance', 1, id, 'PROCUREMENT_SERIOUS_VIOLATION', officialNo('长财采处', yearOf(procurement), 6), procurement, 'ACTIVE',
      `${name}在长沙市某学校建材采购项目中提供虚假材料谋取中标，长沙市财政局依据《中华人民共和国政府采购法》第七十七条，处以采购金额千分之五的罚款，列入不良行为记录名单，三年内禁止参加政府采购活动。`);
  }

  // ------------------------------------------------------------ red enterprise
  {
    const id = S.redEnterprise;
    const name = '长沙市湘信智能科技有限公司';
    const established = `${y - 12}-06-08`;
    rows.market.registrations.push({
      subject_id: id, name, enterprise_type: ENTERPRISE_TYPE, legal_representative_id: S.cleanPerson, legal_representative_name: '李秀英',
      status: 'EXISTING', region: '430100', registered_capital: 20_000_000, established_on: established, address: '长沙市岳麓区麓谷大道658号麓谷信息港A座1608室',
    });
    rows.market.representations.push({ enterprise_id: id, person_id: S.cleanPerson, role: 'LEGAL_REPRESENTATIVE', from_date: established, to_date: null });
    grades(id, ['A', 'A', 'A']);
    const rated = ratingPublishedOn(Y);
    record('tax', 3, id, 'TAX_CREDIT_A', officialNo('长税信', yearOf(rated), 1), rated, 'ACTIVE', `${name}${Y}年度纳税信用等级评价结果为A级，列入A级纳税人名单。`);
    const licence = ago(300);
    rows.market.administrative_decisions.push({
      decision_no: officialNo('湘通信许', yearOf(licence), 15), subject_id: id, kind: 'LICENCE', title: '增值电信业务经营许可证',
      content: `准予经营第二类增值电信业务中的信息服务业务（仅限互联网信息服务）。有效期至${addDays(addYears(licence, 5), -1)}。`,
      decided_on: licence, published_on: addWorkingDays(licence, 3), authority: '湖南省通信管理局', amount: null,
    });
    const contract = ago(200);
    record('market', 1, id, 'CONTRACT_ABIDING_CREDITWORTHY', officialNo('湘市监守', yearOf(contract), 3), contract, 'ACTIVE',
      `${name}被湖南省市场监督管理局公示为${yearOf(contract) - 2}—${yearOf(contract) - 1}年度"守合同重信用"企业。`);
    const oldAbnormal = onWorkingDay(addDays(addYears(asOf, -5), -40));
    record('market', 2, id, 'ABNORMAL_OPERATION', officialNo('长市监异', yearOf(oldAbnormal), 41), oldAbnormal, 'REPAIRED',
      `${name}未依照《企业信息公示暂行条例》第八条规定的期限公示年度报告，长沙市市场监督管理局决定将其列入经营异常名录。`);
    const granted = ago(300);
    const contractNo = `长银借字${yearOf(granted)}第000008号`;
    rows.finance.credit_loans.push({
      contract_no: contractNo, subject_id: id, lender: '长沙银行股份有限公司', amount: 3_000_000, granted_on: granted, due_on: addYears(granted, 1), standing: 'NORMAL', settled_on: null,
    });
    const standing = ago(60);
    record('finance', 2, id, 'CREDIT_LOAN_GOOD_STANDING', officialNo('湘信易贷', yearOf(standing), 5), standing, 'ACTIVE',
      `${name}信易贷借款（合同编号${contractNo}，长沙银行股份有限公司，300.00万元）按期还本付息，信用良好。`);
    const subsidy = ago(400);
    rows.finance.fiscal_subsidies.push({
      grant_no: officialNo('长财企指', yearOf(subsidy), 12), subject_id: id, programme: '长沙市科技创新专项资金', amount: 500_000, granted_on: subsidy, granting_authority: '长沙市财政局',
    });
  }

  // ------------------------------------------------------------ watch enterprise and its dishonest representative
  {
    const id = S.watchEnterprise;
    const name = '长沙市鑫宏源商贸有限公司';
    const established = `${y - 6}-09-12`;
    rows.market.registrations.push({
      subject_id: id, name, enterprise_type: ENTERPRISE_TYPE, legal_representative_id: S.dishonestPerson, legal_representative_name: '王建军',
      status: 'EXISTING', region: '430100', registered_capital: 1_000_000, established_on: established, address: '长沙市雨花区万家丽中路二段99号2栋1503室',
    });
    rows.market.representations.push({ enterprise_id: id, person_id: S.dishonestPerson, role: 'LEGAL_REPRESENTATIVE', from_date: established, to_date: null });
    grades(id, ['B', 'B', 'C']);
    const abnormal = ago(100);
    record('market', 3, id, 'ABNORMAL_OPERATION', officialNo('长市监异', yearOf(abnormal), 42), abnormal, 'ACTIVE',
      `${name}通过登记的住所或者经营场所无法联系，长沙市市场监督管理局决定将其列入经营异常名录。`);

    const court = '长沙市雨花区人民法院';
    const filed = ago(160);
    const caseNo = enforcementCaseNo('湘0111', yearOf(filed), 318);
    rows.courts.debtor_cases.push({ case_no: caseNo, subject_id: id, court, filed_on: filed, amount: 386_500, performed: false, performed_on: null });
    const issued = ago(140);
    rows.courts.consumption_restrictions.push({ order_no: rulingNo(caseNo, 1), case_no: caseNo, subject_id: id, on_behalf_of: null, issued_on: issued, lifted_on: null });
    record('courts', 1, id, 'CONSUMPTION_RESTRICTION', rulingNo(caseNo, 1), issued, 'ACTIVE',
      `因${name}未按执行通知书指定的期间履行${caseNo}确定的给付义务，${court}对其采取限制消费措施。`);
    rows.courts.consumption_restrictions.push({ order_no: rulingNo(caseNo, 2), case_no: caseNo, subject_id: S.dishonestPerson, on_behalf_of: id, issued_on: issued, lifted_on: null });
    record('courts', 2, S.dishonestPerson, 'CONSUMPTION_RESTRICTION', rulingNo(caseNo, 2), issued, 'ACTIVE',
      `因被执行人${name}未履行${caseNo}确定的给付义务，${court}对其法定代表人王建军采取限制消费措施。`);

    const ownFiled = ago(260);
    const ownCase = enforcementCaseNo('湘0102', yearOf(ownFiled), 527);
    rows.courts.debtor_cases.push({ case_no: ownCase, subject_id: S.dishonestPerson, court: '长沙市芙蓉区人民法院', filed_on: ownFiled, amount: 52_000, performed: false, performed_on: null });
    const listed = ago(220);
    record('courts', 3, S.dishonestPerson, 'DISHONEST_JUDGMENT_DEBTOR', ownCase, listed, 'ACTIVE',
      `被执行人王建军有履行能力而拒不履行${ownCase}生效法律文书确定的给付义务，执行标的52,000.00元，长沙市芙蓉区人民法院依法将其纳入失信被执行人名单。`);
  }

  checkShowcase(rows, asOf);
  return rows;
}

/** Keeps SHOWCASE_SUBJECTS (the documented expectations) and the rows in step. */
function checkShowcase(rows: SeedRows, asOf: string): void {
  const actual = new Map<string, string[]>();
  for (const department of ['tax', 'market', 'courts', 'finance'] as const) {
    for (const r of rows[department].credit_records) {
      const status = r.status === 'ACTIVE' && r.valid_until !== null && r.valid_until < asOf ? 'EXPIRED' : r.status;
      const list = actual.get(r.subject_id) ?? [];
      list.push(`${department}/${r.category}/${r.list_type}/${status}`);
      actual.set(r.subject_id, list);
    }
  }
  for (const s of SHOWCASE_SUBJECTS) {
    const want = s.records.map((r) => `${r.department}/${r.category}/${r.listType}/${r.status}`).sort().join(', ');
    const got = (actual.get(s.id) ?? []).sort().join(', ');
    if (want !== got) throw new Error(`showcase ${s.id}: records are [${got}], SHOWCASE_SUBJECTS says [${want}]`);
  }
}

/** What the random population must not reuse: the showcase's subject ids, record ids and document numbers. */
export function reservedBy(rows: SeedRows): Reserved {
  const documentNumbers = new Set<string>();
  const recordIds = new Set<string>();
  for (const department of ['tax', 'market', 'courts', 'finance'] as const) {
    for (const r of rows[department].credit_records) {
      recordIds.add(r.id);
      documentNumbers.add(r.decision_no);
    }
  }
  for (const r of rows.market.administrative_decisions) documentNumbers.add(r.decision_no);
  for (const r of rows.courts.debtor_cases) documentNumbers.add(r.case_no);
  for (const r of rows.courts.consumption_restrictions) documentNumbers.add(r.order_no);
  for (const r of rows.finance.fiscal_subsidies) documentNumbers.add(r.grant_no);
  for (const r of rows.finance.credit_loans) documentNumbers.add(r.contract_no);
  return { subjectIds: new Set(SHOWCASE_SUBJECTS.map((s) => s.id)), recordIds, documentNumbers };
}
