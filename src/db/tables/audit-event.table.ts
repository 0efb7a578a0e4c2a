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
  /**
   * Which hash chain the row extends (ADR 0020): each lane links its own rows in seq
   * order. SQLite writes lane 0 only; PostgreSQL spreads concurrent appends over lanes.
   */
  lane: Generated<number>;
  prev_hash: string;
  hash: string;
}
