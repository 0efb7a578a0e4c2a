import { Type, type Static, type TSchema } from 'typebox';
import { WEIGHT_BASES } from '../domain/dosing/weight-basis.js';
import { READINESS_CHECKS, READINESS_LEVELS } from '../domain/sessions/check-readiness.js';
import { SESSION_STATES } from '../domain/sessions/session-state.js';
import { Nullable, Timestamp } from './common.contract.js';

/*
 * What a course and its sessions keep as JSON: the start gates, the dose, the pre-dose
 * readiness, the discharge check and the timeline events. One schema each is both the
 * wire format and the check the server runs on reading the stored column, so every
 * object is closed (additionalProperties: false): a stored key that is not declared here
 * fails that check instead of being dropped silently by the serializer.
 */
const closed = { additionalProperties: false } as const;

const ScreenStatus = Type.Union([
  Type.Literal('clear'),
  Type.Literal('caution'),
  Type.Literal('contraindicated'),
]);

/** The gates as they stood when the course started (TRD verdict or override, screen, consent). */
const CheckedGatesDto = Type.Object(
  {
    trd: Nullable(
      Type.Object(
        { evaluationId: Type.String(), trd: Type.Boolean(), evaluatedAt: Timestamp },
        closed,
      ),
    ),
    trdOverrideReason: Nullable(Type.String()),
    screen: Nullable(
      Type.Object(
        {
          id: Type.String(),
          status: ScreenStatus,
          overridden: Type.Boolean(),
          expiresAt: Timestamp,
        },
        closed,
      ),
    ),
    consent: Type.Literal(true),
  },
  closed,
);
/** A course of the bulk synthetic cohort (bench data): no gates were checked. */
const SyntheticGatesDto = Type.Object(
  { synthetic: Type.Literal(true) },
  { ...closed, description: 'a bulk synthetic course: no gates were checked' },
);
export const CourseGatesDto = Type.Union([CheckedGatesDto, SyntheticGatesDto]);
export type CourseGatesDto = Static<typeof CourseGatesDto>;

/** An IV or IM infusion dose from weight and mg/kg (dose-calculator.ts, ADR 0010). */
export const InfusionDoseDto = Type.Object(
  {
    drug: Type.String(),
    route: Type.String(),
    basis: Type.Enum([...WEIGHT_BASES]),
    weightKg: Type.Number(),
    mgPerKg: Type.Number(),
    doseUg: Type.Integer(),
    doseMg: Type.Number(),
    volumeMl: Type.Number(),
    rateMlPerHour: Type.Number(),
    durationMin: Type.Integer(),
    concentrationMgPerMl: Type.Number(),
    /** The dose per kg of actual body weight, shown when another basis was used. */
    mgPerKgActual: Type.Number(),
    /** Another mg/kg than the protocol's (a clinician's escalation). */
    escalated: Type.Boolean(),
    setBy: Type.String(),
  },
  closed,
);
export type InfusionDoseDto = Static<typeof InfusionDoseDto>;

/** An esketamine nasal-spray dose: 28 mg devices, 5 minutes apart (REFERENCE A.1). */
export const EsketamineDoseDto = Type.Object(
  {
    drug: Type.Literal('esketamine'),
    route: Type.String(),
    doseMg: Type.Integer(),
    devices: Type.Integer(),
    minutesBetweenDevices: Type.Integer(),
    doseUg: Type.Integer(),
    lotNumber: Type.Optional(
      Nullable(Type.String({ description: 'absent on doses set before lot numbers were kept' })),
    ),
  },
  closed,
);
export type EsketamineDoseDto = Static<typeof EsketamineDoseDto>;

export const SessionDoseDto = Type.Union([EsketamineDoseDto, InfusionDoseDto]);
export type SessionDoseDto = Static<typeof SessionDoseDto>;

/** The pre-dose readiness check (check-readiness.ts, REFERENCE D1) as it stood at clearance. */
export const ReadinessDto = Type.Object(
  {
    level: Type.Enum([...READINESS_LEVELS]),
    reasons: Type.Array(
      Type.Object(
        {
          check: Type.Enum([...READINESS_CHECKS]),
          level: Type.Union([Type.Literal('caution'), Type.Literal('not-cleared')]),
          message: Type.String(),
        },
        closed,
      ),
    ),
  },
  closed,
);
export type ReadinessDto = Static<typeof ReadinessDto>;

/** Whether the discharge criteria are met, each unmet one in words, and the advice to give. */
export const DischargeDto = Type.Object(
  { ready: Type.Boolean(), unmet: Type.Array(Type.String()), advice: Type.String() },
  closed,
);
export type DischargeDto = Static<typeof DischargeDto>;

const SessionStateSchema = Type.Enum([...SESSION_STATES]);
const stateChange = { from: SessionStateSchema, to: SessionStateSchema };

const event = <Kind extends TSchema, Detail extends TSchema>(kind: Kind, detail: Detail) =>
  Type.Object({ at: Timestamp, by: Nullable(Type.String()), kind, detail }, closed);

/** One entry of a session's timeline; the detail's shape follows the kind. */
export const SessionEventDto = Type.Union([
  event(
    Type.Enum(['check-in', 'start', 'pause', 'resume', 'end-infusion', 'abort']),
    Type.Object(stateChange, closed),
  ),
  event(Type.Literal('clear'), Type.Object({ ...stateChange, readiness: ReadinessDto }, closed)),
  event(
    Type.Literal('discharge'),
    Type.Object(
      {
        ...stateChange,
        discharge: DischargeDto,
        /** When the patient would have been ready without the 2-hour rule (monitoring form). */
        minutesUntilReady: Type.Optional(Type.Integer()),
      },
      closed,
    ),
  ),
  event(Type.Literal('dose'), SessionDoseDto),
  event(Type.Literal('alert-acknowledged'), Type.Object({ alertId: Type.String() }, closed)),
  event(
    Type.Literal('adverse-event'),
    Type.Object({ type: Type.String(), severity: Type.String() }, closed),
  ),
]);
export type SessionEventDto = Static<typeof SessionEventDto>;
