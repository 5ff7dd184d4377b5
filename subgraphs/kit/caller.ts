import type { IncomingHttpHeaders } from 'node:http';

/** Roles a client can have; the full access policy builds on these. */
export type Role = 'APPROVAL_SYSTEM' | 'ANALYST' | 'DEPARTMENT' | 'CREDIT_OFFICE' | 'PUBLIC';

/** Who is asking, as established by the gateway. */
export interface Caller {
  clientId: string;
  role: Role;
  /** For a DEPARTMENT, the department it speaks for. */
  department?: string;
  /** For an APPROVAL_SYSTEM, the approval matters (Matter enum values) it approves. */
  matters?: readonly string[];
}

/** Headers the gateway uses to pass the caller and the request id to subgraphs. */
export const CallerHeader = {
  client: 'x-credit-client',
  role: 'x-credit-role',
  department: 'x-credit-department',
  matters: 'x-credit-matters',
  requestId: 'x-request-id',
} as const;

const ROLES: readonly Role[] = ['APPROVAL_SYSTEM', 'ANALYST', 'DEPARTMENT', 'CREDIT_OFFICE', 'PUBLIC'];

export function callerHeaders(caller: Caller): Record<string, string> {
  const headers: Record<string, string> = { [CallerHeader.client]: caller.clientId, [CallerHeader.role]: caller.role };
  if (caller.department) headers[CallerHeader.department] = caller.department;
  if (caller.matters) headers[CallerHeader.matters] = caller.matters.join(',');
  return headers;
}

/** Reads the caller the gateway forwarded; null when the request carries none. */
export function callerFromHeaders(headers: IncomingHttpHeaders): Caller | null {
  const clientId = headers[CallerHeader.client];
  const role = headers[CallerHeader.role];
  if (typeof clientId !== 'string' || typeof role !== 'string' || !ROLES.includes(role as Role)) return null;
  const department = headers[CallerHeader.department];
  const matters = headers[CallerHeader.matters];
  return {
    clientId,
    role: role as Role,
    ...(typeof department === 'string' ? { department } : {}),
    ...(typeof matters === 'string' ? { matters: matters === '' ? [] : matters.split(',') } : {}),
  };
}
