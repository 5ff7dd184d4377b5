/**
 * The random population: legal persons (two thirds) and natural persons (one third), generated in
 * any range of population order so the seed can stream them chunk by chunk. Every subject draws
 * from its own PRNG stream; only the document-number counters carry over from one subject to the
 * next, so a run is deterministic as long as the ranges are generated in order.
 */
import type { RecordStatus } from '../../subgraphs/kit/credit-records.js';
import type { RegistrationStatus } from '../../subgraphs/market/repository.js';
import type { LoanStanding } from '../../subgraphs/finance/repository.js';
import type { TaxCreditGrade } from '../../subgraphs/tax/repository.js';
import {
  addDays,
  addWorkingDays,
  addYears,
  latestRatingYear,
  maxDay,
  minDay,
  randomDay,
  randomWorkingDay,
  ratingPublishedOn,
  timestampOn,
  yearOf,
} from './calendar.js';
import { cityOf, divisionOf, type Division } from './divisions.js';
import { legalPersonId, naturalPersonId } from './identities.js';
import {
  FORM_WEIGHTS,
  INDUSTRY_WEIGHTS,
  LENDERS,
  PENALTY_CASES,
  SERIOUS_PENALTY_CASES,
  SUBSIDY_PROGRAMMES,
  TAX_TYPES,
  TAX_VIOLATIONS,
  type LicenceKind,
  type PenaltyCase,
} from './industries.js';
import { address, enterpriseName, isMaleId, personName, tradeName } from './names.js';
import { DocumentNumbers, rulingNo } from './numbering.js';
import { RecordIds } from './record-ids.js';
import { categoryOf, creditRecord, decisionDay, drawTiming, money, statusOf, wan, yuan, type Timing } from './records.js';
import { Random, Stream } from './random.js';
import { emptyRows, type Department, type SeedRows } from './rows.js';

export interface PopulationOptions {
  seed: number;
  /** The reference "today", YYYY-MM-DD. */
  asOf: string;
  /** Number of subjects: two thirds legal persons, one third natural persons. */
  subjects: number;
}

/** What the population must stay clear of: the showcase's subject ids, record ids and document numbers. */
export interface Reserved {
  subjectIds: ReadonlySet<string>;
  recordIds: ReadonlySet<string>;
  documentNumbers: ReadonlySet<string>;
}

/** The largest population: keeps subject indexes far below where demo identifiers repeat or meet the showcase's. */
export const MAX_SUBJECTS = 100_000_000;

export function populationSizes(subjects: number): { legal: number; natural: number } {
  const legal = Math.floor((subjects * 2) / 3);
  return { legal, natural: subjects - legal };
}

/** Share of enterprises and of natural persons (on their own account) with a black or watch record. */
const BAD_ENTERPRISE_RATE = 0.05;
const BAD_PERSON_RATE = 0.028;

type BadCategory =
  | 'ABNORMAL_OPERATION'
  | 'DISHONEST_JUDGMENT_DEBTOR'
  | 'CONSUMPTION_RESTRICTION'
  | 'TAX_CREDIT_D'
  | 'MAJOR_TAX_VIOLATION'
  | 'SERIOUS_ILLEGAL_UNTRUSTWORTHY'
  | 'PROCUREMENT_SERIOUS_VIOLATION'
  | 'MALICIOUS_DEBT_EVASION'
  | 'FISCAL_FUND_FRAUD'
  | 'ILLEGAL_FUNDRAISING';

const ENTERPRISE_BAD: readonly (readonly [BadCategory, number])[] = [
  ['ABNORMAL_OPERATION', 34],
  ['DISHONEST_JUDGMENT_DEBTOR', 20],
  ['TAX_CREDIT_D', 10],
  ['MAJOR_TAX_VIOLATION', 8],
  ['SERIOUS_ILLEGAL_UNTRUSTWORTHY', 8],
  ['PROCUREMENT_SERIOUS_VIOLATION', 7],
  ['MALICIOUS_DEBT_EVASION', 5],
  ['FISCAL_FUND_FRAUD', 4],
  ['ILLEGAL_FUNDRAISING', 4],
];

const PERSON_BAD: readonly (readonly [BadCategory, number])[] = [
  ['DISHONEST_JUDGMENT_DEBTOR', 60],
  ['CONSUMPTION_RESTRICTION', 15],
  ['MALICIOUS_DEBT_EVASION', 12],
  ['ILLEGAL_FUNDRAISING', 8],
  ['MAJOR_TAX_VIOLATION', 5],
];

const BLACK_CATEGORIES: ReadonlySet<BadCategory> = new Set([
  'DISHONEST_JUDGMENT_DEBTOR',
  'MAJOR_TAX_VIOLATION',
  'SERIOUS_ILLEGAL_UNTRUSTWORTHY',
  'PROCUREMENT_SERIOUS_VIOLATION',
  'MALICIOUS_DEBT_EVASION',
  'FISCAL_FUND_FRAUD',
  'ILLEGAL_FUNDRAISING',
]);

const REGISTRATION_STATUS_WEIGHTS: readonly (readonly [RegistrationStatus, number])[] = [
  ['EXISTING', 88],
  ['CANCELLED', 5],
  ['REVOKED', 3],
  ['SUSPENDED', 2],
  ['MOVED_OUT', 1.5],
  ['RESCINDED', 0.5],
];

const ABNORMAL_REASONS = [
  '未依照《企业信息公示暂行条例》第八条规定的期限公示年度报告',
  '通过登记的住所或者经营场所无法联系',
  '未在市场监督管理部门依照《企业信息公示暂行条例》第十条规定责令的期限内公示有关企业信息',
  '公示企业信息隐瞒真实情况、弄虚作假',
];

const PROCUREMENT_ACTS = [
  '提供虚假材料谋取中标、成交',
  '与采购人、其他供应商或者采购代理机构恶意串通',
  '向采购人、采购代理机构行贿或者提供其他不正当利益',
  '在招标采购过程中与采购人进行协商谈判',
  '拒绝有关部门监督检查或者提供虚假情况',
];

const FUNDRAISING_CHANNELS = ['举办推介会、发放传单', '网络平台和社交软件', '虚构投资项目、承诺保本付息', '以养老服务为名销售"养老床位"'];

/** The state of one subject while it is generated. */
interface Subject {
  id: string;
  name: string;
  division: Division;
  rng: Random;
  /** Key of the subject's record ids: 2i for legal person i, 2j + 1 for natural person j. */
  key: number;
  /** Number of records generated for the subject so far (record ids). */
  records: number;
  /** No decision about the subject is older than this. */
  earliest: string;
}

export class Population {
  readonly legal: number;
  readonly natural: number;
  private readonly numbers: DocumentNumbers;
  private readonly ids: RecordIds;
  private readonly ratingYear: number;
  private rows: SeedRows = emptyRows();

  constructor(
    private readonly options: PopulationOptions,
    private readonly reserved: Reserved,
  ) {
    if (!Number.isInteger(options.subjects) || options.subjects < 0 || options.subjects > MAX_SUBJECTS) {
      throw new RangeError(`subjects must be a whole number from 0 to ${MAX_SUBJECTS}`);
    }
    ({ legal: this.legal, natural: this.natural } = populationSizes(options.subjects));
    this.numbers = new DocumentNumbers(reserved.documentNumbers);
    this.ids = new RecordIds(options.seed, reserved.recordIds);
    this.ratingYear = latestRatingYear(options.asOf);
  }

  get total(): number {
    return this.legal + this.natural;
  }

  /** Credit code of legal person `i`; never a showcase id (the index moves to a spare range if it were). */
  legalId(i: number): string {
    let index = i;
    let id = legalPersonId(index);
    while (this.reserved.subjectIds.has(id)) {
      index += 2 ** 33;
      id = legalPersonId(index);
    }
    return id;
  }

  /** Identity number of natural person `j`; demo numbers carry a Hunan address code, showcase ones do not. */
  naturalId(j: number): string {
    const id = naturalPersonId(j);
    if (this.reserved.subjectIds.has(id)) throw new Error(`demo natural person ${j} has the showcase id ${id}`);
    return id;
  }

  naturalName(j: number): string {
    return personName(this.options.seed, j, isMaleId(this.naturalId(j)));
  }

  /** The rows of subjects [from, to) of population order: legal persons 0…L-1, then natural persons. */
  generate(from: number, to: number): SeedRows {
    this.rows = emptyRows();
    for (let s = from; s < Math.min(to, this.total); s++) {
      if (s < this.legal) this.enterprise(s);
      else this.person(s - this.legal);
    }
    const rows = this.rows;
    this.rows = emptyRows();
    return rows;
  }

  // ---------------------------------------------------------------- helpers

  private get asOf(): string {
    return this.options.asOf;
  }

  private get yesterday(): string {
    return addDays(this.options.asOf, -1);
  }

  private record(
    department: Department,
    subject: Subject,
    subjectId: string,
    category: string,
    decisionNo: string,
    decidedOn: string,
    status: RecordStatus,
    summary: string,
  ): void {
    const id = this.ids.id(department, subject.key, subject.records++);
    // Most entries reach the portal within days of the decision; some later than the 7 working days allowed.
    const lag = subject.rng.chance(0.12) ? subject.rng.between(8, 25) : subject.rng.between(0, 5);
    const published = lag === 0 ? decidedOn : addWorkingDays(decidedOn, lag);
    const recordedAt = timestampOn(subject.rng, published > this.yesterday ? decidedOn : published);
    this.rows[department].credit_records.push(creditRecord(department, { id, subjectId, category, decisionNo, decidedOn, status, summary, recordedAt }));
  }

  /** Publication under double publicity: mostly within 7 working days, some late, a few not yet. */
  private publication(rng: Random, decidedOn: string): string | null {
    const r = rng.next();
    let published: string | null;
    if (r < 0.85) published = addWorkingDays(decidedOn, rng.between(1, 7));
    else if (r < 0.95) published = addWorkingDays(decidedOn, rng.between(8, 30));
    else published = null;
    return published !== null && published > this.asOf ? null : published;
  }

  private timing(subject: Subject, code: string, department: Department, timing: Timing = drawTiming(subject.rng)) {
    const category = categoryOf(department, code);
    const decidedOn = decisionDay(subject.rng, category, timing, this.asOf, subject.earliest);
    return { decidedOn, status: statusOf(timing), timing };
  }

  private drawBad(rng: Random, table: readonly (readonly [BadCategory, number])[]): BadCategory[] {
    const first = rng.weighted(table);
    if (!rng.chance(0.25)) return [first];
    const second = rng.weighted(table.filter(([c]) => c !== first));
    return [first, second];
  }

  // ---------------------------------------------------------------- legal persons

  private enterprise(i: number): void {
    const { seed } = this.options;
    const asOf = this.asOf;
    const rng = Random.for(seed, Stream.legalPerson, i);
    const id = this.legalId(i);
    const division = divisionOf(id.slice(2, 8));
    const city = cityOf(division);
    const bad = rng.chance(BAD_ENTERPRISE_RATE) ? this.drawBad(rng, ENTERPRISE_BAD) : [];
    const industry = rng.weighted(INDUSTRY_WEIGHTS);
    const form = rng.weighted(FORM_WEIGHTS);
    // Enterprises with a record are old enough for every period to fit; the others skew young.
    const established = bad.length > 0
      ? randomDay(rng, addYears(asOf, -25), addYears(asOf, -6))
      : addDays(asOf, -Math.max(60, Math.floor(365 * 25 * rng.next() ** 1.6)));
    let status = rng.weighted(REGISTRATION_STATUS_WEIGHTS);
    if (bad.includes('SERIOUS_ILLEGAL_UNTRUSTWORTHY') && rng.chance(0.3)) status = 'REVOKED';
    if (bad.includes('ABNORMAL_OPERATION') && status !== 'EXISTING' && rng.chance(0.7)) status = 'EXISTING';
    const name = enterpriseName(division, tradeName(rng), industry.word, form.suffix);
    // Established at least 60 days ago, so every event window [earliest, today - 30 days] is open.
    const subject: Subject = { id, name, division, rng, key: i * 2, records: 0, earliest: addDays(established, 30) };
    const existing = status === 'EXISTING';

    // Legal representative (a demo natural person), a previous one, a principal, a directly responsible person.
    const market = this.rows.market;
    const pickPerson = (avoid: readonly number[]): number => {
      let j = rng.int(this.natural);
      for (let tries = 0; avoid.includes(j) && tries < 5; tries++) j = rng.int(this.natural);
      return j;
    };
    const rep = pickPerson([]);
    const repId = this.naturalId(rep);
    const repName = this.naturalName(rep);
    let repFrom = established;
    if (established < addYears(asOf, -2) && rng.chance(0.2)) {
      repFrom = randomDay(rng, addDays(established, 180), addDays(asOf, -30));
      const previous = pickPerson([rep]);
      market.representations.push({ enterprise_id: id, person_id: this.naturalId(previous), role: 'LEGAL_REPRESENTATIVE', from_date: established, to_date: addDays(repFrom, -1) });
    }
    market.representations.push({ enterprise_id: id, person_id: repId, role: 'LEGAL_REPRESENTATIVE', from_date: repFrom, to_date: null });
    if (rng.chance(0.12)) {
      const principal = pickPerson([rep]);
      const from = randomDay(rng, established, addDays(asOf, -30));
      const to = rng.chance(0.25) && addDays(from, 90) <= this.yesterday ? randomDay(rng, addDays(from, 90), this.yesterday) : null;
      market.representations.push({ enterprise_id: id, person_id: this.naturalId(principal), role: 'PRINCIPAL', from_date: from, to_date: to });
    }
    if (bad.some((c) => BLACK_CATEGORIES.has(c)) && rng.chance(0.5)) {
      const responsible = pickPerson([rep]);
      market.representations.push({
        enterprise_id: id,
        person_id: this.naturalId(responsible),
        role: 'DIRECTLY_RESPONSIBLE',
        from_date: randomDay(rng, established, addYears(asOf, -5)),
        to_date: null,
      });
    }
    market.registrations.push({
      subject_id: id,
      name,
      enterprise_type: form.type,
      legal_representative_id: repId,
      legal_representative_name: repName,
      status,
      region: id.slice(2, 8),
      registered_capital: form.hasCapital ? money(rng, form.capital[0], form.capital[1], 10_000) : null,
      established_on: established,
      address: address(rng, division),
    });

    // Tax: a major violation first (it makes the latest grade D), then grades, arrears.
    let majorViolationInForce = false;
    if (bad.includes('MAJOR_TAX_VIOLATION')) majorViolationInForce = this.majorTaxViolation(subject, city);
    this.grades(subject, established, bad, majorViolationInForce);
    if (rng.chance(bad.length > 0 ? 0.3 : 0.03)) this.arrears(subject, TAX_TYPES, rng.between(1, 2));

    // Market: licences and penalties (double publicity), the market lists.
    if (rng.chance(0.35)) {
      for (let n = rng.between(1, 2); n > 0; n--) this.licence(subject, rng.pick(industry.licences));
    }
    if (rng.chance(bad.length > 0 ? 0.35 : 0.06)) {
      for (let n = rng.between(1, 2); n > 0; n--) this.penalty(subject, rng.pick(PENALTY_CASES), this.penaltyDay(subject));
    }
    if (bad.includes('SERIOUS_ILLEGAL_UNTRUSTWORTHY')) this.seriousIllegal(subject);
    if (bad.includes('ABNORMAL_OPERATION')) this.abnormalOperation(subject);
    if (bad.length === 0 && existing && established <= addYears(asOf, -3) && rng.chance(0.05)) this.contractAbiding(subject);

    // Finance: credit loans (信易贷), subsidies and the finance black lists.
    if (bad.length === 0 && existing && rng.chance(0.06)) this.creditLoan(subject, established, false);
    if (bad.length === 0 && rng.chance(0.07)) {
      for (let n = rng.between(1, 2); n > 0; n--) this.subsidy(subject, city, randomDay(rng, maxDay(subject.earliest, addYears(asOf, -5)), this.yesterday));
    }
    if (bad.includes('PROCUREMENT_SERIOUS_VIOLATION')) this.procurementViolation(subject, city);
    if (bad.includes('FISCAL_FUND_FRAUD')) this.fiscalFundFraud(subject, city);
    if (bad.includes('MALICIOUS_DEBT_EVASION')) this.debtEvasion(subject);
    if (bad.includes('ILLEGAL_FUNDRAISING')) this.illegalFundraising(subject);

    // Courts: ordinary enforcement cases, the dishonest judgment debtor list.
    if (rng.chance(bad.length > 0 ? 0.1 : 0.02)) this.ordinaryCase(subject, 50_000, 5_000_000);
    if (bad.includes('DISHONEST_JUDGMENT_DEBTOR')) this.dishonestDebtor(subject, 50_000, 20_000_000, { id: repId, name: repName });
  }

  private grades(subject: Subject, established: string, bad: readonly BadCategory[], majorViolation: boolean): void {
    const { rng } = subject;
    const Y = this.ratingYear;
    const badTax = bad.includes('TAX_CREDIT_D') || majorViolation;
    if (!(bad.length > 0 || rng.chance(0.92))) return;
    const draw = (year: number): TaxCreditGrade => {
      if (established >= `${year}-01-01`) return rng.chance(0.7) ? 'M' : rng.weighted<TaxCreditGrade>([['B', 80], ['C', 20]]);
      if (badTax) return rng.weighted<TaxCreditGrade>([['B', 40], ['C', 40], ['D', 20]]);
      if (bad.length > 0) return rng.weighted<TaxCreditGrade>([['B', 60], ['M', 10], ['C', 30]]);
      return rng.weighted<TaxCreditGrade>([['A', 11], ['B', 70], ['M', 10], ['C', 9]]);
    };
    let next: TaxCreditGrade | null = null;
    for (const year of [Y, Y - 1, Y - 2]) {
      if (established > `${year}-12-31`) break;
      let grade: TaxCreditGrade;
      if (year === Y && badTax) grade = 'D';
      else if (next !== null && next !== 'D' && next !== 'M' && rng.chance(0.7)) grade = next;
      else grade = draw(year);
      this.rows.tax.tax_credit_grades.push({ subject_id: subject.id, year, grade, rated_on: ratingPublishedOn(year) });
      next = grade;
      if (year === Y && (grade === 'A' || grade === 'D')) this.gradeRecord(subject, year, grade);
    }
  }

  private gradeRecord(subject: Subject, year: number, grade: 'A' | 'D'): void {
    const city = cityOf(subject.division);
    const decidedOn = ratingPublishedOn(year);
    const no = this.numbers.official(`${city.abbr}税信`, yearOf(decidedOn));
    const summary =
      grade === 'A'
        ? `${subject.name}${year}年度纳税信用等级评价结果为A级，列入A级纳税人名单。`
        : `${subject.name}${year}年度纳税信用等级评价结果为D级，依法列为D级纳税人。`;
    this.record('tax', subject, subject.id, grade === 'A' ? 'TAX_CREDIT_A' : 'TAX_CREDIT_D', no, decidedOn, 'ACTIVE', summary);
  }

  /** Returns whether the violation is still in force (then the latest grade is D). */
  private majorTaxViolation(subject: Subject, city: Division): boolean {
    const { rng } = subject;
    const { decidedOn, status, timing } = this.timing(subject, 'MAJOR_TAX_VIOLATION', 'tax');
    const act = rng.weighted(TAX_VIOLATIONS.map((v) => [v.act, v.share] as const));
    const evaded = money(rng, 200_000, 20_000_000, 100);
    const periodEnd = yearOf(decidedOn) - 1;
    const no = this.numbers.official(`${city.abbr}税稽罚`, yearOf(decidedOn));
    const summary =
      `经国家税务总局${city.name}税务局稽查局检查，${subject.name}${periodEnd - rng.between(1, 2)}年至${periodEnd}年期间${act}，` +
      `涉及税款${wan(evaded)}元，依法列为重大税收违法失信主体。`;
    this.record('tax', subject, subject.id, 'MAJOR_TAX_VIOLATION', no, decidedOn, status, summary);
    return timing === 'IN_PERIOD';
  }

  private arrears(subject: Subject, taxTypes: readonly string[], count: number): void {
    const { rng } = subject;
    for (let n = 0; n < count; n++) {
      const since = randomDay(rng, maxDay(subject.earliest, addYears(this.asOf, -5)), addDays(this.asOf, -30));
      const settled = rng.chance(0.55) && addDays(since, 30) <= this.yesterday ? randomDay(rng, addDays(since, 30), this.yesterday) : null;
      this.rows.tax.tax_arrears.push({
        subject_id: subject.id,
        tax_type: rng.pick(taxTypes),
        amount: money(rng, 5_000, 5_000_000) + rng.int(100) / 100,
        since,
        settled_on: settled,
      });
    }
  }

  private licence(subject: Subject, kind: LicenceKind): void {
    const { rng } = subject;
    const decidedOn = randomWorkingDay(rng, maxDay(subject.earliest, addYears(this.asOf, -6)), this.yesterday);
    const provincial = kind.bureau === '通信管理局';
    const authority = provincial ? '湖南省通信管理局' : `${subject.division.name}${kind.bureau}`;
    const head = provincial ? '湘通信许' : `${subject.division.abbr}${kind.tag}`;
    this.rows.market.administrative_decisions.push({
      decision_no: this.numbers.official(head, yearOf(decidedOn)),
      subject_id: subject.id,
      kind: 'LICENCE',
      title: kind.title,
      content: `${kind.content}。有效期至${addDays(addYears(decidedOn, 5), -1)}。`,
      decided_on: decidedOn,
      published_on: this.publication(rng, decidedOn),
      authority,
      amount: null,
    });
  }

  private penaltyDay(subject: Subject): string {
    return randomWorkingDay(subject.rng, maxDay(subject.earliest, addYears(this.asOf, -5)), this.yesterday);
  }

  private penalty(subject: Subject, penalty: PenaltyCase, decidedOn: string): string {
    const { rng } = subject;
    const no = this.numbers.official(`${subject.division.abbr}市监处罚`, yearOf(decidedOn));
    let amount: number | null = null;
    let decision = '给予警告';
    if (penalty.fine !== null) {
      const fine = money(rng, penalty.fine[0], penalty.fine[1], 100);
      const confiscated = rng.chance(0.4) ? money(rng, 500, penalty.fine[1] / 4, 1) + rng.int(100) / 100 : 0;
      amount = Math.round((fine + confiscated) * 100) / 100;
      decision = confiscated > 0 ? `没收违法所得${yuan(confiscated)}元，并处罚款${yuan(fine)}元` : `罚款${yuan(fine)}元`;
    }
    this.rows.market.administrative_decisions.push({
      decision_no: no,
      subject_id: subject.id,
      kind: 'PENALTY',
      title: `${subject.name}${penalty.title}`,
      content: `${penalty.facts}。依据${penalty.basis}，决定${decision}。`,
      decided_on: decidedOn,
      published_on: this.publication(rng, decidedOn),
      authority: `${subject.division.name}市场监督管理局`,
      amount,
    });
    return no;
  }

  private seriousIllegal(subject: Subject): void {
    const { rng } = subject;
    const { decidedOn, status } = this.timing(subject, 'SERIOUS_ILLEGAL_UNTRUSTWORTHY', 'market');
    const penalty = rng.pick(SERIOUS_PENALTY_CASES);
    const penaltyDay = maxDay(subject.earliest, addDays(decidedOn, -rng.between(20, 120)));
    const penaltyNo = this.penalty(subject, penalty, penaltyDay);
    const no = this.numbers.official(`${subject.division.abbr}市监严`, yearOf(decidedOn));
    const summary = `${subject.name}${penalty.facts}，受到较重行政处罚（${penaltyNo}），依据《市场监督管理严重违法失信名单管理办法》列入严重违法失信名单。`;
    this.record('market', subject, subject.id, 'SERIOUS_ILLEGAL_UNTRUSTWORTHY', no, decidedOn, status, summary);
  }

  private abnormalOperation(subject: Subject): void {
    const { rng } = subject;
    const { decidedOn, status } = this.timing(subject, 'ABNORMAL_OPERATION', 'market');
    const no = this.numbers.official(`${subject.division.abbr}市监异`, yearOf(decidedOn));
    const summary = `${subject.name}${rng.pick(ABNORMAL_REASONS)}，${subject.division.name}市场监督管理局决定将其列入经营异常名录。`;
    this.record('market', subject, subject.id, 'ABNORMAL_OPERATION', no, decidedOn, status, summary);
  }

  private contractAbiding(subject: Subject): void {
    const timing: Timing = subject.rng.chance(0.1) ? 'EXPIRED' : 'IN_PERIOD';
    const { decidedOn } = this.timing(subject, 'CONTRACT_ABIDING_CREDITWORTHY', 'market', timing);
    const year = yearOf(decidedOn);
    const no = this.numbers.official('湘市监守', year);
    const summary = `${subject.name}被湖南省市场监督管理局公示为${year - 2}—${year - 1}年度"守合同重信用"企业。`;
    this.record('market', subject, subject.id, 'CONTRACT_ABIDING_CREDITWORTHY', no, decidedOn, 'ACTIVE', summary);
  }

  private creditLoan(subject: Subject, established: string, overdue: boolean): { contractNo: string; lender: string; amount: number } {
    const { rng } = subject;
    const lender = rng.pick(LENDERS);
    const grantedOn = overdue
      ? randomDay(rng, maxDay(established, addYears(this.asOf, -5)), addYears(this.asOf, -2))
      : randomDay(rng, maxDay(established, addYears(this.asOf, -3)), addDays(this.asOf, -30));
    const dueOn = addYears(grantedOn, rng.weighted([[1, 60], [2, 25], [3, 15]] as const));
    let standing: LoanStanding;
    let settledOn: string | null = null;
    if (overdue) standing = 'OVERDUE';
    else if (dueOn < this.asOf) standing = rng.chance(0.95) ? 'SETTLED' : 'OVERDUE';
    else standing = rng.weighted<LoanStanding>([['NORMAL', 93], ['SETTLED', 5], ['OVERDUE', 2]]);
    if (standing === 'SETTLED') settledOn = minDay(this.yesterday, randomDay(rng, addDays(grantedOn, 90), minDay(dueOn, this.yesterday)));
    const amount = money(rng, 100_000, 10_000_000, 10_000);
    const contractNo = this.numbers.loanContract(lender.abbr, yearOf(grantedOn));
    this.rows.finance.credit_loans.push({
      contract_no: contractNo,
      subject_id: subject.id,
      lender: lender.name,
      amount,
      granted_on: grantedOn,
      due_on: dueOn,
      standing,
      settled_on: settledOn,
    });
    // Good standing is confirmed within the last year for a running loan, soon after repayment for
    // a settled one; most confirmations of loans settled over a year ago are no longer listed.
    const yearAgo = addDays(addYears(this.asOf, -1), 1);
    const settledLongAgo = settledOn !== null && settledOn < yearAgo;
    if (standing !== 'OVERDUE' && rng.chance(0.75) && (!settledLongAgo || rng.chance(0.15))) {
      const from = settledOn !== null ? addDays(settledOn, 5) : maxDay(addDays(grantedOn, 90), yearAgo);
      const decidedOn = randomWorkingDay(rng, minDay(from, this.yesterday), minDay(addDays(from, settledOn !== null ? 60 : 365), this.yesterday));
      const no = this.numbers.official('湘信易贷', yearOf(decidedOn));
      const summary = `${subject.name}信易贷借款（合同编号${contractNo}，${lender.name}，${wan(amount)}元）按期还本付息，信用良好。`;
      this.record('finance', subject, subject.id, 'CREDIT_LOAN_GOOD_STANDING', no, decidedOn, 'ACTIVE', summary);
    }
    return { contractNo, lender: lender.name, amount };
  }

  private subsidy(subject: Subject, city: Division, grantedOn: string): { programme: string; amount: number } {
    const { rng } = subject;
    const p = rng.pick(SUBSIDY_PROGRAMMES);
    const programme = p.level === 'PROVINCE' ? p.programme : `${city.name}${p.programme}`;
    const authority = p.level === 'PROVINCE' ? p.bureau : `${city.name}${p.bureau}`;
    const head = p.level === 'PROVINCE' ? '湘财企指' : p.bureau === '财政局' ? `${city.abbr}财企指` : `${city.abbr}人社稳岗`;
    const amount = money(rng, p.range[0], p.range[1], 100);
    this.rows.finance.fiscal_subsidies.push({
      grant_no: this.numbers.official(head, yearOf(grantedOn)),
      subject_id: subject.id,
      programme,
      amount,
      granted_on: grantedOn,
      granting_authority: authority,
    });
    return { programme, amount };
  }

  private procurementViolation(subject: Subject, city: Division): void {
    const { rng } = subject;
    const { decidedOn, status } = this.timing(subject, 'PROCUREMENT_SERIOUS_VIOLATION', 'finance');
    const provincial = rng.chance(0.3);
    const no = this.numbers.official(provincial ? '湘财采处' : `${city.abbr}财采处`, yearOf(decidedOn));
    const authority = provincial ? '湖南省财政厅' : `${city.name}财政局`;
    const summary =
      `${subject.name}在政府采购活动中${rng.pick(PROCUREMENT_ACTS)}，${authority}依据《中华人民共和国政府采购法》第七十七条，` +
      `处以采购金额千分之五的罚款，列入不良行为记录名单，三年内禁止参加政府采购活动。`;
    this.record('finance', subject, subject.id, 'PROCUREMENT_SERIOUS_VIOLATION', no, decidedOn, status, summary);
  }

  private fiscalFundFraud(subject: Subject, city: Division): void {
    const { rng } = subject;
    const { decidedOn, status } = this.timing(subject, 'FISCAL_FUND_FRAUD', 'finance');
    const grantedOn = randomDay(rng, maxDay(subject.earliest, addYears(decidedOn, -3)), maxDay(subject.earliest, addDays(decidedOn, -60)));
    const { programme, amount } = this.subsidy(subject, city, grantedOn);
    const no = this.numbers.official(`${city.abbr}财监`, yearOf(decidedOn));
    const summary = `${subject.name}以虚报、冒领等手段骗取${programme}${yuan(amount)}元，${city.name}财政局责令退还并依法列入骗取财政资金失信名单。`;
    this.record('finance', subject, subject.id, 'FISCAL_FUND_FRAUD', no, decidedOn, status, summary);
  }

  private debtEvasion(subject: Subject): void {
    const { rng } = subject;
    const { decidedOn, status } = this.timing(subject, 'MALICIOUS_DEBT_EVASION', 'finance');
    let creditor: string;
    let owed: number;
    // An enterprise (even key) often evades a loan it took; a person, a creditor's loan not on record here.
    if (subject.key % 2 === 0 && rng.chance(0.5)) {
      const loan = this.creditLoan(subject, subject.earliest, true);
      creditor = loan.lender;
      owed = loan.amount;
    } else {
      creditor = rng.pick(LENDERS).name;
      owed = money(rng, 100_000, 50_000_000, 100);
    }
    const no = this.numbers.official('湘金监', yearOf(decidedOn));
    const summary = `${subject.name}通过转移资产、虚假诉讼等方式恶意逃废${creditor}贷款本息${wan(owed)}元，经认定列入恶意逃废债务失信名单。`;
    this.record('finance', subject, subject.id, 'MALICIOUS_DEBT_EVASION', no, decidedOn, status, summary);
  }

  private illegalFundraising(subject: Subject): void {
    const { rng } = subject;
    const { decidedOn, status } = this.timing(subject, 'ILLEGAL_FUNDRAISING', 'finance');
    const no = this.numbers.official('湘处非', yearOf(decidedOn));
    const raised = money(rng, 500_000, 200_000_000, 100);
    const summary = `${subject.name}以承诺高额回报为诱饵，通过${rng.pick(FUNDRAISING_CHANNELS)}向社会公众非法吸收资金${wan(raised)}元，经湖南省防范和处置非法集资工作领导小组办公室认定为非法集资。`;
    this.record('finance', subject, subject.id, 'ILLEGAL_FUNDRAISING', no, decidedOn, status, summary);
  }

  private ordinaryCase(subject: Subject, min: number, max: number): void {
    const { rng } = subject;
    const filedOn = randomWorkingDay(rng, maxDay(subject.earliest, addYears(this.asOf, -5)), addDays(this.asOf, -10));
    const performed = rng.chance(0.75);
    // filedOn is at least 10 days ago, so the performance date falls after the filing.
    const performedOn = performed ? minDay(this.yesterday, randomDay(rng, addDays(filedOn, 10), addDays(filedOn, 400))) : null;
    this.rows.courts.debtor_cases.push({
      case_no: this.numbers.enforcementCase(subject.division.courtCode, yearOf(filedOn)),
      subject_id: subject.id,
      court: subject.division.court,
      filed_on: filedOn,
      amount: money(rng, min, max, 1) + rng.int(100) / 100,
      performed,
      performed_on: performedOn,
    });
  }

  /**
   * An unperformed enforcement case, the dishonest judgment debtor record and consumption
   * restriction orders on the debtor and, for an enterprise, on its legal representative. A
   * performed case has its records repaired and its orders lifted.
   */
  private dishonestDebtor(subject: Subject, min: number, max: number, representative: { id: string; name: string } | null): void {
    const { rng } = subject;
    const { decidedOn, status, timing } = this.timing(subject, 'DISHONEST_JUDGMENT_DEBTOR', 'courts');
    const filedOn = maxDay(subject.earliest, addDays(decidedOn, -rng.between(30, 180)));
    const caseNo = this.numbers.enforcementCase(subject.division.courtCode, yearOf(filedOn));
    const amount = money(rng, min, max, 1) + rng.int(100) / 100;
    const performedOn = timing === 'REPAIRED' ? randomDay(rng, minDay(addDays(decidedOn, 30), this.yesterday), this.yesterday) : null;
    this.rows.courts.debtor_cases.push({
      case_no: caseNo,
      subject_id: subject.id,
      court: subject.division.court,
      filed_on: filedOn,
      amount,
      performed: performedOn !== null,
      performed_on: performedOn,
    });
    const court = subject.division.court;
    this.record(
      'courts',
      subject,
      subject.id,
      'DISHONEST_JUDGMENT_DEBTOR',
      caseNo,
      decidedOn,
      status,
      `被执行人${subject.name}有履行能力而拒不履行${caseNo}生效法律文书确定的给付义务，执行标的${yuan(amount)}元，${court}依法将其纳入失信被执行人名单。`,
    );
    const issuedOn = minDay(this.yesterday, addDays(filedOn, rng.between(7, 60)));
    const liftedOn = performedOn !== null ? minDay(this.asOf, addWorkingDays(performedOn, rng.between(1, 3))) : null;
    const restrictionStatus: RecordStatus = liftedOn !== null ? 'REPAIRED' : 'ACTIVE';
    const firstOrder = rulingNo(caseNo, 1);
    this.rows.courts.consumption_restrictions.push({ order_no: firstOrder, case_no: caseNo, subject_id: subject.id, on_behalf_of: null, issued_on: issuedOn, lifted_on: liftedOn });
    this.record(
      'courts',
      subject,
      subject.id,
      'CONSUMPTION_RESTRICTION',
      firstOrder,
      issuedOn,
      restrictionStatus,
      `因${subject.name}未按执行通知书指定的期间履行${caseNo}确定的给付义务，${court}对其采取限制消费措施。`,
    );
    if (representative !== null) {
      const order = rulingNo(caseNo, 2);
      this.rows.courts.consumption_restrictions.push({ order_no: order, case_no: caseNo, subject_id: representative.id, on_behalf_of: subject.id, issued_on: issuedOn, lifted_on: liftedOn });
      this.record(
        'courts',
        subject,
        representative.id,
        'CONSUMPTION_RESTRICTION',
        order,
        issuedOn,
        restrictionStatus,
        `因被执行人${subject.name}未履行${caseNo}确定的给付义务，${court}对其法定代表人${representative.name}采取限制消费措施。`,
      );
    }
  }

  /** A consumption restriction without (yet) a dishonest listing. */
  private restrictionOnly(subject: Subject): void {
    const { rng } = subject;
    const filedOn = randomWorkingDay(rng, maxDay(subject.earliest, addYears(this.asOf, -3)), addDays(this.asOf, -20));
    const caseNo = this.numbers.enforcementCase(subject.division.courtCode, yearOf(filedOn));
    const amount = money(rng, 5_000, 2_000_000, 1) + rng.int(100) / 100;
    this.rows.courts.debtor_cases.push({ case_no: caseNo, subject_id: subject.id, court: subject.division.court, filed_on: filedOn, amount, performed: false, performed_on: null });
    const issuedOn = minDay(this.yesterday, addDays(filedOn, rng.between(7, 60)));
    const order = rulingNo(caseNo, 1);
    this.rows.courts.consumption_restrictions.push({ order_no: order, case_no: caseNo, subject_id: subject.id, on_behalf_of: null, issued_on: issuedOn, lifted_on: null });
    this.record(
      'courts',
      subject,
      subject.id,
      'CONSUMPTION_RESTRICTION',
      order,
      issuedOn,
      'ACTIVE',
      `因${subject.name}未按执行通知书指定的期间履行${caseNo}确定的给付义务（执行标的${yuan(amount)}元），${subject.division.court}对其采取限制消费措施。`,
    );
  }

  // ---------------------------------------------------------------- natural persons

  private person(j: number): void {
    const { seed } = this.options;
    const rng = Random.for(seed, Stream.naturalPerson, j);
    const id = this.naturalId(j);
    const division = divisionOf(id.slice(0, 6));
    const subject: Subject = { id, name: this.naturalName(j), division, rng, key: j * 2 + 1, records: 0, earliest: addYears(this.asOf, -10) };
    const bad = rng.chance(BAD_PERSON_RATE) ? this.drawBad(rng, PERSON_BAD) : [];
    const city = cityOf(division);

    if (bad.includes('MAJOR_TAX_VIOLATION')) this.majorTaxViolation(subject, city);
    if (rng.chance(bad.length > 0 ? 0.1 : 0.003)) this.arrears(subject, ['个人所得税'], 1);
    if (rng.chance(0.003)) this.penalty(subject, rng.pick(PENALTY_CASES.filter((p) => p.title === '无照经营案' || p.title === '价格违法案')), this.penaltyDay(subject));
    if (bad.includes('MALICIOUS_DEBT_EVASION')) this.debtEvasion(subject);
    if (bad.includes('ILLEGAL_FUNDRAISING')) this.illegalFundraising(subject);
    if (rng.chance(bad.length > 0 ? 0.1 : 0.015)) this.ordinaryCase(subject, 5_000, 500_000);
    if (bad.includes('DISHONEST_JUDGMENT_DEBTOR')) this.dishonestDebtor(subject, 5_000, 2_000_000, null);
    else if (bad.includes('CONSUMPTION_RESTRICTION')) this.restrictionOnly(subject);
  }
}
