import { roleHasPermission } from '../../domain/auth/permissions.js';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import { readMapping, type ImportMapping } from '../../domain/imports/import-mapping.js';
import { unsafeCharacterProblem } from '../../domain/text/unsafe-characters.js';
import type { MappedScore, RowProblem } from '../../domain/imports/map-rows.js';
import type { Deps, RequestContext } from '../deps.js';
import type { AttributeUpdate, Correction, PlanMessage, PlanSummary } from './plan-table-import.js';
import { tableFormat } from './read-table.js';
import {
  beginBatch,
  clearAbandonedStudy,
  commitBatch,
  discardBatch,
  type PendingBatch,
} from './pending-batch.js';
import { inTransaction } from '../unit-of-work.js';
import { siteScopeOf } from '../access/site-scope.js';
import { studyReachesBeyondScope } from '../../db/repositories/site-scope.repository.js';
import { mayImportInto, studyBeyondScope, studyNameTaken, studyViewer } from './study-access.js';

export interface ImportTableRequest {
  /** The table on disk: the CLI's file, or the upload the server streamed to a temporary file. */
  readonly path: string;
  /** Its name as the user knows it; the extension says CSV or TSV. */
  readonly fileName: string;
  readonly mapping: unknown;
  /** Report what would be created and change nothing. */
  readonly dryRun: boolean;
  /** A score already imported for the same occasion with another total: refuse (default) or correct it. */
  readonly onConflict: 'error' | 'update';
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /**
   * Aborted when whoever asked is gone (the API's client disconnected before its answer):
   * the import stops, writes nothing and removes what it wrote, unless it had already
   * committed, which its own audit event then shows (ADR 0021).
   */
  readonly signal?: AbortSignal | undefined;
}

export interface ImportSummary {
  readonly study: string;
  readonly fileName: string;
  readonly dryRun: boolean;
  readonly valid: boolean;
  readonly rowsRead: number;
  readonly subjects: {
    readonly created: number;
    readonly existing: number;
    readonly linkedToPatients: number;
  };
  readonly scores: {
    readonly created: number;
    readonly unchanged: number;
    readonly updated: number;
  };
  readonly missingCells: number;
  readonly batchId: string | null;
  readonly problems: RowProblem[];
  readonly problemCount: number;
  /** The first mapped scores, for a preview before committing. */
  readonly preview: MappedScore[];
}

/**
 * Scores per write transaction. On SQLite they go in through one prepared statement
 * (about 200k rows/s on the 2-core VM), so a chunk holds the single writer and the
 * event loop for some 25–40 ms with its commit; fewer, larger commits keep the
 * import's fsyncs from dominating its time (ADR 0018).
 */
export const WRITE_CHUNK_ROWS = 5000;

const problemFields = (problems: readonly RowProblem[]) =>
  problems.map((p) => ({
    field: p.column ? `row ${p.row}, column ${p.column}` : `row ${p.row}`,
    rule: 'import-row',
    message: p.message,
  }));

function mappingOrThrow(value: unknown): ImportMapping {
  const read = readMapping(value);
  if (!read.ok) throw validationError(read.problems);
  return read.mapping;
}

/** The requester went away before the answer: nothing is imported for nobody to see. */
export function importAbandoned(when: string): DomainError {
  return new DomainError(
    'import.abandoned',
    `The client disconnected ${when}; nothing was imported. Import the file again: a file imported twice is imported once.`,
  );
}

/** Lets other requests run between two chunks of a long import. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Imports total scores (and subject attributes) from a table (issue 6). A worker
 * reads and checks the file in bounded memory; this thread writes what it hands
 * out in short transactions under a pending batch that no reader sees, and makes
 * it visible in one short final transaction (issue 10, ADR 0018). So a problem
 * anywhere still leaves nothing visible, and importing the same file again
 * creates nothing. Imported totals are stored apart from scored assessments and
 * are never rescored (ADR 0011).
 */
export async function importTable(
  deps: Deps,
  ctx: RequestContext,
  req: ImportTableRequest,
): Promise<ImportSummary> {
  // The name is stored with the batch and in the audit log, and shown back.
  const badName = unsafeCharacterProblem('fileName', req.fileName);
  if (badName) throw validationError([badName]);
  const mapping = mappingOrThrow(req.mapping);
  const mayTouchPatients = !ctx.actor || roleHasPermission(ctx.actor.role, 'patients.write');
  if (mapping.subject.linkPatientsBy && !mayTouchPatients)
    throw new DomainError(
      'auth.forbidden',
      'Linking imported subjects to patients by MRN needs a role that may write patient records.',
    );
  // A study that exists is imported into only by its owner and members (and, for one
  // without an owner, by roles that read patient records), and one whose subjects are
  // patients only by roles that may write patient records: anyone else could read stored
  // totals through a dry run's "differs from … imported earlier" and overwrite them
  // (hostile test). They are told the name is taken, and nothing else (ADR 0026).
  const viewer = studyViewer(ctx, 'import');
  if (
    !(await mayImportInto(deps.database.db, mapping.study, viewer)) &&
    // A name left by someone's first import that was killed long ago is free again.
    !(await clearAbandonedStudy(deps, ctx, mapping.study))
  )
    throw studyNameTaken(mapping.study);
  // Existing subjects are matched by their study id alone: a user limited to some sites
  // would otherwise read ("differs from … imported earlier") and overwrite the totals of
  // patients at other sites (hostile test). Such a study is closed to them (ADR 0027).
  const scope = await siteScopeOf(deps.database.db, ctx);
  if (await studyReachesBeyondScope(deps.database.db, scope, mapping.study))
    throw studyBeyondScope(mapping.study);
  tableFormat(req.fileName);

  const plan = deps.jobs.stream('planTableImport', {
    scope,
    path: req.path,
    fileName: req.fileName,
    mapping,
    onConflict: req.onConflict,
    write: !req.dryRun,
    chunkRows: WRITE_CHUNK_ROWS,
  });
  const messages = plan[Symbol.asyncIterator]();
  // A requester gone while the worker checks: stop it now (the pending read ends) rather
  // than at its next message, which for a large file can be a pass over the file away.
  const stopChecking = () => void messages.return?.();
  req.signal?.addEventListener('abort', stopChecking, { once: true });
  const abandonedIfGone = (when: string) => {
    if (req.signal?.aborted) throw importAbandoned(when);
  };
  let batch: PendingBatch | null = null;
  let checked: Extract<PlanMessage, { type: 'checked' }> | null = null;
  const corrections: Correction[] = [];
  const attributeUpdates: AttributeUpdate[] = [];
  const pending = async (): Promise<PendingBatch> => {
    if (!checked) throw new Error('rows to write before the file was checked');
    batch ??= await beginBatch(deps, ctx, {
      viewer,
      mapping,
      fileName: req.fileName,
      sha256: checked.sha256,
      rowsRead: checked.rowsRead,
    });
    return batch;
  };
  try {
    abandonedIfGone('before the file was checked');
    for (;;) {
      const next = await messages.next();
      abandonedIfGone(batch ? 'while the import was being written' : 'while the file was checked');
      if (next.done) throw new Error('the import plan ended without a summary');
      const message = JSON.parse(next.value) as PlanMessage;
      switch (message.type) {
        case 'checked':
          checked = message;
          req.onProgress?.(0, message.scores);
          break;
        case 'subjects':
          await (await pending()).writeSubjects(message.rows);
          break;
        case 'scores':
          await (await pending()).writeScores(message.rows);
          req.onProgress?.(message.examined, checked?.scores ?? message.examined);
          break;
        case 'attributes':
          attributeUpdates.push(...message.rows);
          break;
        case 'corrections':
          corrections.push(...message.rows);
          break;
        case 'summary': {
          const s = message.summary;
          const nothingNew =
            s.scores.created + s.scores.updated + s.subjects.created + attributeUpdates.length ===
            0;
          if (!s.valid || req.dryRun || nothingNew) {
            if (batch) await discardBatch(deps, ctx, batch);
            batch = null;
            return await notWritten(deps, ctx, req, mapping, s);
          }
          const written = await pending();
          // The last moment to stop: once the commit has begun it completes, and its audit
          // event records the import whether or not the answer reaches the client.
          abandonedIfGone('before the import was committed');
          const batchId = await commitBatch(deps, ctx, written, {
            summary: s,
            attributeUpdates,
            corrections,
          });
          batch = null;
          return { ...shape(req, mapping, s), batchId };
        }
      }
      await yieldToLoop();
    }
  } catch (error) {
    if (batch)
      // If even this fails, the batch stays pending (invisible) and the next import of
      // the study removes it once it is stale; the original error is what the user sees.
      await discardBatch(deps, ctx, batch).catch((e: unknown) =>
        deps.log.error({ err: e }, 'could not remove the rows of a failed import'),
      );
    if (error instanceof DomainError && error.code === 'import.abandoned')
      await auditAbandonedImport(deps, ctx, {
        study: mapping.study,
        fileName: req.fileName,
        dryRun: req.dryRun,
        sha256: checked?.sha256 ?? null,
        removedRows: batch !== null,
      });
    throw error;
  } finally {
    req.signal?.removeEventListener('abort', stopChecking);
    await messages.return?.();
  }
}

/**
 * Who started an import that nobody waited for, and that nothing of it was kept
 * (`study` null when the upload ended before its mapping could be read). A failure to
 * audit is logged: the user's error is what they see.
 */
export async function auditAbandonedImport(
  deps: Deps,
  ctx: RequestContext,
  what: {
    study: string | null;
    fileName: string;
    dryRun: boolean;
    sha256: string | null;
    removedRows: boolean;
    whileUploading?: boolean;
  },
): Promise<void> {
  const { study, ...details } = what;
  await inTransaction(deps, ctx, async (_trx, audit) => {
    audit({ action: 'import.abandoned', entityType: 'study', entityId: study, details });
  }).catch((e: unknown) => deps.log.error({ err: e }, 'could not audit an abandoned import'));
}

function shape(
  req: ImportTableRequest,
  mapping: ImportMapping,
  s: PlanSummary,
): Omit<ImportSummary, 'batchId'> {
  return {
    study: mapping.study,
    fileName: req.fileName,
    dryRun: req.dryRun,
    valid: s.valid,
    rowsRead: s.rowsRead,
    subjects: s.subjects,
    scores: s.scores,
    missingCells: s.missingCells,
    problems: s.problems,
    problemCount: s.problemCount,
    preview: s.preview,
  };
}

/** A dry run, a refused file or a file with nothing new: audited (when records were read), nothing written. */
async function notWritten(
  deps: Deps,
  ctx: RequestContext,
  req: ImportTableRequest,
  mapping: ImportMapping,
  s: PlanSummary,
): Promise<ImportSummary> {
  if (s.consultedRecords)
    await inTransaction(deps, ctx, async (_trx, audit) => {
      audit({
        // An unchanged re-import writes no batch: importing the same file twice is a no-op.
        action: !s.valid
          ? req.dryRun
            ? 'import.dry-run'
            : 'import.refused'
          : req.dryRun
            ? 'import.dry-run'
            : 'import.unchanged',
        entityType: 'study',
        entityId: mapping.study,
        details: s.valid
          ? { fileName: req.fileName, sha256: s.sha256, scores: s.scores, subjects: s.subjects }
          : { fileName: req.fileName, sha256: s.sha256, valid: false, problems: s.problemCount },
      });
    });
  if (!s.valid && !req.dryRun)
    throw new DomainError(
      'import.invalid',
      `${s.problemCount} problem${s.problemCount === 1 ? '' : 's'} in ${req.fileName}; nothing was imported.`,
      problemFields(s.problems),
    );
  return { ...shape(req, mapping, s), batchId: null };
}
