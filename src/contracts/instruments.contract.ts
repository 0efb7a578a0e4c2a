import { Type, type Static } from 'typebox';
import { INSTRUMENT_IDS } from '../domain/scales/instrument.js';
import { Timestamp } from './common.contract.js';

export const InstrumentIdSchema = Type.Enum([...INSTRUMENT_IDS]);

const Option = Type.Object({ value: Type.Integer(), label: Type.String() });
export const InstrumentDto = Type.Object({
  id: InstrumentIdSchema,
  title: Type.String(),
  version: Type.String(),
  items: Type.Array(
    Type.Object({ id: Type.String(), label: Type.String(), options: Type.Array(Option) }),
  ),
  totalRange: Type.Union([Type.Object({ min: Type.Integer(), max: Type.Integer() }), Type.Null()]),
  severityBands: Type.Array(
    Type.Object({
      id: Type.String(),
      label: Type.String(),
      min: Type.Integer(),
      max: Type.Integer(),
    }),
  ),
  bandsSource: Type.String(),
  remissionMax: Type.Union([Type.Integer(), Type.Null()]),
  higherIsWorse: Type.Boolean(),
  loinc: Type.Object({
    panel: Type.Optional(Type.String()),
    total: Type.Optional(Type.String()),
    items: Type.Optional(Type.Array(Type.String())),
  }),
  licence: Type.String(),
  selfReport: Type.Boolean(),
  options: Type.Array(Type.String()),
});
export type InstrumentDto = Static<typeof InstrumentDto>;
export const InstrumentList = Type.Object({ instruments: Type.Array(InstrumentDto) });
export type InstrumentList = Static<typeof InstrumentList>;

/** Raw item answers: item id → score, or null for "not answered". */
export const AnswersSchema = Type.Record(
  Type.String({ maxLength: 40 }),
  Type.Union([Type.Integer(), Type.Null()]),
  {
    maxProperties: 60,
  },
);
export const ScoreOptionsSchema = Type.Object(
  {
    educationYears: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 })),
    formVersion: Type.Optional(Type.String({ maxLength: 10 })),
  },
  { additionalProperties: false },
);

export const ScoreBody = Type.Object(
  { answers: AnswersSchema, options: Type.Optional(ScoreOptionsSchema) },
  { additionalProperties: false },
);
export type ScoreBody = Static<typeof ScoreBody>;

const FlagDto = Type.Object({
  id: Type.String(),
  item: Type.String(),
  value: Type.Integer(),
  rule: Type.String(),
});
export const ScoreResultDto = Type.Object({
  instrument: InstrumentIdSchema,
  version: Type.String(),
  total: Type.Union([Type.Integer(), Type.Null()]),
  severity: Type.Union([Type.String(), Type.Null()]),
  subscales: Type.Record(Type.String(), Type.Number()),
  flags: Type.Array(FlagDto),
  riskLevel: Type.Union([Type.String(), Type.Null()]),
});
export type ScoreResultDto = Static<typeof ScoreResultDto>;

export const RecordAssessmentBody = Type.Object(
  {
    instrument: InstrumentIdSchema,
    answers: AnswersSchema,
    options: Type.Optional(ScoreOptionsSchema),
    administeredAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'when it was given; default now' }),
    ),
    total: Type.Optional(
      Type.Union([Type.Number(), Type.Null()], {
        description: 'ignored: the server always rescores from the answers',
      }),
    ),
    severity: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description: 'ignored: the server always rescores from the answers',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RecordAssessmentBody = Static<typeof RecordAssessmentBody>;

export const AssessmentDto = Type.Object({
  id: Type.String(),
  instrument: InstrumentIdSchema,
  scorerVersion: Type.String(),
  administeredAt: Timestamp,
  respondent: Type.String(),
  enteredBy: Type.Union([Type.String(), Type.Null()]),
  source: Type.String(),
  answers: Type.Record(Type.String(), Type.Union([Type.Integer(), Type.Null()])),
  /** The scorer options given with the answers (MoCA: education years, form version). */
  options: ScoreOptionsSchema,
  total: Type.Union([Type.Integer(), Type.Null()]),
  severity: Type.Union([Type.String(), Type.Null()]),
  subscales: Type.Record(Type.String(), Type.Number()),
  flags: Type.Array(FlagDto),
  riskLevel: Type.Union([Type.String(), Type.Null()]),
  settingsVersion: Type.Integer(),
  recordedAt: Timestamp,
});
export type AssessmentDto = Static<typeof AssessmentDto>;
export const AssessmentList = Type.Object({ assessments: Type.Array(AssessmentDto) });
export type AssessmentList = Static<typeof AssessmentList>;
export const AssessmentQuery = Type.Object({ instrument: Type.Optional(InstrumentIdSchema) });

export const AlertDto = Type.Object({
  id: Type.String(),
  patientId: Type.String(),
  patient: Type.Optional(
    Type.Object({ mrn: Type.String(), familyName: Type.String(), givenName: Type.String() }),
  ),
  kind: Type.String(),
  assessmentId: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Object({
    instrument: Type.String(),
    item: Type.String(),
    value: Type.Integer(),
    rule: Type.String(),
  }),
  raisedAt: Timestamp,
  acknowledgedAt: Type.Union([Timestamp, Type.Null()]),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  acknowledgementNote: Type.Union([Type.String(), Type.Null()]),
});
export type AlertDto = Static<typeof AlertDto>;
export const AlertList = Type.Object({ alerts: Type.Array(AlertDto) });
export type AlertList = Static<typeof AlertList>;
export const AcknowledgeBody = Type.Object(
  { note: Type.String({ minLength: 3, maxLength: 2000, description: 'what was done about it' }) },
  { additionalProperties: false },
);
export type AcknowledgeBody = Static<typeof AcknowledgeBody>;

export const CreateLinkBody = Type.Object(
  { instruments: Type.Array(InstrumentIdSchema, { minItems: 1, maxItems: 5, uniqueItems: true }) },
  { additionalProperties: false },
);
export type CreateLinkBody = Static<typeof CreateLinkBody>;
export const LinkDto = Type.Object({
  id: Type.String(),
  instruments: Type.Array(InstrumentIdSchema),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  usedAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
  status: Type.Union([
    Type.Literal('open'),
    Type.Literal('used'),
    Type.Literal('expired'),
    Type.Literal('revoked'),
  ]),
});
export type LinkDto = Static<typeof LinkDto>;
export const CreatedLinkDto = Type.Object({
  link: LinkDto,
  url: Type.String({ description: 'the only time the link is shown' }),
  qrSvg: Type.String(),
});
export type CreatedLinkDto = Static<typeof CreatedLinkDto>;
export const LinkList = Type.Object({ links: Type.Array(LinkDto) });

export const TokenParam = Type.Object({ token: Type.String({ minLength: 10, maxLength: 100 }) });
export const SelfReportFormDto = Type.Object({
  instruments: Type.Array(InstrumentDto),
  expiresAt: Timestamp,
});
export type SelfReportFormDto = Static<typeof SelfReportFormDto>;
export const SelfReportSubmitBody = Type.Object(
  {
    responses: Type.Array(
      Type.Object(
        { instrument: InstrumentIdSchema, answers: AnswersSchema },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 5 },
    ),
  },
  { additionalProperties: false },
);
export type SelfReportSubmitBody = Static<typeof SelfReportSubmitBody>;
export const SelfReportDone = Type.Object({ ok: Type.Literal(true), received: Type.Integer() });

export const SettingDto = Type.Object({
  key: Type.String(),
  group: Type.String(),
  label: Type.String(),
  unit: Type.String(),
  value: Type.Number(),
  defaultValue: Type.Number(),
  min: Type.Number(),
  max: Type.Number(),
  integer: Type.Boolean(),
  source: Type.String(),
  needsLocalSignOff: Type.Boolean(),
  changedAt: Type.Union([Timestamp, Type.Null()]),
  changedBy: Type.Union([Type.String(), Type.Null()]),
});
export type SettingDto = Static<typeof SettingDto>;
export const SettingList = Type.Object({
  version: Type.Integer(),
  settings: Type.Array(SettingDto),
});
export type SettingList = Static<typeof SettingList>;
export const SettingKeyParam = Type.Object({ key: Type.String({ maxLength: 80 }) });
export const ChangeSettingBody = Type.Object(
  { value: Type.Number(), reason: Type.String({ minLength: 3, maxLength: 1000 }) },
  { additionalProperties: false },
);
export type ChangeSettingBody = Static<typeof ChangeSettingBody>;
