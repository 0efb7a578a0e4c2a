import { Type, type Static } from 'typebox';
import { Nullable, Timestamp } from './common.contract.js';
import {
  MeanCiSchema,
  PairedComparisonSchema,
  ProportionSchema,
  WilsonCiSchema,
} from './statistics.contract.js';

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

/** The cohort outcome table, de-identified: courses named by pseudonyms valid in one report (C1, C2, …). */
export const CohortReportDto = Type.Object({
  filter: Type.Object({
    instrument: Type.String(),
    protocolId: Type.Optional(Type.String()),
    siteId: Type.Optional(Type.String()),
    from: Type.Optional(Type.String()),
    to: Type.Optional(Type.String()),
    diagnosis: Type.Optional(Type.String()),
    completersOnly: Type.Boolean(),
  }),
  rules: Type.Object({
    baselineWindowDays: Type.Integer(),
    responseFallPercent: Type.Number(),
    partialFallPercent: Type.Number(),
    remissionMax: Nullable(Type.Number()),
    endpoint: Type.String(),
    settingsVersion: Type.Integer(),
    siResolutionDays: Type.Integer(),
    siItemMin: Type.Integer(),
  }),
  treated: Type.Integer(),
  analysed: Type.Integer(),
  baseline: MeanCiSchema,
  endpoint: MeanCiSchema,
  percentChange: MeanCiSchema,
  response: ProportionSchema,
  remission: ProportionSchema,
  moca: PairedComparisonSchema,
  suicidalIdeation: Type.Object({
    atBaseline: Type.Integer(),
    resolved: Type.Integer(),
    ci: WilsonCiSchema,
  }),
  trajectories: Type.Object({
    courses: Type.Array(
      Type.Object({
        course: Type.String({ description: 'the course, by a pseudonym valid in this report' }),
        points: Type.Array(
          Type.Object({ doses: Type.Integer(), day: Type.Number(), total: Type.Number() }),
        ),
      }),
    ),
    meanByDoses: Type.Array(
      Type.Object({ doses: Type.Integer(), n: Type.Integer(), mean: Type.Number() }),
    ),
  }),
  adverseEventsPer100Sessions: Type.Array(
    Type.Object({ type: Type.String(), rate: Type.Number(), count: Type.Integer() }),
  ),
  sessions: Type.Integer(),
  bpRiseByInfusion: Type.Array(
    Type.Object({ infusion: Type.Integer(), systolic: MeanCiSchema, n: Type.Integer() }),
  ),
  timeToResponse: Type.Array(
    Type.Object({
      time: Type.Number(),
      atRisk: Type.Integer(),
      events: Type.Integer(),
      survival: Type.Number(),
    }),
  ),
  freshness: Type.Object(
    {
      current: Type.Boolean({
        description: 'every course was computed under the outcome rules in force',
      }),
      coursesPending: Type.Integer({
        minimum: 0,
        description:
          'courses whose outcomes are being recomputed in the background after a rule change',
      }),
    },
    { description: 'How fresh the stored per-course outcomes behind this report are' },
  ),
});
export type CohortReportDto = Static<typeof CohortReportDto>;
