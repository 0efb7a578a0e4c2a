import type { Expression, Insertable, Kysely, Selectable, SqlBool } from 'kysely';
import type { Database } from '../database.js';
import type { SiteScope } from '../../domain/auth/site-scope.js';
import type { DB } from '../schema.js';
import { patientRowInScope } from './site-scope.repository.js';
import type {
  ImportBatchState,
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

/**
 * Ids of imports still being written (ADR 0018): their rows exist but no reader
 * may see them. As a subquery, evaluated once per statement (normally empty).
 */
export function pendingBatchIds(db: Kysely<DB>) {
  return db.selectFrom('import_batches').select('import_batches.id').where('state', '=', 'pending');
}

export function findStudy(db: Kysely<DB>, name: string): Promise<StudyRow | undefined> {
  return db.selectFrom('studies').selectAll().where('name', '=', name).executeTakeFirst();
}

/**
 * Who is asking about studies (ADR 0026); null is the command line, which sees every
 * study. A viewer sees a study it owns or is a member of, and, if `readsOwnerless`, one
 * without an owner (made before owners existed, or on the command line); never one whose
 * subjects are linked to patient records unless `readsPatientLinked`.
 */
export interface StudyViewer {
  readonly userId: string;
  readonly readsOwnerless: boolean;
  readonly readsPatientLinked: boolean;
}

/** Studies the viewer may see, in whatever state (a study being made by its first import included). */
function studiesFor(db: Kysely<DB>, viewer: StudyViewer | null) {
  const q = db.selectFrom('studies').selectAll('studies');
  if (!viewer) return q;
  return q.where((eb) => {
    const allowed: Expression<SqlBool>[] = [
      eb('studies.owner_id', '=', viewer.userId),
      eb.exists(
        eb
          .selectFrom('study_members')
          .select('study_members.user_id')
          .whereRef('study_members.study', '=', 'studies.name')
          .where('study_members.user_id', '=', viewer.userId),
      ),
    ];
    if (viewer.readsOwnerless) allowed.push(eb('studies.owner_id', 'is', null));
    const rules: Expression<SqlBool>[] = [eb.or(allowed)];
    if (!viewer.readsPatientLinked)
      rules.push(
        eb.not(
          eb.exists(
            eb
              .selectFrom('study_subjects')
              .select('study_subjects.id')
              .whereRef('study_subjects.study', '=', 'studies.name')
              .where('study_subjects.patient_id', 'is not', null),
          ),
        ),
      );
    return eb.and(rules);
  });
}

/** A study by name if the viewer may see it, in whatever state (for an import into it). */
export function findStudyFor(
  db: Kysely<DB>,
  name: string,
  viewer: StudyViewer | null,
): Promise<StudyRow | undefined> {
  return studiesFor(db, viewer).where('studies.name', '=', name).executeTakeFirst();
}

/**
 * A study as the viewer sees it: only once one of its imports has committed (a study made
 * by an import still being written, or left by one that was killed, does not exist yet),
 * and only if the viewer may see it (else it does not exist either).
 */
export function findVisibleStudy(
  db: Kysely<DB>,
  name: string,
  viewer: StudyViewer | null,
): Promise<StudyRow | undefined> {
  return visibleStudies(db, viewer).where('studies.name', '=', name).executeTakeFirst();
}

/** Whether any subject of a study is linked to a patient record (its id is then the patient's MRN). */
export async function studyHasPatientLinks(db: Kysely<DB>, study: string): Promise<boolean> {
  const row = await db
    .selectFrom('study_subjects')
    .select('id')
    .where('study', '=', study)
    .where('patient_id', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export type ListedStudy = StudyRow & { owner_name: string | null; owner_email: string | null };

/** Visible studies (see `visibleStudies`) with their owner's name and email. */
function studiesWithOwner(db: Kysely<DB>, viewer: StudyViewer | null) {
  return visibleStudies(db, viewer)
    .leftJoin('users', 'users.id', 'studies.owner_id')
    .select(['users.display_name as owner_name', 'users.email as owner_email']);
}

/**
 * The studies the viewer may see with at least one finished import (a study created by an
 * import still being written is not listed), with their owner.
 */
export function listStudies(db: Kysely<DB>, viewer: StudyViewer | null): Promise<ListedStudy[]> {
  return studiesWithOwner(db, viewer).orderBy('studies.name').execute();
}

/** One study as `listStudies` would list it, if it would. */
export function findListedStudy(
  db: Kysely<DB>,
  name: string,
  viewer: StudyViewer | null,
): Promise<ListedStudy | undefined> {
  return studiesWithOwner(db, viewer).where('studies.name', '=', name).executeTakeFirst();
}

/** Studies with at least one committed import that the viewer may see. */
function visibleStudies(db: Kysely<DB>, viewer: StudyViewer | null) {
  return studiesFor(db, viewer).where((eb) =>
    eb.exists(
      eb
        .selectFrom('import_batches')
        .select('import_batches.id')
        .whereRef('import_batches.study', '=', 'studies.name')
        .where('import_batches.state', '=', 'committed'),
    ),
  );
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
  const visible = db
    .selectFrom('study_subjects')
    .selectAll()
    .where('study', '=', study)
    .where((eb) =>
      eb.or([eb('batch_id', 'is', null), eb('batch_id', 'not in', pendingBatchIds(db))]),
    );
  if (!externalIds) return visible.execute();
  const out: StudySubjectRow[] = [];
  for (const part of chunks(externalIds))
    out.push(...(await visible.where('external_id', 'in', part).execute()));
  return out;
}

/** Patients by MRN, among those within the importer's scope (others are not found). */
export async function patientIdsByMrn(
  db: Kysely<DB>,
  scope: SiteScope,
  mrns: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const inScope = patientRowInScope(scope);
  for (const part of chunks(mrns))
    for (const p of await db
      .selectFrom('patients')
      .select(['id', 'mrn'])
      .where('mrn', 'in', part)
      .$call((q) => (inScope ? q.where(inScope) : q))
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
        .where('batch_id', 'not in', pendingBatchIds(db))
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

type SqliteHandle = NonNullable<Database['sqlite']>;
const prepareScoreInsert = (sqlite: SqliteHandle) =>
  sqlite.prepare<unknown[]>(
    `insert into imported_scores (id, subject_id, instrument, total, administered_at,
       time_point, day, arm, occasion, batch_id, source_row)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
const scoreInserts = new WeakMap<SqliteHandle, ReturnType<typeof prepareScoreInsert>>();

const prepareSubjectInsert = (sqlite: SqliteHandle) =>
  sqlite.prepare<unknown[]>(
    `insert into study_subjects (id, study, external_id, patient_id, attributes, created_at, batch_id)
     values (?, ?, ?, ?, ?, ?, ?)`,
  );
const subjectInserts = new WeakMap<SqliteHandle, ReturnType<typeof prepareSubjectInsert>>();

/** Inserts subjects; on SQLite, given the connection's own handle, by one prepared statement (see insertImportedScores). */
export async function insertSubjects(
  db: Kysely<DB>,
  rows: readonly Insertable<StudySubjectTable>[],
  sqlite?: SqliteHandle,
): Promise<void> {
  if (sqlite) {
    let insert = subjectInserts.get(sqlite);
    if (!insert) {
      insert = prepareSubjectInsert(sqlite);
      subjectInserts.set(sqlite, insert);
    }
    for (const r of rows)
      insert.run(
        r.id,
        r.study,
        r.external_id,
        r.patient_id ?? null,
        r.attributes,
        r.created_at,
        r.batch_id ?? null,
      );
    return;
  }
  for (const part of chunks(rows)) await db.insertInto('study_subjects').values(part).execute();
}

export async function updateSubjectAttributes(
  db: Kysely<DB>,
  id: string,
  attributes: string,
): Promise<void> {
  await db.updateTable('study_subjects').set({ attributes }).where('id', '=', id).execute();
}

/**
 * Inserts imported scores. On SQLite, when given the connection's own handle (the
 * one `db` runs on, inside its transaction), one prepared statement is run per row:
 * about three times faster than multi-row inserts built and prepared per chunk,
 * which matters for a million-row import (ADR 0018). PostgreSQL: multi-row inserts.
 */
export async function insertImportedScores(
  db: Kysely<DB>,
  rows: readonly Insertable<ImportedScoreTable>[],
  sqlite?: SqliteHandle,
): Promise<void> {
  if (sqlite) {
    let insert = scoreInserts.get(sqlite);
    if (!insert) {
      insert = prepareScoreInsert(sqlite);
      scoreInserts.set(sqlite, insert);
    }
    for (const r of rows)
      insert.run(
        r.id,
        r.subject_id,
        r.instrument,
        r.total,
        r.administered_at ?? null,
        r.time_point ?? null,
        r.day ?? null,
        r.arm ?? null,
        r.occasion,
        r.batch_id,
        r.source_row,
      );
    return;
  }
  for (const part of chunks(rows)) await db.insertInto('imported_scores').values(part).execute();
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
    .where('imported_scores.batch_id', 'not in', pendingBatchIds(db))
    .orderBy('imported_scores.administered_at')
    .execute();
}

/** Imports of a study still being written (at most one, by a partial unique index). */
export function pendingBatchesOf(
  db: Kysely<DB>,
  study: string,
): Promise<{ id: string; imported_at: string }[]> {
  return db
    .selectFrom('import_batches')
    .select(['id', 'imported_at'])
    .where('study', '=', study)
    .where('state', '=', 'pending')
    .execute();
}

/** A pending batch's writer is alive: it stamps the batch with each chunk it writes. */
export async function touchBatch(db: Kysely<DB>, id: string, at: string): Promise<void> {
  await db.updateTable('import_batches').set({ imported_at: at }).where('id', '=', id).execute();
}

/** Makes every row written under the batch visible at once. */
export async function setBatchState(
  db: Kysely<DB>,
  id: string,
  change: { state: ImportBatchState; summary: string; imported_at: string },
): Promise<void> {
  await db.updateTable('import_batches').set(change).where('id', '=', id).execute();
}

/** Ids of a study's subjects after `afterId`, in id order: a cursor for work in slices. */
export async function subjectIdsAfter(
  db: Kysely<DB>,
  study: string,
  afterId: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('study_subjects')
    .select('id')
    .where('study', '=', study)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Removes the scores a batch wrote for these subjects (found through the occasion index). */
export async function deleteBatchScores(
  db: Kysely<DB>,
  batchId: string,
  subjectIds: readonly string[],
): Promise<void> {
  if (subjectIds.length === 0) return;
  await db
    .deleteFrom('imported_scores')
    .where('subject_id', 'in', subjectIds)
    .where('batch_id', '=', batchId)
    .execute();
}

/** Removes the subjects a batch created and then the batch itself (its scores must be gone). */
export async function deleteBatch(db: Kysely<DB>, batchId: string): Promise<void> {
  await db.deleteFrom('study_subjects').where('batch_id', '=', batchId).execute();
  await db.deleteFrom('import_batches').where('id', '=', batchId).execute();
}

/** Removes a study that no import refers to any more (one created by an import that failed). */
export async function deleteStudyWithoutBatches(db: Kysely<DB>, name: string): Promise<void> {
  await db
    .deleteFrom('studies')
    .where('name', '=', name)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('import_batches').select('import_batches.id').where('study', '=', name),
        ),
      ),
    )
    .execute();
}
