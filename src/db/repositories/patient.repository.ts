import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { SiteScope } from '../../domain/auth/site-scope.js';
import { prepareQuery } from '../prepared-query.js';
import type { DB } from '../schema.js';
import { patientRowInScope } from './site-scope.repository.js';
import type {
  BodyMeasurementTable,
  ConsentTable,
  DiagnosisTable,
  PatientTable,
} from '../tables/patient.table.js';

export type PatientRow = Selectable<PatientTable>;
export type MeasurementRow = Selectable<BodyMeasurementTable>;
export type DiagnosisRow = Selectable<DiagnosisTable>;
export type ConsentRow = Selectable<ConsentTable>;

const patientById = prepareQuery((db, p) =>
  db.selectFrom('patients').selectAll().where('id', '=', p(0)),
);

/** A patient by id, if within the scope (services reach it through requirePatientInScope). */
export async function findPatient(
  db: Kysely<DB>,
  scope: SiteScope,
  id: string,
): Promise<PatientRow | undefined> {
  const inScope = patientRowInScope(scope);
  if (inScope === null) return (await patientById.execute(db, [id])).rows[0];
  return db
    .selectFrom('patients')
    .selectAll()
    .where('patients.id', '=', id)
    .where(inScope)
    .executeTakeFirst();
}

/**
 * Whether an MRN is taken, by anyone: MRNs are unique across sites, so registering one
 * already used elsewhere is refused (saying only that it is taken).
 */
export function findPatientIdByMrn(
  db: Kysely<DB>,
  mrn: string,
): Promise<{ id: string } | undefined> {
  return db.selectFrom('patients').select('id').where('mrn', '=', mrn).executeTakeFirst();
}

export async function insertPatient(db: Kysely<DB>, row: Insertable<PatientTable>): Promise<void> {
  await db.insertInto('patients').values(row).execute();
}

/** Updates only when the stored version matches; returns whether it did. */
export async function updatePatientIfVersion(
  db: Kysely<DB>,
  id: string,
  version: number,
  patch: Updateable<PatientTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('patients')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface PatientSearch {
  /** Word prefixes that must each match a name word or the MRN. */
  terms: string[];
  dateOfBirth?: string | undefined;
  includeArchived: boolean;
  limit: number;
  offset: number;
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function searchPatients(
  db: Kysely<DB>,
  scope: SiteScope,
  s: PatientSearch,
): Promise<{ rows: PatientRow[]; total: number }> {
  let q = db.selectFrom('patients');
  const inScope = patientRowInScope(scope);
  if (inScope !== null) q = q.where(inScope);
  if (!s.includeArchived) q = q.where('archived_at', 'is', null);
  if (s.dateOfBirth) q = q.where('date_of_birth', '=', s.dateOfBirth);
  for (const term of s.terms) {
    const t = escapeLike(term.toLowerCase());
    q = q.where((eb) =>
      eb.or([
        eb(sql`name_search`, 'like', sql<string>`${`${t}%`} escape '\\'`),
        eb(sql`name_search`, 'like', sql<string>`${`% ${t}%`} escape '\\'`),
        eb(sql`lower(mrn)`, 'like', sql<string>`${`${t}%`} escape '\\'`),
      ]),
    );
  }
  const totalRow = await q
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await q
    .selectAll()
    .orderBy('family_name')
    .orderBy('given_name')
    .orderBy('id')
    .limit(s.limit)
    .offset(s.offset)
    .execute();
  return { rows, total: Number(totalRow.n) };
}

// A chart read and every session view run this: both latest values in one statement,
// compiled once (prepared-query.ts).
const latestBoth = prepareQuery((db, p) =>
  db.selectNoFrom((eb) => [
    eb
      .selectFrom('body_measurements')
      .select('weight_g')
      .where('patient_id', '=', p(0))
      .where('weight_g', 'is not', null)
      .orderBy('measured_on', 'desc')
      .orderBy('recorded_at', 'desc')
      .limit(1)
      .as('weight_g'),
    eb
      .selectFrom('body_measurements')
      .select('height_mm')
      .where('patient_id', '=', p(0))
      .where('height_mm', 'is not', null)
      .orderBy('measured_on', 'desc')
      .orderBy('recorded_at', 'desc')
      .limit(1)
      .as('height_mm'),
  ]),
);

export async function latestMeasurements(
  db: Kysely<DB>,
  patientId: string,
): Promise<{ weightG: number | null; heightMm: number | null }> {
  const row = (await latestBoth.execute(db, [patientId])).rows[0];
  return { weightG: row?.weight_g ?? null, heightMm: row?.height_mm ?? null };
}

export async function insertMeasurement(
  db: Kysely<DB>,
  row: Insertable<BodyMeasurementTable>,
): Promise<void> {
  await db.insertInto('body_measurements').values(row).execute();
}

export function listMeasurements(db: Kysely<DB>, patientId: string): Promise<MeasurementRow[]> {
  return db
    .selectFrom('body_measurements')
    .selectAll()
    .where('patient_id', '=', patientId)
    .orderBy('measured_on', 'desc')
    .orderBy('recorded_at', 'desc')
    .execute();
}

export async function insertDiagnosis(
  db: Kysely<DB>,
  row: Insertable<DiagnosisTable>,
): Promise<void> {
  await db.insertInto('diagnoses').values(row).execute();
}

export function listDiagnoses(db: Kysely<DB>, patientId: string): Promise<DiagnosisRow[]> {
  return db
    .selectFrom('diagnoses')
    .selectAll()
    .where('patient_id', '=', patientId)
    .orderBy('is_primary', 'desc')
    .orderBy('recorded_at', 'desc')
    .execute();
}

export function findDiagnosis(
  db: Kysely<DB>,
  patientId: string,
  id: string,
): Promise<DiagnosisRow | undefined> {
  return db
    .selectFrom('diagnoses')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function updateDiagnosis(
  db: Kysely<DB>,
  id: string,
  patch: Updateable<DiagnosisTable>,
): Promise<void> {
  await db.updateTable('diagnoses').set(patch).where('id', '=', id).execute();
}

export async function clearPrimaryDiagnosis(db: Kysely<DB>, patientId: string): Promise<void> {
  await db
    .updateTable('diagnoses')
    .set({ is_primary: 0 })
    .where('patient_id', '=', patientId)
    .execute();
}

export async function insertConsent(db: Kysely<DB>, row: Insertable<ConsentTable>): Promise<void> {
  await db.insertInto('consents').values(row).execute();
}

export function listConsents(db: Kysely<DB>, patientId: string): Promise<ConsentRow[]> {
  return db
    .selectFrom('consents')
    .selectAll()
    .where('patient_id', '=', patientId)
    .orderBy('signed_on', 'desc')
    .orderBy('recorded_at', 'desc')
    .execute();
}

export function findConsent(
  db: Kysely<DB>,
  patientId: string,
  id: string,
): Promise<ConsentRow | undefined> {
  return db
    .selectFrom('consents')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function updateConsent(
  db: Kysely<DB>,
  id: string,
  patch: Updateable<ConsentTable>,
): Promise<void> {
  await db.updateTable('consents').set(patch).where('id', '=', id).execute();
}
