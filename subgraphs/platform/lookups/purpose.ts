import { Kind, valueFromASTUntyped, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { hideIdentityNumbersIn } from '../../kit/identity-masking.js';

/** The fields selected on the subject, through fragments. */
function fieldsOf(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, out: FieldNode[] = []): FieldNode[] {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fieldsOf(selection.selectionSet, info, out);
    else fieldsOf(info.fragments[selection.name.value]?.selectionSet, info, out);
  }
  return out;
}

/**
 * Why a subject was looked up, as the request shows it: the check asked for (matter and case
 * reference) or the preview, else the view; and the operation's name (identity numbers in it masked).
 */
export function lookupPurpose(info: GraphQLResolveInfo): string {
  const parts: string[] = [];
  for (const field of fieldsOf(info.fieldNodes[0]?.selectionSet, info)) {
    if (field.name.value !== 'creditCheck' && field.name.value !== 'creditPreview') continue;
    const args = Object.fromEntries((field.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, info.variableValues)]));
    parts.push(field.name.value === 'creditCheck' ? `creditCheck ${String(args.matter)} for case ${String(args.caseRef)}` : `creditPreview ${String(args.matter)}`);
  }
  if (parts.length === 0) parts.push('subject view');
  const operation = info.operation.name?.value;
  return hideIdentityNumbersIn(`${[...new Set(parts)].join('; ')}${operation ? ` (operation ${operation})` : ''}`).slice(0, 500);
}
