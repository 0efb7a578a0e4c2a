import { Type, type Static } from 'typebox';
import { DRUG_CLASSES } from '../domain/eligibility/antidepressants.js';
import { EPISODE_SEVERITIES } from '../domain/eligibility/staging.js';
import { ADHERENCE, RESPONSE_CATEGORIES } from '../domain/eligibility/trd-rules.js';
import { CalendarDate, Nullable, Timestamp } from './common.contract.js';

export const DrugDto = Type.Object({
  id: Type.String(),
  name: Type.String(),
  drugClass: Type.Enum([...DRUG_CLASSES]),
  minDoseMg: Type.Number(),
  source: Type.String(),
});
export type DrugDto = Static<typeof DrugDto>;
export const DrugList = Type.Object({ drugs: Type.Array(DrugDto) });

export const EpisodeDto = Type.Object({
  id: Type.String(),
  startedOn: Type.String(),
  endedOn: Nullable(Type.String()),
  severity: Nullable(Type.Enum([...EPISODE_SEVERITIES])),
  notes: Nullable(Type.String()),
  current: Type.Boolean(),
  recordedAt: Timestamp,
});
export type EpisodeDto = Static<typeof EpisodeDto>;
export const EpisodeList = Type.Object({ episodes: Type.Array(EpisodeDto) });
export const EpisodeBody = Type.Object(
  {
    startedOn: CalendarDate('episode start'),
    severity: Type.Optional(Type.Enum([...EPISODE_SEVERITIES])),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type EpisodeBody = Static<typeof EpisodeBody>;
export const EpisodeUpdateBody = Type.Object(
  {
    endedOn: Type.Optional(Nullable(CalendarDate('episode end'))),
    severity: Type.Optional(Type.Enum([...EPISODE_SEVERITIES])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type EpisodeUpdateBody = Static<typeof EpisodeUpdateBody>;

export const TrialDto = Type.Object({
  id: Type.String(),
  episodeId: Type.String(),
  drugId: Type.String(),
  drugName: Type.String(),
  dosePerDayMg: Type.Number(),
  startedOn: Nullable(Type.String()),
  endedOn: Nullable(Type.String()),
  weeks: Type.Number(),
  adherence: Type.Enum([...ADHERENCE]),
  improvementPercent: Nullable(Type.Integer()),
  responseCategory: Nullable(Type.Enum([...RESPONSE_CATEGORIES])),
  augmentation: Type.Boolean(),
  augmentationAgent: Nullable(Type.String()),
  enteredInError: Type.Boolean(),
  recordedAt: Timestamp,
});
export type TrialDto = Static<typeof TrialDto>;
export const TrialList = Type.Object({ trials: Type.Array(TrialDto) });
export const TrialBody = Type.Object(
  {
    drugId: Type.String({ maxLength: 40 }),
    dosePerDayMg: Type.Number({ exclusiveMinimum: 0, maximum: 3000 }),
    startedOn: Type.Optional(CalendarDate('first day at this dose')),
    endedOn: Type.Optional(CalendarDate('last day')),
    weeks: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 520, description: 'when dates are not known' }),
    ),
    adherence: Type.Enum([...ADHERENCE]),
    improvementPercent: Type.Optional(Type.Integer({ minimum: -100, maximum: 100 })),
    responseCategory: Type.Optional(Type.Enum([...RESPONSE_CATEGORIES])),
    augmentation: Type.Optional(Type.Boolean()),
    augmentationAgent: Type.Optional(Type.String({ maxLength: 100 })),
    episodeId: Type.Optional(
      Type.String({ maxLength: 64, description: 'default: the current episode' }),
    ),
  },
  { additionalProperties: false },
);
export type TrialBody = Static<typeof TrialBody>;

export const EctDto = Type.Object({
  id: Type.String(),
  episodeId: Type.String(),
  startedOn: Type.String(),
  sessions: Type.Integer(),
  electrodePlacement: Type.String(),
  outcome: Type.String(),
  recordedAt: Timestamp,
});
export type EctDto = Static<typeof EctDto>;
export const EctList = Type.Object({ courses: Type.Array(EctDto) });
export const EctBody = Type.Object(
  {
    startedOn: CalendarDate('first session'),
    sessions: Type.Integer({ minimum: 1, maximum: 100 }),
    electrodePlacement: Type.Enum(['bilateral', 'right-unilateral', 'bifrontal']),
    outcome: Type.Enum(['failed', 'response', 'remission', 'unknown']),
    episodeId: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type EctBody = Static<typeof EctBody>;

const TrialVerdictDto = Type.Object({
  trialId: Type.String(),
  drugName: Type.String(),
  drugClass: Nullable(Type.String()),
  adequate: Type.Boolean(),
  failed: Type.Boolean(),
  countsTowardTrd: Type.Boolean(),
  reason: Type.String(),
});
export const TrdEvaluationDto = Type.Object({
  id: Type.String(),
  episodeId: Type.String(),
  evaluatedAt: Timestamp,
  evaluatedBy: Type.String(),
  settingsVersion: Type.Integer(),
  trd: Type.Boolean(),
  failedAdequateTrials: Type.Integer(),
  needed: Type.Integer(),
  summary: Type.String(),
  trials: Type.Array(TrialVerdictDto),
  thaseRush: Type.Object({ stage: Type.Integer(), reason: Type.String() }),
  maudsley: Type.Object({
    total: Nullable(Type.Integer()),
    band: Nullable(Type.String()),
    parts: Type.Object({
      duration: Type.Integer(),
      severity: Nullable(Type.Integer()),
      antidepressants: Type.Integer(),
      augmentation: Type.Integer(),
      ect: Type.Integer(),
    }),
    missing: Type.Array(Type.String()),
  }),
  /** True when trials or settings changed after this verdict was made. */
  outdated: Type.Boolean(),
});
export type TrdEvaluationDto = Static<typeof TrdEvaluationDto>;
export const TrdEvaluationList = Type.Object({ evaluations: Type.Array(TrdEvaluationDto) });

export const ContraindicationDto = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('absolute'), Type.Literal('relative')]),
  label: Type.String(),
  source: Type.String(),
});
export const ContraindicationList = Type.Object({ items: Type.Array(ContraindicationDto) });

export const ScreenBody = Type.Object(
  {
    present: Type.Array(Type.String({ maxLength: 60 }), { maxItems: 30, uniqueItems: true }),
    notes: Type.Optional(Type.String({ maxLength: 4000 })),
    systolicMmHg: Type.Integer({ minimum: 50, maximum: 300 }),
    diastolicMmHg: Type.Integer({ minimum: 20, maximum: 200 }),
    heartRateBpm: Type.Integer({ minimum: 20, maximum: 250 }),
    spo2Percent: Type.Optional(Type.Integer({ minimum: 50, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type ScreenBody = Static<typeof ScreenBody>;

export const ScreenDto = Type.Object({
  id: Type.String(),
  screenedAt: Timestamp,
  screenedBy: Type.String(),
  present: Type.Array(Type.String()),
  notes: Nullable(Type.String()),
  vitals: Type.Object({
    systolicMmHg: Type.Integer(),
    diastolicMmHg: Type.Integer(),
    heartRateBpm: Type.Integer(),
    spo2Percent: Nullable(Type.Integer()),
  }),
  overrides: Type.Array(
    Type.Object({
      itemId: Type.String(),
      reason: Type.String(),
      overriddenBy: Type.String(),
      overriddenAt: Timestamp,
    }),
  ),
  status: Type.Union([
    Type.Literal('clear'),
    Type.Literal('caution'),
    Type.Literal('contraindicated'),
  ]),
  overridden: Type.Boolean(),
  absolute: Type.Array(Type.String()),
  relativeOpen: Type.Array(Type.String()),
  relativeOverridden: Type.Array(Type.String()),
  notesFromRules: Type.Array(Type.String()),
  expiresAt: Timestamp,
  expired: Type.Boolean(),
  settingsVersion: Type.Integer(),
});
export type ScreenDto = Static<typeof ScreenDto>;
export const ScreenList = Type.Object({ screens: Type.Array(ScreenDto) });
export const OverrideBody = Type.Object(
  {
    itemId: Type.String({ maxLength: 60 }),
    reason: Type.String({ minLength: 5, maxLength: 2000 }),
  },
  { additionalProperties: false },
);
export type OverrideBody = Static<typeof OverrideBody>;
