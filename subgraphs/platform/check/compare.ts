import type { AppliedMeasure, Evaluation } from './evaluate.js';
import type { StoredCheck } from './repository.js';

function measureKeys(list: AppliedMeasure[]): Map<string, string> {
  return new Map(
    list.map((m) => [
      `${m.code}@${m.version}`,
      m.evidence.map((e) => `${e.record.department}/${e.record.id}@${e.record.version}${e.viaEnterprise ? ` via ${e.viaEnterprise}` : ''}`).sort().join(', '),
    ]),
  );
}

function diffMeasures(label: string, before: AppliedMeasure[], after: AppliedMeasure[]): string[] {
  const a = measureKeys(before);
  const b = measureKeys(after);
  const out: string[] = [];
  for (const [key, evidence] of a) {
    if (!b.has(key)) out.push(`${label} ${key} was answered but is not reached now`);
    else if (b.get(key) !== evidence) out.push(`${label} ${key} rests on [${b.get(key)}] now, [${evidence}] then`);
  }
  for (const key of b.keys()) if (!a.has(key)) out.push(`${label} ${key} is reached now but was not answered`);
  return out;
}

/** What differs between a stored check and its re-evaluation; empty when they agree. */
export function compareWithStored(stored: StoredCheck, now: Evaluation): string[] {
  const out: string[] = [];
  if (stored.verdict !== now.verdict) out.push(`verdict is ${now.verdict} now, ${stored.verdict} then`);
  out.push(...diffMeasures('measure', stored.measures, now.measures));
  out.push(...diffMeasures('suspended measure', stored.suspendedMeasures, now.suspendedMeasures));
  const missingThen = stored.missingSources.join(', ');
  const missingNow = now.missingSources.join(', ');
  if (missingThen !== missingNow) out.push(`missing sources are [${missingNow}] now, [${missingThen}] then`);
  return out;
}
