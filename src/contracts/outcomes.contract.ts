import { Type, type Static } from 'typebox';
import { Nullable, Timestamp } from './common.contract.js';

const Point = Type.Object({
  at: Timestamp,
  total: Type.Number(),
  imported: Type.Boolean({ description: 'a total imported from another system (not rescored)' }),
});
const Reached = Nullable(
  Type.Object({ at: Timestamp, days: Type.Number(), doses: Type.Integer() }),
);

export const InstrumentProgress = Type.Object({
  instrument: Type.String(),
  baseline: Nullable(Point),
  latest: Nullable(Point),
  endpoint: Nullable(Point),
  percentChange: Nullable(Type.Number()),
  status: Nullable(Type.String()),
  remission: Nullable(Type.Boolean()),
  timeToResponse: Reached,
  timeToRemission: Reached,
  relapse: Nullable(Point),
});
export type InstrumentProgress = Static<typeof InstrumentProgress>;

export const ProgressDto = Type.Object({
  patientId: Type.String(),
  course: Nullable(
    Type.Object({
      id: Type.String(),
      protocol: Type.String(),
      firstDoseAt: Nullable(Timestamp),
      lastDoseAt: Nullable(Timestamp),
      dosesGiven: Type.Integer(),
      completer: Type.Boolean(),
    }),
  ),
  instruments: Type.Array(InstrumentProgress),
  mocaChange: Nullable(Type.Number()),
  suicidalIdeation: Type.Array(
    Type.Object({ at: Timestamp, instrument: Type.String(), value: Type.Integer() }),
  ),
  safety: Type.Object({
    adverseEvents: Type.Array(Type.Object({ type: Type.String(), count: Type.Integer() })),
    bpRiseBySession: Type.Array(
      Type.Object({
        session: Type.Integer(),
        systolicRiseMmHg: Nullable(Type.Integer()),
        diastolicRiseMmHg: Nullable(Type.Integer()),
      }),
    ),
  }),
  rules: Type.Object({
    baselineWindowDays: Type.Integer(),
    responseFallPercent: Type.Integer(),
    partialFallPercent: Type.Integer(),
    endpoint: Type.String(),
    settingsVersion: Type.Integer(),
  }),
});
export type ProgressDto = Static<typeof ProgressDto>;
