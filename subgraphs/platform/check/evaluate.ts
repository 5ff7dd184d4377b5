import type { CreditRecord, ListType } from '../../kit/credit-records.js';
import { addYears } from '../../kit/clock.js';
import { checkSubjectId } from '../../kit/identifiers.js';
import type { Matter, MeasureKind, MeasureTrigger, MeasureVersion } from '../measures/types.js';

/** What one source said about a subject; null when it could not answer. */
export interface SourceAnswer {
  known: boolean;
  records: CreditRecord[];
}

export type RepresentativeRole = 'LEGAL_REPRESENTATIVE' | 'PRINCIPAL' | 'DIRECTLY_RESPONSIBLE';

/** An enterprise the checked person represents or represented, with what each source holds on it. */
export interface Representation {
  enterpriseId: string;
  role: RepresentativeRole;
  from: string;
  to: string | null;
  sources: Map<string, SourceAnswer | null>;
}

export interface CheckInput {
  subjectId: string;
  matter: Matter;
  /** The moment of the check (ISO 8601): validity periods are judged on its date. */
  asOf: string;
  sources: Map<string, SourceAnswer | null>;
  /** Enterprises the subject represents (for natural persons; empty for enterprises). */
  representations: Representation[];
}

export interface Evidence {
  record: CreditRecord;
  viaEnterprise: string | null;
  viaRole: RepresentativeRole | null;
}

export interface AppliedMeasure {
  code: string;
  version: number;
  name: string;
  kind: MeasureKind;
  mandatory: boolean;
  legalBasis: string;
  implementingDepartments: string[];
  reason: string;
  evidence: Evidence[];
}

export type Verdict = 'MANDATORY_RESTRICTION' | 'INCOMPLETE' | 'RECOMMENDED_RESTRICTION' | 'INCENTIVE' | 'CLEAR';

export interface Evaluation {
  verdict: Verdict;
  subjectKnown: boolean;
  measures: AppliedMeasure[];
  suspendedMeasures: AppliedMeasure[];
  missingSources: string[];
  explanation: string;
}

const BAD_LISTS: readonly ListType[] = ['BLACK', 'WATCH'];
/** Roles through which an enterprise's serious untrustworthiness is recorded against a person (落实到人). */
const ANSWERING_ROLES: readonly RepresentativeRole[] = ['LEGAL_REPRESENTATIVE', 'PRINCIPAL', 'DIRECTLY_RESPONSIBLE'];

/** Inside its period on `day`: decided on or before it, and not ended before it. */
function inPeriod(record: CreditRecord, day: string): boolean {
  return record.decidedOn <= day && (record.validUntil === null || record.validUntil >= day);
}

/** In force and triggering measures. */
function isActive(record: CreditRecord, day: string): boolean {
  return record.status === 'ACTIVE' && inPeriod(record, day);
}

/** In force but disputed: measures resting on it are suspended while the objection is verified. */
function isDisputed(record: CreditRecord, day: string): boolean {
  return record.status === 'IN_OBJECTION' && inPeriod(record, day);
}

function matches(trigger: MeasureTrigger, record: CreditRecord): boolean {
  return (
    (trigger.listType == null || trigger.listType === record.listType) &&
    (trigger.department == null || trigger.department === record.department) &&
    (trigger.category == null || trigger.category === record.category)
  );
}

/** The subject's own records and the black-list records extended to it from enterprises it answered for. */
function candidateEvidence(input: CheckInput): Evidence[] {
  const evidence: Evidence[] = [];
  for (const answer of input.sources.values()) {
    for (const record of answer?.records ?? []) evidence.push({ record, viaEnterprise: null, viaRole: null });
  }
  for (const rep of input.representations) {
    if (!ANSWERING_ROLES.includes(rep.role)) continue;
    for (const answer of rep.sources.values()) {
      for (const record of answer?.records ?? []) {
        const heldRoleThen = rep.from <= record.decidedOn && (rep.to === null || record.decidedOn <= rep.to);
        if (record.listType === 'BLACK' && heldRoleThen) evidence.push({ record, viaEnterprise: rep.enterpriseId, viaRole: rep.role });
      }
    }
  }
  return evidence;
}

function missingSourcesOf(input: CheckInput): string[] {
  const missing = new Set<string>();
  for (const [name, answer] of input.sources) if (answer === null) missing.add(name);
  for (const rep of input.representations) for (const [name, answer] of rep.sources) if (answer === null) missing.add(name);
  return [...missing].sort();
}

function describe(evidence: Evidence[]): string {
  return evidence
    .map((e) => {
      const r = e.record;
      const via = e.viaEnterprise ? ` of enterprise ${e.viaEnterprise} (as ${e.viaRole})` : '';
      return `${r.department} ${r.category} ${r.decisionNo}${via}`;
    })
    .join('; ');
}

function applied(measure: MeasureVersion, evidence: Evidence[], reason: string): AppliedMeasure {
  return {
    code: measure.code,
    version: measure.version,
    name: measure.name,
    kind: measure.kind,
    mandatory: measure.mandatory,
    legalBasis: measure.legalBasis,
    implementingDepartments: measure.implementingDepartments,
    reason,
    evidence,
  };
}

function dedupe(evidence: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const key = `${e.record.department}/${e.record.id}/${e.viaEnterprise ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Decides which measures apply to a subject for an approval matter. Pure: the same input and
 * measure versions always give the same answer, which is what makes stored checks replayable.
 *
 * Rules: only ACTIVE records inside their period trigger; IN_OBJECTION records only suspend the
 * measures resting on them; EXPIRED, REPAIRED and REVOKED records trigger nothing. Any active or
 * disputed black or watch record, and any missing source, withholds every incentive. Verdict
 * precedence: MANDATORY_RESTRICTION > INCOMPLETE > RECOMMENDED_RESTRICTION > INCENTIVE > CLEAR.
 */
export function evaluateCheck(input: CheckInput, catalogue: readonly MeasureVersion[]): Evaluation {
  const day = input.asOf.slice(0, 10);
  const missingSources = missingSourcesOf(input);
  const subjectKnown = [...input.sources.values()].some((a) => a !== null && (a.known || a.records.length > 0));
  const candidates = candidateEvidence(input);
  const active = candidates.filter((e) => isActive(e.record, day));
  const disputed = candidates.filter((e) => isDisputed(e.record, day));
  const measures = catalogue.filter((m) => !m.retired && m.matters.includes(input.matter));

  const punishments: AppliedMeasure[] = [];
  const suspended: AppliedMeasure[] = [];
  for (const m of measures.filter((x) => x.kind === 'PUNISHMENT')) {
    const hits = dedupe(active.filter((e) => m.triggers.some((t) => matches(t, e.record))));
    if (hits.length > 0) {
      punishments.push(applied(m, hits, `triggered by ${describe(hits)}`));
      continue;
    }
    const disputedHits = dedupe(disputed.filter((e) => m.triggers.some((t) => matches(t, e.record))));
    if (disputedHits.length > 0) suspended.push(applied(m, disputedHits, `suspended while an objection is verified: ${describe(disputedHits)}`));
  }

  const windowStart = addYears(day, -3);
  const badInWindow = candidates.filter(
    (e) => BAD_LISTS.includes(e.record.listType) && e.record.status !== 'REVOKED' && e.record.decidedOn <= day &&
      (e.record.validUntil === null || e.record.validUntil >= windowStart),
  );
  const withheld =
    missingSources.length > 0 ||
    [...active, ...disputed].some((e) => BAD_LISTS.includes(e.record.listType));

  const incentives: AppliedMeasure[] = [];
  if (!withheld) {
    for (const m of measures.filter((x) => x.kind === 'INCENTIVE')) {
      if (m.requiresThreeCleanYears && (!subjectKnown || badInWindow.length > 0)) continue;
      const hits = dedupe(active.filter((e) => e.viaEnterprise === null && m.triggers.some((t) => matches(t, e.record))));
      if (m.triggers.length > 0 && hits.length === 0) continue;
      const reasons = [
        ...(hits.length > 0 ? [`earned by ${describe(hits)}`] : []),
        ...(m.requiresThreeCleanYears ? [`no black or watch record since ${windowStart}`] : []),
      ];
      incentives.push(applied(m, hits, reasons.join('; ')));
    }
  }

  const all = [...punishments, ...incentives];
  let verdict: Verdict;
  if (punishments.some((m) => m.mandatory)) verdict = 'MANDATORY_RESTRICTION';
  else if (missingSources.length > 0) verdict = 'INCOMPLETE';
  else if (punishments.length > 0) verdict = 'RECOMMENDED_RESTRICTION';
  else if (incentives.length > 0) verdict = 'INCENTIVE';
  else verdict = 'CLEAR';

  const unknown = subjectKnown ? null : unknownSubject(input);
  return { verdict, subjectKnown, measures: all, suspendedMeasures: suspended, missingSources, explanation: explain(verdict, all, suspended, missingSources, unknown) };
}

/** The market department: it keeps the registration of every enterprise (市场主体登记). */
const REGISTRATION_SOURCE = 'market';

/**
 * What to say first about a subject no department that answered knows anything of: for an
 * enterprise whose registering department answered, that it is not registered.
 */
function unknownSubject(input: CheckInput): string {
  const id = checkSubjectId(input.subjectId);
  const enterprise = id.valid && id.kind === 'LEGAL_PERSON';
  const registrationAnswered = input.sources.has(REGISTRATION_SOURCE) && input.sources.get(REGISTRATION_SOURCE) !== null;
  const answered = [...input.sources.values()].every((a) => a !== null) ? 'no department' : 'no department that answered';
  return enterprise && registrationAnswered
    ? `${answered} knows subject ${input.subjectId}: it is absent from the market registration and no department holds a record on it`
    : `${answered} knows subject ${input.subjectId}: no department holds a record on it`;
}

/**
 * One sentence, the most important fact first. A subject no department knows is said so before
 * anything else: its check finds nothing because there is nothing to find, which is not the same
 * as a clean record — the identifier may be mistyped or the enterprise may not exist.
 */
function explain(verdict: Verdict, measures: AppliedMeasure[], suspended: AppliedMeasure[], missing: string[], unknown: string | null): string {
  const text = explainVerdict(verdict, measures, suspended, missing);
  if (unknown === null) return text;
  // CLEAR means every source answered and nothing is suspended (that needs a record): no tail.
  if (verdict === 'CLEAR') return `${unknown}, so no measure applies for this matter; verify the identifier before approving`;
  return `${unknown}; ${text}`;
}

function explainVerdict(verdict: Verdict, measures: AppliedMeasure[], suspended: AppliedMeasure[], missing: string[]): string {
  const codes = (list: AppliedMeasure[]) => list.map((m) => m.code).join(', ');
  const tail = [
    ...(missing.length > 0 ? [`sources that could not answer: ${missing.join(', ')}`] : []),
    ...(suspended.length > 0 ? [`suspended while objections are verified: ${codes(suspended)}`] : []),
  ];
  const suffix = tail.length > 0 ? `; ${tail.join('; ')}` : '';
  switch (verdict) {
    case 'MANDATORY_RESTRICTION':
      return `mandatory punishments apply: ${codes(measures.filter((m) => m.kind === 'PUNISHMENT' && m.mandatory))}${suffix}`;
    case 'INCOMPLETE':
      return `not every source answered, so the subject cannot be declared clear${suffix}`;
    case 'RECOMMENDED_RESTRICTION':
      return `recommended punishments apply at the approver's discretion: ${codes(measures)}${suffix}`;
    case 'INCENTIVE':
      return `incentives apply: ${codes(measures)}${suffix}`;
    case 'CLEAR':
      return `every source answered and no measure applies for this matter${suffix}`;
  }
}
