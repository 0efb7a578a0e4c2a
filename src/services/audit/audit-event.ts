import { newId } from '../ids.js';
import type { HashedAuditFields } from '../../db/audit-hash.js';
import type { RequestContext } from '../deps.js';

export interface AuditInput {
  action: string;
  entityType: string;
  entityId?: string | null;
  patientId?: string | null;
  details?: Record<string, unknown>;
}

/** Builds one audit event from the request context; the repository chains and stores it. */
export function auditEvent(ctx: RequestContext, at: Date, input: AuditInput): HashedAuditFields {
  return {
    id: newId(),
    at: at.toISOString(),
    actor_user_id: ctx.actor?.userId ?? null,
    actor_email: ctx.actor?.email ?? null,
    actor_role: ctx.actor?.role ?? null,
    action: input.action,
    entity_type: input.entityType,
    entity_id: input.entityId ?? null,
    patient_id: input.patientId ?? null,
    request_id: ctx.requestId,
    ip: ctx.ip,
    details: JSON.stringify(input.details ?? {}),
  };
}

/** The fields that differ between two records, as {before, after}. */
export function changes<T extends Record<string, unknown>>(
  before: T,
  after: Partial<T>,
): { before: Partial<T>; after: Partial<T> } {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (after[key] !== undefined && after[key] !== before[key]) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a };
}
