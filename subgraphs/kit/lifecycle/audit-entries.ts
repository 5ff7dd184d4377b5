import { systemActor, type AuditActor, type AuditEntry } from '../audit.js';
import type { CreditRecordRow } from '../credit-records.js';

/** The operations of a department that the audit chain records, as `<department>.<operation>`. */
export type LifecycleOperation =
  | 'publishRecord'
  | 'correctRecord'
  | 'revokeRecord'
  | 'fileObjection'
  | 'resolveObjection'
  | 'applyForRepair'
  | 'decideRepair'
  | 'expireRecord'
  | 'submitReport';

/** Who a lifecycle write is attributed to when the caller passes no actor: a direct call, e.g. from a tool. */
export function directActor(department: string): AuditActor {
  return systemActor(department);
}

/** The record version a write produced, as a payload names it. */
export function versionRef(row: Pick<CreditRecordRow, 'id' | 'version' | 'status'>): { id: string; version: number; status: string } {
  return { id: row.id, version: Number(row.version), status: row.status };
}

export function lifecycleEntry(department: string, operation: LifecycleOperation, actor: AuditActor, entityId: string, payload: unknown): AuditEntry {
  return { actor, action: `${department}.${operation}`, entityId, payload };
}

/** An entry for a write whose result is a record version: the whole version is the payload. */
export function recordEntry(department: string, operation: LifecycleOperation, actor: AuditActor, row: CreditRecordRow, extra: Record<string, unknown> = {}): AuditEntry {
  return lifecycleEntry(department, operation, actor, row.id, { record: row, ...extra });
}
