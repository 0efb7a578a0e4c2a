import { Type, type Static } from 'typebox';
import { PageLimit, SeqCursor, Timestamp } from './common.contract.js';
import { JsonValue } from './json.contract.js';

export const AuditEventDto = Type.Object({
  seq: Type.Integer(),
  id: Type.String(),
  at: Timestamp,
  actorUserId: Type.Union([Type.String(), Type.Null()]),
  actorEmail: Type.Union([Type.String(), Type.Null()]),
  actorRole: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  patientId: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  /**
   * What the action recorded, free-form per action (often `before` and `after`); the
   * stored text itself when it is not JSON (a row edited by hand: see /audit/verify).
   */
  details: JsonValue,
  /**
   * Why some of this event is not shown to the reader, in words (a reader who may not read
   * patient records sees no patient's identifiers or clinical values); null when nothing was
   * left out.
   */
  hidden: Type.Union([Type.String(), Type.Null()]),
});
export type AuditEventDto = Static<typeof AuditEventDto>;

export const AuditQuery = Type.Object({
  patientId: Type.Optional(Type.String({ maxLength: 64 })),
  userId: Type.Optional(Type.String({ maxLength: 64 })),
  action: Type.Optional(Type.String({ maxLength: 64 })),
  beforeSeq: Type.Optional(SeqCursor('page: events older than this')),
  limit: Type.Optional(PageLimit(500)),
});
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditList = Type.Object({ events: Type.Array(AuditEventDto) });
export type AuditList = Static<typeof AuditList>;

export const AuditVerifyResult = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  firstBrokenSeq: Type.Union([Type.Integer(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  /**
   * Anchors (signed records of the log's end, kept outside the database) whose recorded
   * events were checked to be still in the log: newest events removed are found this way.
   */
  anchorsChecked: Type.Integer(),
  /** Lines of the anchor file that are no anchor (torn by a crash) and were skipped. */
  anchorsUnreadable: Type.Integer(),
  lastAnchorAt: Type.Union([Timestamp, Type.Null()]),
});
export type AuditVerifyResult = Static<typeof AuditVerifyResult>;
