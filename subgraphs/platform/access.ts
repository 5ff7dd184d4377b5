import type { Caller, Role } from '../kit/caller.js';
import { forbidden } from '../kit/errors.js';

/** Refuses a caller whose role is not among `roles`, naming the rule that refused it. */
export function requireRole(caller: Caller | null, roles: readonly Role[], rule: string): Caller {
  if (!caller) throw forbidden(`${rule}: the request carries no client identity (call through the gateway)`, { rule });
  if (!roles.includes(caller.role)) throw forbidden(`${rule}: allowed to ${roles.join(', ')}, not to ${caller.role} ${caller.clientId}`, { rule });
  return caller;
}
