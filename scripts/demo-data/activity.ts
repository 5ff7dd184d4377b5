/**
 * What happened on the platform over the last weeks, for the demo's tracking dashboard: objections
 * and repair applications with the record versions they made, checks before approval made by the
 * demo approval systems (evaluated by the platform's own evaluator against the record versions in
 * force when each was made, so replaying one matches) and their execution feedback. Drawn per chunk
 * of the population from its own PRNG stream, so the population itself is unchanged by it.
 */
import type { CreditRecordRow } from '../../subgraphs/kit/credit-records.js';
import { toCreditRecord } from '../../subgraphs/kit/credit-records.js';
import type { ObjectionRow } from '../../subgraphs/kit/lifecycle/objections.js';
import { OBJECTION_DAYS } from '../../subgraphs/kit/lifecycle/objections.js';
import type { RepairRow } from '../../subgraphs/kit/lifecycle/repair.js';
import { evaluateCheck, type SourceAnswer } from '../../subgraphs/platform/check/evaluate.js';
import type { AuditedCheck, StoredCheck } from '../../subgraphs/platform/check/repository.js';
import { recordRefs } from '../../subgraphs/platform/check/run-check.js';
import type { FeedbackRow } from '../../subgraphs/platform/feedback/repository.js';
import type { Matter, MeasureVersion } from '../../subgraphs/platform/measures/types.js';
import { addDays, addYears, timestampOn } from './calendar.js';
import { Random } from './random.js';
import { DEPARTMENT_NAMES, type SeedRows } from './rows.js';

/** Weeks of activity before the reference day. */
export const ACTIVITY_WEEKS = 12;
/** One check for this many subjects of the population. */
const SUBJECTS_PER_CHECK = 5;
const ACTIVITY_STREAM = 5;

/** The demo approval systems and the matters they check, weighted. */
const CLIENTS: readonly (readonly [{ clientId: string; matters: readonly (readonly [Matter, number])[] }, number])[] = [
  [{ clientId: 'demo-procurement', matters: [['GOVERNMENT_PROCUREMENT', 3], ['PUBLIC_RESOURCE_TRADING', 2]] }, 2],
  [{
    clientId: 'demo-approval',
    matters: [['ADMINISTRATIVE_LICENSE', 4], ['FISCAL_FUNDS', 2], ['PROJECT_APPROVAL', 1], ['HONORS', 1], ['FINANCIAL_SERVICES', 1], ['MARKET_ENTRY', 1], ['ROUTINE_INSPECTION', 1]],
  }, 3],
];
/** Sources that were now and then too slow or down when a check was made: those checks miss them. */
const FLAKY_SOURCES: readonly (readonly [string, number])[] = [['courts', 3], ['finance', 2], ['tax', 1]];
const MISSING_SOURCE_RATE = 0.04;

export interface Activity {
  checks: AuditedCheck[];
  feedback: FeedbackRow[];
}

function uuid(rng: Random): string {
  const hex = Array.from({ length: 32 }, () => rng.int(16).toString(16));
  hex[12] = '4';
  hex[16] = ((rng.int(4) + 8) as number).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Replaces a record's current version by a new one from `at` (the way every change is recorded). */
function newVersion(rows: CreditRecordRow[], record: CreditRecordRow, at: string, status: CreditRecordRow['status']): CreditRecordRow {
  record.valid_to = at;
  const next: CreditRecordRow = { ...record, version: record.version + 1, status, valid_from: at, valid_to: null };
  rows.push(next);
  return next;
}

export class DemoActivity {
  private readonly start: string;

  constructor(
    private readonly seed: number,
    private readonly asOf: string,
    private readonly catalogue: readonly MeasureVersion[],
  ) {
    this.start = addDays(asOf, -7 * ACTIVITY_WEEKS);
  }

  /** A moment of the activity window, before the reference day. */
  private moment(rng: Random, from = this.start): string {
    const span = Math.max(0, Math.round((Date.parse(`${this.asOf}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) - 1);
    return timestampOn(rng, addDays(from, rng.int(span + 1)));
  }

  /**
   * Objections and repairs on the chunk's records (their versions rewritten accordingly), and the
   * checks of some of its enterprises with their feedback. `chunk` numbers the chunk.
   */
  apply(rows: SeedRows, chunk: number): Activity {
    const rng = Random.for(this.seed, ACTIVITY_STREAM, chunk);
    for (const department of DEPARTMENT_NAMES) this.cases(rng, rows, department);
    return this.checks(rng, rows);
  }

  private cases(rng: Random, rows: SeedRows, department: (typeof DEPARTMENT_NAMES)[number]): void {
    const records = rows[department].credit_records as CreditRecordRow[];
    const objections: ObjectionRow[] = [];
    const repairs: RepairRow[] = [];
    const clerk = `demo-${department}`;
    for (const record of [...records]) {
      if (record.list_type === 'RED' || record.valid_to !== null) continue;
      const inForce = record.status === 'ACTIVE' && (record.valid_until === null || record.valid_until >= this.asOf);
      if (inForce && rng.chance(0.06)) {
        const filedAt = this.moment(rng, record.decided_on > this.start ? addDays(record.decided_on, 1) : this.start);
        if (filedAt.slice(0, 10) >= this.asOf) continue;
        const dueOn = addDays(filedAt.slice(0, 10), OBJECTION_DAYS);
        // Most are verified in time; some still wait, a few past their deadline.
        const resolvedDay = addDays(filedAt.slice(0, 10), rng.between(3, OBJECTION_DAYS + 10));
        const decided = resolvedDay < this.asOf && rng.chance(0.8);
        const disputed = newVersion(records, record, filedAt, 'IN_OBJECTION');
        const outcome = rng.chance(0.85) ? 'UPHELD' : 'REVOKED';
        const resolvedAt = decided ? timestampOn(rng, resolvedDay) : null;
        if (resolvedAt && resolvedAt > filedAt) newVersion(records, disputed, resolvedAt, outcome === 'UPHELD' ? 'ACTIVE' : 'REVOKED');
        objections.push({
          id: `obj-${uuid(rng)}`, record_id: record.id, subject_id: record.subject_id, filed_by: 'demo-platform', reason: '主体称相关义务已履行，申请核实 The subject says it has performed the obligation',
          filed_at: filedAt, due_on: dueOn, status: resolvedAt && resolvedAt > filedAt ? outcome : 'PENDING', resolved_at: resolvedAt && resolvedAt > filedAt ? resolvedAt : null,
          resolved_by: resolvedAt && resolvedAt > filedAt ? clerk : null, resolution_note: resolvedAt && resolvedAt > filedAt ? (outcome === 'UPHELD' ? '经核查，记录无误' : '经核查，记录有误，予以撤销') : null, idempotency_key: null,
        });
      } else if (record.status === 'REPAIRED' && record.version === 1) {
        // A repaired record: active until its repair was approved, the application before that.
        const minimum = record.list_type === 'BLACK' ? addYears(record.decided_on, 1) : addDays(record.decided_on, 92);
        const approvedDay = addDays(minimum > this.start ? minimum : this.start, rng.int(7 * ACTIVITY_WEEKS));
        if (approvedDay >= this.asOf || approvedDay <= record.valid_from.slice(0, 10)) continue;
        const appliedAt = timestampOn(rng, addDays(approvedDay, -rng.between(5, 25)));
        const approvedAt = timestampOn(rng, approvedDay);
        record.status = 'ACTIVE';
        newVersion(records, record, approvedAt, 'REPAIRED');
        repairs.push({
          id: `rep-${uuid(rng)}`, record_id: record.id, subject_id: record.subject_id, applied_by: 'demo-platform', statement: '已纠正失信行为并履行相关义务 The conduct was corrected',
          applied_at: appliedAt < record.valid_from ? approvedAt : appliedAt, status: 'APPROVED', decided_at: approvedAt, decided_by: clerk, decision_note: '符合修复条件，予以修复', idempotency_key: null,
        });
      } else if (inForce && rng.chance(0.03)) {
        const appliedAt = this.moment(rng, record.decided_on > this.start ? addDays(record.decided_on, 1) : this.start);
        if (appliedAt.slice(0, 10) >= this.asOf) continue;
        const rejected = rng.chance(0.3);
        repairs.push({
          id: `rep-${uuid(rng)}`, record_id: record.id, subject_id: record.subject_id, applied_by: 'demo-platform', statement: '申请信用修复 Asks for credit repair', applied_at: appliedAt,
          status: rejected ? 'REJECTED' : 'PENDING', decided_at: rejected ? appliedAt.replace(/T.*/, 'T16:00:00.000Z') : null, decided_by: rejected ? clerk : null,
          decision_note: rejected ? '未满最短公示期限 The minimum publicity period has not passed' : null, idempotency_key: null,
        });
      }
    }
    rows[department].objections.push(...objections);
    rows[department].repair_applications.push(...repairs);
  }

  private checks(rng: Random, rows: SeedRows): Activity {
    const bySubject = new Map<string, Map<string, CreditRecordRow[]>>();
    for (const department of DEPARTMENT_NAMES) {
      for (const r of rows[department].credit_records as CreditRecordRow[]) {
        let of = bySubject.get(r.subject_id);
        if (!of) bySubject.set(r.subject_id, (of = new Map()));
        of.set(department, [...(of.get(department) ?? []), r]);
      }
    }
    const enterprises = rows.market.registrations.map((r) => r.subject_id);
    const listed = enterprises.filter((id) => bySubject.has(id));
    const count = Math.round(enterprises.length / SUBJECTS_PER_CHECK);
    const activity: Activity = { checks: [], feedback: [] };
    for (let i = 0; i < count && enterprises.length > 0; i++) {
      const subjectId = listed.length > 0 && rng.chance(0.4) ? rng.pick(listed) : rng.pick(enterprises);
      const client = rng.weighted(CLIENTS);
      const matter = rng.weighted(client.matters);
      const checkedAt = this.moment(rng);
      const missing = rng.chance(MISSING_SOURCE_RATE) ? rng.weighted(FLAKY_SOURCES) : null;
      const sources = new Map<string, SourceAnswer | null>();
      for (const department of DEPARTMENT_NAMES) {
        if (department === missing) {
          sources.set(department, null);
          continue;
        }
        const versions = (bySubject.get(subjectId)?.get(department) ?? []).filter((r) => r.valid_from <= checkedAt && (r.valid_to === null || r.valid_to > checkedAt));
        // Every enterprise is registered with market regulation, so it knows them all.
        sources.set(department, { known: department === 'market' || versions.length > 0, records: versions.map((r) => toCreditRecord(department, r, checkedAt.slice(0, 10))) });
      }
      const input = { subjectId, matter, asOf: checkedAt, sources, representations: [] };
      const evaluation = evaluateCheck(input, this.catalogue);
      const check: StoredCheck = {
        checkId: uuid(rng), checkedAt, clientId: client.clientId, matter, caseRef: `${client.clientId === 'demo-procurement' ? 'ZFCG' : 'SP'}-${checkedAt.slice(0, 4)}-${String(1000 + rng.int(9000))}`,
        subjectId, subjectKind: 'LEGAL_PERSON', subjectKnown: evaluation.subjectKnown, verdict: evaluation.verdict, measures: evaluation.measures,
        suspendedMeasures: evaluation.suspendedMeasures, missingSources: evaluation.missingSources, explanation: evaluation.explanation, recordRefs: recordRefs(input),
      };
      activity.checks.push({ check, actor: { clientId: client.clientId, role: 'APPROVAL_SYSTEM', department: null } });
      // Most approval systems report back within days; some never do (overdue on the dashboard).
      if (check.measures.length > 0 && rng.chance(0.7)) {
        const reportedAt = timestampOn(rng, addDays(checkedAt.slice(0, 10), rng.between(0, 9)));
        if (reportedAt.slice(0, 10) >= this.asOf) continue;
        for (const m of check.measures) {
          const applied = m.kind === 'INCENTIVE' || m.mandatory || rng.chance(0.85);
          activity.feedback.push({
            check_id: check.checkId, measure_code: m.code, outcome: applied ? 'APPLIED' : 'NOT_APPLIED',
            reason: applied ? null : '经审慎评审，不影响本次审批 Reviewed with care: no bearing on this approval', reported_by: client.clientId, reported_at: reportedAt,
          });
        }
      }
    }
    return activity;
  }
}
