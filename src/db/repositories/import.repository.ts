import type { Insertable, Kysely, Selectable } from 'kysely';
import type { DB } from '../schema.js';
import type {
  ImportBatchTable,
  ImportedScoreTable,
  StudySubjectTable,
  StudyTable,
} from '../tables/import.table.js';

export type StudyRow = Selectable<StudyTable>;
export type StudySubjectRow = Selectable<StudySubjectTable>;
export type ImportedScoreRow = Selectable<ImportedScoreTable>;

/** Rows per statement, well under SQLite's and PostgreSQL's bind-parameter limits. */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export function findStudy(db: Kysely<DB>, name: string): Promise<StudyRow | undefined> {
  return db.selectFrom('studies').selectAll().where('name', '=', name).executeTakeFirst();
}

export function listStudies(db: Kysely<DB>): Promise<StudyRow[]> {
  return db.selectFrom('studies').selectAll().orderBy('name').execute();
}

export async function insertStudy(db: Kysely<DB>, row: Insertable<StudyTable>): Promise<void> {
  await db.insertInto('studies').values(row).execute();
}

export async function setStudyBaseline(db: Kysely<DB>, name: string, label: string): Promise<void> {
  await db
    .updateTable('studies')
    .set({ baseline_time_point: label })
    .where('name', '=', name)
    .execute();
}

export async function subjectsOf(
  db: Kysely<DB>,
  study: string,
  externalIds?: readonly string[],
): Promise<StudySubjectRow[]> {
  if (!externalIds)
    return db.selectFrom('study_subjects').selectAll().where('study', '=', study).execute();
  const out: StudySubjectRow[] = [];
  for (const part of chunks(externalIds))
    out.push(
      ...(await db
        .selectFrom('study_subjects')
        .selectAll()
        .where('study', '=', study)
        .where('external_id', 'in', part)
        .execute()),
    );
  return out;
}

export async function patientIdsByMrn(
  db: Kysely<DB>,
  mrns: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks(mrns))
    for (const p of await db
      .selectFrom('patients')
      .select(['id', 'mrn'])
      .where('mrn', 'in', part)
      .execute())
      out.set(p.mrn, p.id);
  return out;
}

export async function scoresOfSubjects(
  db: Kysely<DB>,
  subjectIds: readonly string[],
): Promise<ImportedScoreRow[]> {
  const out: ImportedScoreRow[] = [];
  for (const part of chunks(subjectIds))
    out.push(
      ...(await db
        .selectFrom('imported_scores')
        .selectAll()
        .where('subject_id', 'in', part)
        .execute()),
    );
  return out;
}

export async function insertBatch(
  db: Kysely<DB>,
  row: Insertable<ImportBatchTable>,
): Promise<void> {
  await db.insertInto('import_batches').values(row).execute();
}

export async function insertSubjects(
  db: Kysely<DB>,
  rows: readonly Insertable<StudySubjectTable>[],
): Promise<void> {
  for (const part of chunks(rows)) await db.insertInto('study_subjects').values(part).execute();
}

export async function updateSubjectAttributes(
  db: Kysely<DB>,
  id: string,
  attributes: string,
): Promise<void> {
  await db.updateTable('study_subjects').set({ attributes }).where('id', '=', id).execute();
}

/** Inserts in chunks, calling back after each so a caller can show progress. */
export async function insertImportedScores(
  db: Kysely<DB>,
  rows: readonly Insertable<ImportedScoreTable>[],
  onChunk: (written: number) => void = () => undefined,
): Promise<void> {
  let written = 0;
  for (const part of chunks(rows)) {
    await db.insertInto('imported_scores').values(part).execute();
    written += part.length;
    onChunk(written);
  }
}

export async function correctImportedScore(
  db: Kysely<DB>,
  id: string,
  change: { total: number; batch_id: string; source_row: number },
): Promise<void> {
  await db.updateTable('imported_scores').set(change).where('id', '=', id).execute();
}

/** A linked patient's imported totals that carry a date (time-point-only scores have no place on a timeline). */
export function datedImportedScoresOfPatient(
  db: Kysely<DB>,
  patientId: string,
): Promise<{ instrument: string; administered_at: string | null; total: number; study: string }[]> {
  return db
    .selectFrom('imported_scores')
    .innerJoin('study_subjects', 'study_subjects.id', 'imported_scores.subject_id')
    .select([
      'imported_scores.instrument',
      'imported_scores.administered_at',
      'imported_scores.total',
      'study_subjects.study',
    ])
    .where('study_subjects.patient_id', '=', patientId)
    .where('imported_scores.administered_at', 'is not', null)
    .orderBy('imported_scores.administered_at')
    .execute();
}
