import {
  correctImportedScore,
  deleteBatch,
  deleteBatchScores,
  deleteStudyWithoutBatches,
  findStudy,
  findStudyFor,
  findVisibleStudy,
  insertBatch,
  insertImportedScores,
  insertStudy,
  insertSubjects,
  pendingBatchesOf,
  setBatchState,
  setStudyBaseline,
  subjectIdsAfter,
  touchBatch,
  updateSubjectAttributes,
  type StudyViewer,
} from '../../db/repositories/import.repository.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import { baselineLabel, type ImportMapping } from '../../domain/imports/import-mapping.js';
import type { Deps, RequestContext } from '../deps.js';
import { newId } from '../ids.js';
import { inTransaction } from '../unit-of-work.js';
import { studyNameTaken } from './study-access.js';
import type {
  AttributeUpdate,
  Correction,
  NewSubject,
  PlanSummary,
  ScoreTuple,
} from './plan-table-import.js';

/**
 * An import being written (ADR 0018): its rows go in under a batch in state
 * 'pending', which every reader ignores, in short transactions; one short final
 * transaction makes them visible, or they are deleted.
 */
export interface PendingBatch {
  readonly id: string;
  readonly study: string;
  readonly mapping: ImportMapping;
  readonly fileName: string;
  /** Who imports: checked again as the batch begins and as it commits (ADR 0026). */
  readonly viewer: StudyViewer | null;
  writeSubjects(rows: readonly NewSubject[]): Promise<void>;
  writeScores(rows: readonly ScoreTuple[]): Promise<void>;
}

/** A pending batch not written to for this long has lost its writer (a killed process) and is removed. */
export const ABANDONED_AFTER_MS = 10 * 60_000;
const DELETE_SLICE = 500;

/** SQLite's and PostgreSQL's unique-constraint failures. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

const busy = (study: string, detail: string) =>
  new DomainError('import.busy', `Study ${study}: ${detail}`, [
    { field: 'mapping.study', rule: 'one-import-at-a-time', message: detail },
  ]);

export async function beginBatch(
  deps: Deps,
  ctx: RequestContext,
  a: {
    viewer: StudyViewer | null;
    mapping: ImportMapping;
    fileName: string;
    sha256: string;
    rowsRead: number;
  },
): Promise<PendingBatch> {
  const study = a.mapping.study;
  const now = deps.clock.now();
  for (const other of await pendingBatchesOf(deps.database.db, study)) {
    if (now.getTime() - Date.parse(other.imported_at) < ABANDONED_AFTER_MS)
      throw busy(
        study,
        'another import into this study is being written; import again when it has finished',
      );
    await discardBatch(deps, ctx, { id: other.id, study });
  }
  const id = newId();
  try {
    await inTransaction(deps, ctx, async (trx) => {
      // Made by someone else since the import was let in: refused as it would have been.
      if (await findStudy(trx, study)) {
        if (a.viewer && !(await findStudyFor(trx, study, a.viewer))) throw studyNameTaken(study);
      } else
        await insertStudy(trx, {
          name: study,
          baseline_time_point: baselineLabel(a.mapping),
          created_by: ctx.actor?.userId ?? null,
          created_at: now.toISOString(),
          // Whoever makes a study by importing into it first owns it (ADR 0026).
          owner_id: ctx.actor?.userId ?? null,
        });
      await insertBatch(trx, {
        id,
        study,
        file_name: a.fileName,
        file_sha256: a.sha256,
        mapping: JSON.stringify(a.mapping),
        rows_read: a.rowsRead,
        summary: '{}',
        imported_by: ctx.actor?.userId ?? null,
        imported_at: now.toISOString(),
        state: 'pending',
      });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw busy(
        study,
        'another import into this study is being written; import again when it has finished',
      );
    throw error;
  }
  const written = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      // Rows this file was checked against changed meanwhile (another import finished).
      if (isUniqueViolation(error))
        throw busy(study, 'the study changed while the file was being checked; import it again');
      throw error;
    }
  };
  return {
    id,
    study,
    mapping: a.mapping,
    fileName: a.fileName,
    viewer: a.viewer,
    writeSubjects: (rows) =>
      written(() =>
        inTransaction(deps, ctx, async (trx) => {
          const at = deps.clock.now().toISOString();
          await insertSubjects(
            trx,
            rows.map((s) => ({
              id: s.id,
              study,
              external_id: s.externalId,
              patient_id: s.patientId,
              attributes: s.attributes,
              created_at: at,
              batch_id: id,
            })),
            deps.database.sqlite,
          );
          await touchBatch(trx, id, at);
        }),
      ),
    writeScores: (rows) =>
      written(() =>
        inTransaction(deps, ctx, async (trx) => {
          await insertImportedScores(
            trx,
            rows.map(
              ([
                scoreId,
                subjectId,
                instrument,
                total,
                administeredAt,
                timePoint,
                day,
                arm,
                occasion,
                row,
              ]) => ({
                id: scoreId,
                subject_id: subjectId,
                instrument,
                total,
                administered_at: administeredAt,
                time_point: timePoint,
                day,
                arm,
                occasion,
                batch_id: id,
                source_row: row,
              }),
            ),
            // Same connection as trx (SQLite has one), so inside this transaction.
            deps.database.sqlite,
          );
          await touchBatch(trx, id, deps.clock.now().toISOString());
        }),
      ),
  };
}

/**
 * The one short transaction that makes an import visible: corrections and
 * attribute changes of earlier imports (audited before/after), the batch marked
 * committed, and the audit of the import and of every linked patient it changed.
 */
export async function commitBatch(
  deps: Deps,
  ctx: RequestContext,
  batch: PendingBatch,
  a: {
    summary: PlanSummary;
    attributeUpdates: readonly AttributeUpdate[];
    corrections: readonly Correction[];
  },
): Promise<string> {
  const { summary: s, mapping } = { summary: a.summary, mapping: batch.mapping };
  const baseline = baselineLabel(mapping);
  await inTransaction(deps, ctx, async (trx, audit) => {
    // Access may have changed while the file was checked and written (the importer
    // removed from the study, or its subjects linked to patients meanwhile).
    const study = await findStudyFor(trx, batch.study, batch.viewer);
    if (!study) throw studyNameTaken(batch.study);
    if (!study.baseline_time_point && baseline) await setStudyBaseline(trx, batch.study, baseline);
    for (const u of a.attributeUpdates) {
      await updateSubjectAttributes(trx, u.id, u.after);
      audit({
        action: 'import.subject.update',
        entityType: 'study_subject',
        entityId: u.id,
        details: {
          batchId: batch.id,
          before: JSON.parse(u.before) as unknown,
          after: JSON.parse(u.after) as unknown,
        },
      });
    }
    for (const c of a.corrections) {
      await correctImportedScore(trx, c.id, {
        total: c.total,
        batch_id: batch.id,
        source_row: c.row,
      });
      audit({
        action: 'import.score.correct',
        entityType: 'imported_score',
        entityId: c.id,
        details: {
          batchId: batch.id,
          row: c.row,
          before: { total: c.before },
          after: { total: c.total },
        },
      });
    }
    await setBatchState(trx, batch.id, {
      state: 'committed',
      summary: JSON.stringify({ subjects: s.subjects, scores: s.scores }),
      imported_at: deps.clock.now().toISOString(),
    });
    audit({
      action: 'import.table',
      entityType: 'import_batch',
      entityId: batch.id,
      details: {
        study: batch.study,
        fileName: batch.fileName,
        sha256: s.sha256,
        subjects: s.subjects,
        scores: s.scores,
      },
    });
    // Linked subjects are identified patients: their records changed, so each is audited by patient.
    for (const patientId of s.linkedPatientIds)
      audit({
        action: 'import.patient-scores',
        entityType: 'import_batch',
        entityId: batch.id,
        patientId,
      });
  });
  return batch.id;
}

/**
 * Removes everything a pending batch wrote, in short transactions: its scores
 * (found subject by subject through the occasion index), the subjects it
 * created, the batch, and the study if no other import refers to it.
 */
export async function discardBatch(
  deps: Deps,
  ctx: RequestContext,
  batch: { id: string; study: string },
): Promise<void> {
  const db = deps.database.db;
  let after = '';
  for (;;) {
    const ids = await subjectIdsAfter(db, batch.study, after, DELETE_SLICE);
    if (ids.length === 0) break;
    await inTransaction(deps, ctx, (trx) => deleteBatchScores(trx, batch.id, ids));
    after = ids[ids.length - 1] ?? after;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await inTransaction(deps, ctx, async (trx) => {
    await deleteBatch(trx, batch.id);
    await deleteStudyWithoutBatches(trx, batch.study);
  });
}

/**
 * Clears a study that no import ever committed and whose only imports stopped writing long
 * ago (a killed process), so that its name is free again for anyone; a study someone may
 * still be importing, or one with data, is left alone. Returns whether the name is free.
 */
export async function clearAbandonedStudy(
  deps: Deps,
  ctx: RequestContext,
  study: string,
): Promise<boolean> {
  const db = deps.database.db;
  if (await findVisibleStudy(db, study, null)) return false;
  const now = deps.clock.now().getTime();
  const pending = await pendingBatchesOf(db, study);
  if (pending.some((b) => now - Date.parse(b.imported_at) < ABANDONED_AFTER_MS)) return false;
  for (const b of pending) await discardBatch(deps, ctx, { id: b.id, study });
  await inTransaction(deps, ctx, (trx) => deleteStudyWithoutBatches(trx, study));
  return !(await findStudy(db, study));
}
