import { Type, type Static } from 'typebox';
import { Email, RoleSchema } from './auth.contract.js';
import { Nullable } from './common.contract.js';
import { InstrumentIdSchema } from './instruments.contract.js';
import { MeanCiSchema, PairedComparisonSchema, ProportionSchema } from './statistics.contract.js';

/**
 * The media types a table upload may be sent as (the file name's extension says CSV or
 * TSV). Deliberately not `text/plain` (nor anything else an HTML form can send): a page
 * elsewhere could otherwise post an import with a signed-in user's cookie (CSRF,
 * ADR 0002); these two make a browser ask first, and the server allows no other origin.
 */
export const IMPORT_MEDIA_TYPES = ['text/csv', 'text/tab-separated-values'] as const;

/**
 * A table import: the file is the raw request body (streamed to disk, size limited
 * by KETATRACK_IMPORT_MAX_BYTES), everything else is in the query string.
 */
export const ImportQuery = Type.Object(
  {
    fileName: Type.String({
      minLength: 5,
      maxLength: 200,
      pattern: '\\.(csv|tsv|tab|txt|CSV|TSV)$',
      description: 'the uploaded file name; .csv is comma-separated, .tsv tab-separated',
    }),
    mapping: Type.String({
      minLength: 2,
      maxLength: 8000,
      description:
        'the column mapping as JSON text; every field is checked, see docs/import-mapping.md',
    }),
    dryRun: Type.Boolean({ description: 'true: report what would be created and write nothing' }),
    onConflict: Type.Optional(Type.Union([Type.Literal('error'), Type.Literal('update')])),
  },
  { additionalProperties: false },
);
export type ImportQuery = Static<typeof ImportQuery>;

const RowProblem = Type.Object({
  row: Type.Integer(),
  column: Nullable(Type.String()),
  message: Type.String(),
});

export const ImportSummaryDto = Type.Object({
  study: Type.String(),
  fileName: Type.String(),
  dryRun: Type.Boolean(),
  valid: Type.Boolean(),
  rowsRead: Type.Integer(),
  subjects: Type.Object({
    created: Type.Integer(),
    existing: Type.Integer(),
    linkedToPatients: Type.Integer(),
  }),
  scores: Type.Object({
    created: Type.Integer(),
    unchanged: Type.Integer(),
    updated: Type.Integer(),
  }),
  missingCells: Type.Integer(),
  batchId: Nullable(Type.String()),
  problems: Type.Array(RowProblem),
  problemCount: Type.Integer(),
  preview: Type.Array(
    Type.Object({
      row: Type.Integer(),
      column: Type.String(),
      subject: Type.String(),
      instrument: Type.String(),
      total: Type.Integer(),
      administeredAt: Nullable(Type.String()),
      timePoint: Nullable(Type.String()),
      day: Nullable(Type.Integer()),
      arm: Nullable(Type.String()),
    }),
  ),
});
export type ImportSummaryDto = Static<typeof ImportSummaryDto>;

export const StudyList = Type.Array(
  Type.Object({
    name: Type.String(),
    owner: Nullable(
      Type.String({
        description:
          "the owner's name; null for a study made before studies had owners, or on the command line",
      }),
    ),
    baselineTimePoint: Nullable(Type.String()),
    subjects: Type.Integer(),
    scores: Type.Integer(),
    instruments: Type.Array(Type.String()),
    attributes: Type.Record(Type.String(), Type.Array(Type.String())),
  }),
);
export type StudyList = Static<typeof StudyList>;

export const StudyQuery = Type.Object({
  study: Type.String({ minLength: 1, maxLength: 60 }),
  instrument: Type.Optional(InstrumentIdSchema),
  attribute: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$',
      description: 'subject attribute to filter on',
    }),
  ),
  values: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 400,
      description: 'comma-separated values the attribute may have',
    }),
  ),
});
export type StudyQuery = Static<typeof StudyQuery>;

export const StudyReportDto = Type.Object({
  filter: Type.Object({
    study: Type.String(),
    instrument: Type.String(),
    attribute: Type.Optional(
      Type.Object({ name: Type.String(), values: Type.Array(Type.String()) }),
    ),
  }),
  rules: Type.Object({
    baselineWindowDays: Type.Integer(),
    responseFallPercent: Type.Number(),
    partialFallPercent: Type.Number(),
    remissionMax: Nullable(Type.Number()),
    baselineTimePoint: Nullable(Type.String()),
    settingsVersion: Type.Integer(),
    method: Type.String(),
  }),
  subjects: Type.Integer(),
  timePoints: Type.Array(
    Type.Object({
      arm: Nullable(Type.String()),
      timePoint: Type.String(),
      day: Nullable(Type.Integer()),
      n: Type.Integer(),
      mean: Nullable(Type.Number()),
      summary: MeanCiSchema,
    }),
  ),
  changeFromBaseline: Type.Array(
    Type.Object({
      arm: Nullable(Type.String()),
      timePoint: Type.String(),
      n: Type.Integer(),
      change: MeanCiSchema,
      percentChange: MeanCiSchema,
      response: ProportionSchema,
      remission: Nullable(ProportionSchema),
    }),
  ),
  armComparisons: Type.Array(
    Type.Object({
      timePoint: Type.String(),
      arm: Type.String(),
      versus: Type.String(),
      comparison: PairedComparisonSchema,
    }),
  ),
  rowsTotal: Type.Integer({ description: 'rows in the whole analysis dataset' }),
  rows: Type.Array(
    Type.Object({
      subject: Type.String({ description: 'a pseudonym made for this report (S1, S2, …)' }),
      arm: Nullable(Type.String()),
      timePoint: Type.String(),
      day: Nullable(Type.Integer()),
      total: Type.Integer(),
      baseline: Nullable(Type.Integer()),
    }),
    {
      description:
        'the first 200 rows of the analysis dataset; `ketatrack report study --format csv` writes them all',
    },
  ),
});
export type StudyReportDto = Static<typeof StudyReportDto>;

/** A study name as it appears in a path (the mapping's rule for study names). */
export const StudyParams = Type.Object({
  study: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$' }),
});
export type StudyParams = Static<typeof StudyParams>;

export const StudyMemberParams = Type.Object({
  study: StudyParams.properties.study,
  userId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\x00-\\x1f\\x7f]+$' }),
});
export type StudyMemberParams = Static<typeof StudyMemberParams>;

export const AddStudyMemberBody = Type.Object(
  { email: Email },
  { additionalProperties: false, description: 'the email address of the user to let in' },
);
export type AddStudyMemberBody = Static<typeof AddStudyMemberBody>;

/** Who may see a study besides roles that read every study without an owner (ADR 0026). */
export const StudyAccessDto = Type.Object({
  study: Type.String(),
  owner: Nullable(Type.Object({ displayName: Type.String(), email: Type.String() })),
  members: Type.Array(
    Type.Object({
      userId: Type.String(),
      displayName: Type.String(),
      email: Type.String(),
      role: RoleSchema,
      addedAt: Type.String({ description: 'UTC instant, ISO-8601' }),
    }),
  ),
});
export type StudyAccessDto = Static<typeof StudyAccessDto>;
export const StudyAccessList = Type.Array(StudyAccessDto);
export type StudyAccessList = Static<typeof StudyAccessList>;
