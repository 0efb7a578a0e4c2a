import type { Generated } from 'kysely';

export interface AuditEventTable {
  seq: Generated<number>;
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
  /** JSON: before/after values and other safe context. */
  details: string;
  prev_hash: string;
  hash: string;
}
