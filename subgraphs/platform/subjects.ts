import { badInput } from '../kit/errors.js';
import { checkSubjectId, type SubjectKind } from '../kit/identifiers.js';

/** The largest batch `subjects(ids)` accepts. */
export const MAX_SUBJECTS_PER_REQUEST = 1000;

export interface SubjectRef {
  id: string;
  kind: SubjectKind;
}

/**
 * Validates every identifier before anything is resolved. Throws one BAD_USER_INPUT error that
 * lists each invalid id with its reason (also in `extensions.invalidIds`).
 */
export function resolveSubjectIds(ids: readonly string[]): SubjectRef[] {
  if (ids.length > MAX_SUBJECTS_PER_REQUEST) {
    throw badInput(`too many subject ids: ${ids.length} given, at most ${MAX_SUBJECTS_PER_REQUEST} per request`, {
      limit: MAX_SUBJECTS_PER_REQUEST,
      given: ids.length,
    });
  }
  const refs: SubjectRef[] = [];
  const invalid: { id: string; reason: string }[] = [];
  for (const id of ids) {
    const check = checkSubjectId(id);
    if (check.valid) refs.push({ id, kind: check.kind });
    else invalid.push({ id, reason: check.reason });
  }
  if (invalid.length > 0) {
    const list = invalid.map((i) => `${JSON.stringify(i.id)}: ${i.reason}`).join('; ');
    throw badInput(
      `invalid subject id${invalid.length > 1 ? 's' : ''} (expected a unified social credit code or a resident identity number): ${list}`,
      { invalidIds: invalid },
    );
  }
  return refs;
}
