import { Type, type Static } from 'typebox';
import { SIGNER_RELATIONS } from '../domain/patients/consent-rules.js';
import { CODE_SYSTEMS, DIAGNOSIS_STATUSES } from '../domain/patients/diagnosis-rules.js';
import { SEXES } from '../domain/patients/patient-rules.js';
import { CalendarDate, PageLimit, PageOffset, Timestamp } from './common.contract.js';

const Name = (what: string) => Type.String({ minLength: 1, maxLength: 100, description: what });
const Mrn = Type.String({
  minLength: 1,
  maxLength: 40,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$',
  description: 'Medical record number: letters, digits and . _ / -',
});
const Sex = Type.Enum([...SEXES]);
const OptionalText = (max: number) =>
  Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));

export const PatientSummary = Type.Object({
  id: Type.String(),
  mrn: Type.String(),
  familyName: Type.String(),
  givenName: Type.String(),
  dateOfBirth: Type.String(),
  sex: Sex,
  archived: Type.Boolean(),
});
export type PatientSummary = Static<typeof PatientSummary>;

const SiteRef = Type.Object({ id: Type.String(), name: Type.String() });
const SiteChoice = (what: string) =>
  Type.Optional(
    Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], { description: what }),
  );

export const PatientDto = Type.Object({
  id: Type.String(),
  mrn: Type.String(),
  familyName: Type.String(),
  givenName: Type.String(),
  dateOfBirth: Type.String(),
  ageYears: Type.Integer(),
  sex: Sex,
  phone: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  notes: Type.Union([Type.String(), Type.Null()]),
  archived: Type.Boolean(),
  archivedAt: Type.Union([Timestamp, Type.Null()]),
  archivedReason: Type.Union([Type.String(), Type.Null()]),
  site: Type.Union([SiteRef, Type.Null()], { description: 'home site; null when none recorded' }),
  latestWeightKg: Type.Union([Type.Number(), Type.Null()]),
  latestHeightCm: Type.Union([Type.Number(), Type.Null()]),
  bmi: Type.Union([Type.Number(), Type.Null()]),
  version: Type.Integer({ description: 'send back on update; a stale version gets 409' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type PatientDto = Static<typeof PatientDto>;

export const PatientListQuery = Type.Object({
  q: Type.Optional(
    Type.String({
      maxLength: 100,
      description: 'name words, MRN prefix, or date of birth YYYY-MM-DD',
    }),
  ),
  includeArchived: Type.Optional(Type.Boolean()),
  limit: Type.Optional(PageLimit(200)),
  offset: Type.Optional(PageOffset),
});
export type PatientListQuery = Static<typeof PatientListQuery>;

export const PatientList = Type.Object({
  patients: Type.Array(PatientSummary),
  total: Type.Integer(),
});
export type PatientList = Static<typeof PatientList>;

export const CreatePatientBody = Type.Object(
  {
    mrn: Mrn,
    familyName: Name('family name'),
    givenName: Name('given name(s)'),
    dateOfBirth: CalendarDate('date of birth'),
    sex: Sex,
    phone: OptionalText(40),
    email: OptionalText(254),
    notes: OptionalText(4000),
    weightKg: Type.Optional(Type.Number({ description: 'kg, 20–350, one decimal' })),
    heightCm: Type.Optional(Type.Number({ description: 'cm, 50–250, one decimal' })),
    siteId: SiteChoice(
      'home site; a user limited to sites must give one of theirs (or has it chosen when they have only one)',
    ),
  },
  { additionalProperties: false },
);
export type CreatePatientBody = Static<typeof CreatePatientBody>;

export const UpdatePatientBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    mrn: Type.Optional(Mrn),
    familyName: Type.Optional(Name('family name')),
    givenName: Type.Optional(Name('given name(s)')),
    dateOfBirth: Type.Optional(CalendarDate('date of birth')),
    sex: Type.Optional(Sex),
    phone: OptionalText(40),
    email: OptionalText(254),
    notes: OptionalText(4000),
    siteId: SiteChoice(
      'move the patient to this home site (a user limited to sites: one of theirs)',
    ),
  },
  { additionalProperties: false },
);
export type UpdatePatientBody = Static<typeof UpdatePatientBody>;

export const ArchiveBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export type ArchiveBody = Static<typeof ArchiveBody>;

export const MeasurementDto = Type.Object({
  id: Type.String(),
  measuredOn: Type.String(),
  weightKg: Type.Union([Type.Number(), Type.Null()]),
  heightCm: Type.Union([Type.Number(), Type.Null()]),
  recordedBy: Type.String(),
  recordedAt: Timestamp,
});
export type MeasurementDto = Static<typeof MeasurementDto>;

export const MeasurementBody = Type.Object(
  {
    measuredOn: CalendarDate('day of measurement'),
    weightKg: Type.Optional(Type.Number()),
    heightCm: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
export type MeasurementBody = Static<typeof MeasurementBody>;

export const MeasurementList = Type.Object({ measurements: Type.Array(MeasurementDto) });

export const DiagnosisDto = Type.Object({
  id: Type.String(),
  codeSystem: Type.Enum([...CODE_SYSTEMS]),
  code: Type.String(),
  label: Type.String(),
  onsetOn: Type.Union([Type.String(), Type.Null()]),
  status: Type.Enum([...DIAGNOSIS_STATUSES]),
  isPrimary: Type.Boolean(),
  recordedBy: Type.String(),
  recordedAt: Timestamp,
});
export type DiagnosisDto = Static<typeof DiagnosisDto>;

export const DiagnosisBody = Type.Object(
  {
    codeSystem: Type.Enum([...CODE_SYSTEMS]),
    code: Type.String({ minLength: 1, maxLength: 20 }),
    label: Type.String({ minLength: 1, maxLength: 200 }),
    onsetOn: Type.Optional(CalendarDate('onset')),
    status: Type.Optional(Type.Enum([...DIAGNOSIS_STATUSES])),
    isPrimary: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type DiagnosisBody = Static<typeof DiagnosisBody>;

export const DiagnosisStatusBody = Type.Object(
  { status: Type.Enum([...DIAGNOSIS_STATUSES]) },
  { additionalProperties: false },
);
export type DiagnosisStatusBody = Static<typeof DiagnosisStatusBody>;

export const DiagnosisList = Type.Object({ diagnoses: Type.Array(DiagnosisDto) });

export const ConsentDto = Type.Object({
  id: Type.String(),
  documentTitle: Type.String(),
  documentVersion: Type.String(),
  signedOn: Type.String(),
  signerName: Type.String(),
  signerRelation: Type.Enum([...SIGNER_RELATIONS]),
  expiresOn: Type.Union([Type.String(), Type.Null()]),
  withdrawnOn: Type.Union([Type.String(), Type.Null()]),
  inForce: Type.Boolean(),
  recordedBy: Type.String(),
  recordedAt: Timestamp,
});
export type ConsentDto = Static<typeof ConsentDto>;

export const ConsentBody = Type.Object(
  {
    documentTitle: Type.String({ minLength: 1, maxLength: 200 }),
    documentVersion: Type.String({ minLength: 1, maxLength: 40 }),
    signedOn: CalendarDate('day signed'),
    signerName: Type.String({ minLength: 1, maxLength: 200 }),
    signerRelation: Type.Enum([...SIGNER_RELATIONS]),
    expiresOn: Type.Optional(CalendarDate('day it lapses')),
  },
  { additionalProperties: false },
);
export type ConsentBody = Static<typeof ConsentBody>;

export const WithdrawConsentBody = Type.Object(
  { withdrawnOn: CalendarDate('day withdrawn') },
  { additionalProperties: false },
);
export type WithdrawConsentBody = Static<typeof WithdrawConsentBody>;

export const ConsentList = Type.Object({ consents: Type.Array(ConsentDto) });

export const SubIdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  itemId: Type.String({ minLength: 1, maxLength: 64 }),
});
export type SubIdParams = Static<typeof SubIdParams>;
