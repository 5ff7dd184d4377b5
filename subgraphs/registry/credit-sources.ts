import { Kind, parse, type ObjectTypeDefinitionNode, type TypeNode } from 'graphql';
import { DEFAULT_CREDIT_SOURCES, type CreditSource } from '../platform/credit-sources.js';
import { platformSdl } from '../platform/server.js';
import type { Member } from './store.js';

function named(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : named(type.type);
}

/**
 * Whether a subgraph follows the credit-record contract: `Subject.<name>` and
 * `SubjectAsOf.<name>` of a view type whose `records` is `[CreditRecord!]`.
 */
export function creditSourceOf(member: Member): CreditSource | null {
  let doc;
  try {
    doc = parse(member.sdl);
  } catch {
    return null;
  }
  const types = new Map<string, ObjectTypeDefinitionNode>();
  for (const def of doc.definitions) if (def.kind === Kind.OBJECT_TYPE_DEFINITION) types.set(def.name.value, def);
  const field = types.get('Subject')?.fields?.find((f) => f.name.value === member.name);
  const asOf = types.get('SubjectAsOf')?.fields?.find((f) => f.name.value === member.name);
  if (!field || !asOf) return null;
  const view = named(field.type);
  if (named(asOf.type) !== view || !view.endsWith('View')) return null;
  const records = types.get(view)?.fields?.find((f) => f.name.value === 'records');
  if (!records || named(records.type) !== 'CreditRecord') return null;
  return { name: member.name, typePrefix: view.slice(0, -'View'.length) };
}

/**
 * The members as they are composed: the platform's SDL is regenerated so that its check requires
 * the records of every registered credit source — a department that follows the contract joins
 * the joint check by being registered, with no code change.
 */
export function withCreditSources(members: readonly Member[]): Member[] {
  const found = members.map(creditSourceOf).filter((s): s is CreditSource => s !== null);
  const defaults = DEFAULT_CREDIT_SOURCES.filter((d) => found.some((f) => f.name === d.name));
  const added = found.filter((f) => !DEFAULT_CREDIT_SOURCES.some((d) => d.name === f.name)).sort((a, b) => a.name.localeCompare(b.name));
  const sources = [...defaults, ...added];
  return members.map((m) => (m.name === 'platform' ? { ...m, sdl: platformSdl(sources) } : m));
}
