import { Type, type Static } from 'typebox';
import { WEIGHT_BASES } from '../domain/dosing/weight-basis.js';
import { RED_FLAG_SYMPTOMS } from '../domain/sessions/alert-rules.js';
import { SESSION_ACTIONS, SESSION_STATES } from '../domain/sessions/session-state.js';
import { CalendarDate, Nullable, Timestamp } from './common.contract.js';
import { AnswersSchema } from './instruments.contract.js';
import {
  CourseGatesDto,
  DischargeDto,
  ReadinessDto,
  SessionDoseDto,
  SessionEventDto,
} from './session-records.contract.js';

export const ProtocolDto = Type.Object({
  id: Type.String(),
  name: Type.String(),
  drug: Type.String(),
  route: Type.String(),
  mgPerKg: Nullable(Type.Number()),
  fixedDoseMg: Nullable(Type.Number()),
  durationMin: Type.Integer(),
  sessionsPlanned: Type.Integer(),
  perWeek: Type.Integer(),
  escalationStepsMgPerKg: Type.Array(Type.Number()),
  completerMinDoses: Type.Integer(),
});
export type ProtocolDto = Static<typeof ProtocolDto>;
export const ProtocolList = Type.Object({ protocols: Type.Array(ProtocolDto) });

export const StartCourseBody = Type.Object(
  {
    protocolId: Type.String({ maxLength: 40 }),
    startOn: CalendarDate('first session'),
    plannedSessions: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 })),
    siteId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'where the course is given' }),
    ),
    trdOverrideReason: Type.Optional(
      Type.String({
        minLength: 10,
        maxLength: 2000,
        description: 'clinician override when there is no TRD verdict',
      }),
    ),
  },
  { additionalProperties: false },
);
export type StartCourseBody = Static<typeof StartCourseBody>;

export const SessionSummary = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  scheduledFor: Type.String(),
  state: Type.Enum([...SESSION_STATES]),
});
export const CourseDto = Type.Object({
  id: Type.String(),
  protocol: ProtocolDto,
  startOn: Type.String(),
  plannedSessions: Type.Integer(),
  site: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  status: Type.String(),
  gates: CourseGatesDto,
  sessions: Type.Array(SessionSummary),
  createdAt: Timestamp,
});
export type CourseDto = Static<typeof CourseDto>;
export const CourseList = Type.Object({ courses: Type.Array(CourseDto) });

const VitalsDto = Type.Object({
  id: Type.String(),
  takenAt: Timestamp,
  phase: Type.String(),
  systolicMmHg: Nullable(Type.Integer()),
  diastolicMmHg: Nullable(Type.Integer()),
  heartRateBpm: Nullable(Type.Integer()),
  spo2Percent: Nullable(Type.Integer()),
  respiratoryRate: Nullable(Type.Integer()),
  rhythm: Nullable(Type.String()),
});
const SessionAlertDto = Type.Object({
  id: Type.String(),
  rule: Type.String(),
  level: Type.String(),
  value: Type.String(),
  action: Type.String(),
  source: Type.String(),
  raisedAt: Timestamp,
  acknowledgedAt: Nullable(Timestamp),
  acknowledgedBy: Nullable(Type.String()),
});
const AdverseEventDto = Type.Object({
  id: Type.String(),
  type: Type.String(),
  severity: Type.String(),
  onsetAt: Timestamp,
  actionTaken: Type.String(),
  outcome: Type.String(),
  notes: Nullable(Type.String()),
});
const RatingDto = Type.Object({
  id: Type.String(),
  instrument: Type.String(),
  administeredAt: Timestamp,
  total: Nullable(Type.Integer()),
  subscales: Type.Record(Type.String(), Type.Number()),
});

export const SessionDto = Type.Object({
  id: Type.String(),
  courseId: Type.String(),
  patient: Type.Object({
    id: Type.String(),
    mrn: Type.String(),
    name: Type.String(),
    weightKg: Nullable(Type.Number()),
    heightCm: Nullable(Type.Number()),
    sex: Type.String(),
  }),
  protocol: ProtocolDto,
  number: Type.Integer(),
  scheduledFor: Type.String(),
  state: Type.Enum([...SESSION_STATES]),
  version: Type.Integer(),
  allowedActions: Type.Array(Type.String()),
  dose: Nullable(SessionDoseDto),
  /** The pre-dose check as it stood when the session was cleared. */
  readiness: Nullable(ReadinessDto),
  readinessConfirmedBy: Nullable(Type.String()),
  escortPresent: Type.Boolean(),
  infusionStartedAt: Nullable(Timestamp),
  infusionEndedAt: Nullable(Timestamp),
  abortReason: Nullable(Type.String()),
  vitals: Type.Array(VitalsDto),
  nextVitalsDueAt: Nullable(Timestamp),
  vitalsOverdue: Type.Boolean(),
  alerts: Type.Array(SessionAlertDto),
  adverseEvents: Type.Array(AdverseEventDto),
  ratings: Type.Array(RatingDto),
  events: Type.Array(SessionEventDto),
  discharge: DischargeDto,
  serverTime: Timestamp,
});
export type SessionDto = Static<typeof SessionDto>;
export const SessionVersion = Type.Object({ version: Type.Integer(), state: Type.String() });

export const ActBody = Type.Object(
  {
    action: Type.Enum([...SESSION_ACTIONS]),
    version: Type.Integer({
      minimum: 1,
      description: 'the version you read; a stale one gets 409',
    }),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    confirmCaution: Type.Optional(
      Type.Boolean({ description: 'clinician confirms a caution at clearance' }),
    ),
    escortPresent: Type.Optional(Type.Boolean()),
    lastFoodAt: Type.Optional(Type.String({ format: 'date-time' })),
    lastLiquidAt: Type.Optional(Type.String({ format: 'date-time' })),
    minutesUntilReady: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 600,
        description:
          'at discharge: when the patient would have been ready without the 2-hour rule (monitoring form)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ActBody = Static<typeof ActBody>;

export const DoseBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    mgPerKg: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10 })),
    basis: Type.Optional(Type.Enum([...WEIGHT_BASES])),
    // 0.01 mg/mL is a floor against nonsense input, not a clinical limit: a value like
    // 7e-323 made the volume and pump rate overflow to Infinity (found by the fuzz test).
    concentrationMgPerMl: Type.Optional(Type.Number({ minimum: 0.01, maximum: 100 })),
    esketamineDoseMg: Type.Optional(Type.Integer()),
    lotNumber: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 40,
        description: 'drug lot number (esketamine monitoring form)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type DoseBody = Static<typeof DoseBody>;

export const VitalsBody = Type.Object(
  {
    takenAt: Type.Optional(Type.String({ format: 'date-time' })),
    systolicMmHg: Type.Optional(Type.Integer({ minimum: 40, maximum: 300 })),
    diastolicMmHg: Type.Optional(Type.Integer({ minimum: 20, maximum: 200 })),
    heartRateBpm: Type.Optional(Type.Integer({ minimum: 20, maximum: 250 })),
    spo2Percent: Type.Optional(Type.Integer({ minimum: 50, maximum: 100 })),
    respiratoryRate: Type.Optional(Type.Integer({ minimum: 4, maximum: 60 })),
    rhythm: Type.Optional(Type.Union([Type.Literal('regular'), Type.Literal('irregular')])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type VitalsBody = Static<typeof VitalsBody>;

export const SessionRatingBody = Type.Object(
  {
    instrument: Type.Union([Type.Literal('cadss'), Type.Literal('moaas'), Type.Literal('bprs')]),
    answers: AnswersSchema,
  },
  { additionalProperties: false },
);
export type SessionRatingBody = Static<typeof SessionRatingBody>;

export const ADVERSE_EVENT_TYPES = [
  'transient-hypertension',
  'tachycardia',
  'bradycardia',
  'atrial-fibrillation',
  'visual-hallucinations',
  'conceptual-disorganization',
  'unusual-thought-content',
  'dissociation',
  'sedation',
  'nausea-vomiting',
  'headache',
  'dizziness',
  'other',
] as const;
export const AdverseEventBody = Type.Object(
  {
    type: Type.Enum([...ADVERSE_EVENT_TYPES]),
    severity: Type.Enum(['mild', 'moderate', 'severe', 'life-threatening']),
    onsetAt: Type.Optional(Type.String({ format: 'date-time' })),
    actionTaken: Type.Enum([
      'none',
      'observed',
      'infusion-slowed',
      'infusion-paused',
      'infusion-stopped',
      'medication-given',
      'emergency-transfer',
    ]),
    outcome: Type.Enum(['resolved', 'resolving', 'ongoing', 'transferred']),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type AdverseEventBody = Static<typeof AdverseEventBody>;
export const SymptomBody = Type.Object(
  { symptom: Type.Enum([...RED_FLAG_SYMPTOMS]) },
  { additionalProperties: false },
);
export type SymptomBody = Static<typeof SymptomBody>;

export const ProtocolBody = Type.Object(
  {
    name: Type.String({ minLength: 3, maxLength: 200 }),
    drug: Type.Enum(['ketamine', 'esketamine', 'midazolam']),
    route: Type.Enum(['iv', 'im', 'subcutaneous', 'intranasal']),
    mgPerKg: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3 })),
    fixedDoseMg: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 200 })),
    durationMin: Type.Integer({ minimum: 1, maximum: 240 }),
    sessionsPlanned: Type.Integer({ minimum: 1, maximum: 30 }),
    perWeek: Type.Integer({ minimum: 1, maximum: 7 }),
    escalationStepsMgPerKg: Type.Optional(
      Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 3 }), { maxItems: 10 }),
    ),
    completerMinDoses: Type.Integer({ minimum: 1, maximum: 30 }),
  },
  { additionalProperties: false },
);
export type ProtocolBody = Static<typeof ProtocolBody>;
