import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface HashedAuditFields {
  id: string;
  at: string;
  actor_user_id: string | null;
  actor_email: string | null;
  actor_role: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  patient_id: string | null;
  request_id: string | null;
  ip: string | null;
  details: string;
}

/** SHA-256 over the previous hash and every field, in a fixed order, as JSON. */
export function auditHash(prevHash: string, e: HashedAuditFields): string {
  const canonical = JSON.stringify([
    prevHash,
    e.id,
    e.at,
    e.actor_user_id,
    e.actor_email,
    e.actor_role,
    e.action,
    e.entity_type,
    e.entity_id,
    e.patient_id,
    e.request_id,
    e.ip,
    e.details,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
