import type { Caller } from '../caller.js';
import { forbidden } from '../errors.js';

/** Publishing, correcting and revoking: the department itself, or the credit office. */
export function requireWriter(caller: Caller | null, department: string, action: string): Caller {
  if (caller && ((caller.role === 'DEPARTMENT' && caller.department === department) || caller.role === 'CREDIT_OFFICE')) return caller;
  throw forbidden(
    `${action} in ${department}: only the ${department} department or the credit office may ${action}; ${caller ? `${caller.role} ${caller.clientId}${caller.department ? ` (${caller.department})` : ''}` : 'an anonymous caller'} may not`,
    { rule: `${department}.write` },
  );
}

/** Deciding objections and repairs: the department that owns the record ("谁主管、谁负责"). */
export function requireOwner(caller: Caller | null, department: string, action: string): Caller {
  if (caller && caller.role === 'DEPARTMENT' && caller.department === department) return caller;
  throw forbidden(`${action}: only the ${department} department, which owns the record, may ${action}`, { rule: `${department}.owner` });
}

/** Filing an objection or a repair application for a subject: the credit office or the owning department. */
export function requireFiler(caller: Caller | null, department: string, action: string): Caller {
  return requireWriter(caller, department, action);
}

/** Reading objections and repair applications: the owning department and the credit office. */
export function requireCaseReader(caller: Caller | null, department: string): Caller {
  return requireWriter(caller, department, 'read objections and repair applications');
}
