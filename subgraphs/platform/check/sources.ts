import type { CreditRecord } from '../../kit/credit-records.js';
import { REPRESENTATION_SOURCE } from '../credit-sources.js';
import type { Representation, RepresentativeRole, SourceAnswer } from './evaluate.js';

/** Keys of an entity representation that are the platform's own, not a source's answer. */
const OWN_KEYS = new Set(['__typename', 'id', 'kind', 'asOf']);

type Raw = Record<string, unknown>;

function answerOf(value: unknown): SourceAnswer | null {
  if (value === null || typeof value !== 'object') return null;
  const { known, records } = value as { known?: unknown; records?: unknown };
  if (!Array.isArray(records)) return null;
  // A representation may leave out a field whose value is null (some gateways do): an absent
  // `validUntil` is an open-ended record, not one that ended.
  return { known: known === true, records: (records as CreditRecord[]).map((r) => (r.validUntil === undefined ? { ...r, validUntil: null } : r)) };
}

/**
 * Reads every source's answer from what the gateway fetched for `@requires`. Every key of the
 * representation that is not the platform's own is a source, so a source added to the field set
 * is read without a code change; a null there means the source could not answer.
 */
export function sourcesOf(entity: Raw): Map<string, SourceAnswer | null> {
  const sources = new Map<string, SourceAnswer | null>();
  for (const [key, value] of Object.entries(entity)) if (!OWN_KEYS.has(key)) sources.set(key, answerOf(value));
  return sources;
}

/** The enterprises the subject represents, each with every source's answer about it. */
export function representationsOf(
  entity: Raw,
  enterpriseField: 'enterprise' | 'enterpriseAsOf',
  sourceNames: readonly string[],
): Representation[] {
  const view = entity[REPRESENTATION_SOURCE] as { representedEnterprises?: unknown } | null | undefined;
  const list = Array.isArray(view?.representedEnterprises) ? (view.representedEnterprises as Raw[]) : [];
  return list.map((rep) => {
    const enterprise = (rep[enterpriseField] as Raw | null | undefined) ?? {};
    // Judge the enterprise by the same sources as the subject: one it lacks could not answer.
    const sources = new Map(sourceNames.map((name) => [name, answerOf(enterprise[name])] as const));
    return {
      enterpriseId: String(rep.enterpriseId),
      role: rep.role as RepresentativeRole,
      from: String(rep.from),
      to: (rep.to as string | null) ?? null,
      sources,
    };
  });
}
