import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

/** One check before approval found in a response. */
export interface CheckVerdict {
  matter: string;
  /** The verdict answered, or NOT_REQUESTED when the operation did not select it. */
  verdict: string;
}

const ENUM_LIKE = /^[A-Z][A-Z0-9_]{0,63}$/;

function argument(value: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!value) return undefined;
  if (value.kind === Kind.VARIABLE) return variables[value.name.value];
  if (value.kind === Kind.ENUM || value.kind === Kind.STRING) return value.value;
  return undefined;
}

/**
 * Finds every `creditCheck` the response answered, with the matter it was asked for, by walking
 * the operation and the data together: aliases, fragments, lists (a batch of subjects) and
 * variables are followed, and an answer reached twice through overlapping selections is counted
 * once. Labels that are not enum-like come back as UNKNOWN, so they cannot flood the metrics.
 */
export function checkVerdicts(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  data: Record<string, unknown>,
  variables: Record<string, unknown> = {},
): CheckVerdict[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const found: CheckVerdict[] = [];
  const seen = new Set<object>();

  const walk = (selectionSet: SelectionSetNode, value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(selectionSet, item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, object);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet, object);
      } else {
        const child = object[selection.alias?.value ?? selection.name.value];
        if (selection.name.value === 'creditCheck') {
          const raw = argument(selection.arguments?.find((a) => a.name.value === 'matter')?.value, variables);
          const matter = typeof raw === 'string' && ENUM_LIKE.test(raw) ? raw : 'UNKNOWN';
          for (const check of Array.isArray(child) ? child : [child]) {
            if (check === null || typeof check !== 'object' || seen.has(check)) continue;
            seen.add(check);
            const verdict = (check as { verdict?: unknown }).verdict;
            found.push({ matter, verdict: verdict === undefined ? 'NOT_REQUESTED' : typeof verdict === 'string' && ENUM_LIKE.test(verdict) ? verdict : 'UNKNOWN' });
          }
        } else if (selection.selectionSet) walk(selection.selectionSet, child);
      }
    }
  };
  walk(operation.selectionSet, data);
  return found;
}
