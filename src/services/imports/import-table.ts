import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { roleHasPermission } from '../../domain/auth/permissions.js';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import {
  baselineLabel,
  readMapping,
  type ImportMapping,
} from '../../domain/imports/import-mapping.js';
import { mapRows, type MappedScore, type RowProblem } from '../../domain/imports/map-rows.js';
import {
  correctImportedScore,
  findStudy,
  insertBatch,
  insertImportedScores,
  insertStudy,
  insertSubjects,
  patientIdsByMrn,
  scoresOfSubjects,
  setStudyBaseline,
  subjectsOf,
  updateSubjectAttributes,
} from '../../db/repositories/import.repository.js';
import type { Deps, RequestContext } from '../deps.js';
import { newId } from '../ids.js';
import { inTransaction } from '../unit-of-work.js';

export interface ImportTableRequest {
  readonly fileName: string;
  readonly content: string;
  readonly mapping: unknown;
  /** Report what would be created and change nothing. */
  readonly dryRun: boolean;
  /** A score already imported for the same occasion with another total: refuse (default) or correct it. */
  readonly onConflict: 'error' | 'update';
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
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

const PREVIEW_ROWS = 20;

/** Splits a CSV or TSV (chosen by the file's extension) into a header and rows. */
export function parseTable(
  fileName: string,
  content: string,
): { header: string[]; rows: string[][] } {
  const tsv = /\.(tsv|tab|txt)$/i.test(fileName);
  if (!tsv && !/\.csv$/i.test(fileName))
    throw validationError([
      { field: 'fileName', rule: 'extension', message: 'must end in .csv or .tsv' },
    ]);
  let records: string[][];
  try {
    records = parse(content, {
      delimiter: tsv ? '\t' : ',',
      // BIDS and most exports write TSV without quoting; a stray quote is then just a character.
      quote: tsv ? false : '"',
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
    });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new DomainError('import.invalid', 'The file could not be read as a table.', [
      {
        field: line ? `row ${line}` : 'file',
        rule: 'table',
        message: error instanceof Error ? error.message : String(error),
      },
    ]);
  }
  const [header, ...rows] = records;
  if (!header || header.every((h) => h.trim() === ''))
    throw new DomainError('import.invalid', 'The file has no header row.', [
      { field: 'row 1', rule: 'header', message: 'the first row must name the columns' },
    ]);
  return { header: header.map((h) => h.trim()), rows };
}

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

/**
 * Imports total scores (and subject attributes) from a table (issue 6). The
 * whole file is one transaction: any problem leaves nothing written. Importing
 * the same file again creates nothing. Imported totals are stored apart from
 * scored assessments and are never rescored (ADR 0011).
 */
export async function importTable(
  deps: Deps,
  ctx: RequestContext,
  req: ImportTableRequest,
): Promise<ImportSummary> {
  const mapping = mappingOrThrow(req.mapping);
  if (
    mapping.subject.linkPatientsBy &&
    ctx.actor &&
    !roleHasPermission(ctx.actor.role, 'patients.write')
  )
    throw new DomainError(
      'auth.forbidden',
      'Linking imported subjects to patients by MRN needs a role that may write patient records.',
    );
  const { header, rows } = parseTable(req.fileName, req.content);
  const nonEmpty = rows.filter((r) => !r.every((c) => c.trim() === ''));
  const mapped = mapRows(header, rows, mapping);
  const sha256 = createHash('sha256').update(req.content).digest('hex');
  const base = {
    study: mapping.study,
    fileName: req.fileName,
    dryRun: req.dryRun,
    rowsRead: nonEmpty.length,
    missingCells: mapped.missingCells,
    preview: mapped.scores.slice(0, PREVIEW_ROWS),
  };
  const refuse = (problems: readonly RowProblem[], count: number): ImportSummary => {
    if (!req.dryRun)
      throw new DomainError(
        'import.invalid',
        `${count} problem${count === 1 ? '' : 's'} in ${req.fileName}; nothing was imported.`,
        problemFields(problems),
      );
    return {
      ...base,
      valid: false,
      subjects: { created: 0, existing: 0, linkedToPatients: 0 },
      scores: { created: 0, unchanged: 0, updated: 0 },
      batchId: null,
      problems: [...problems],
      problemCount: count,
    };
  };
  if (mapped.problemCount > 0) return refuse(mapped.problems, mapped.problemCount);

  return inTransaction(deps, ctx, async (trx, audit) => {
    const now = deps.clock.now().toISOString();
    const problems: RowProblem[] = [];
    const baseline = baselineLabel(mapping);
    const study = await findStudy(trx, mapping.study);
    if (study?.baseline_time_point && baseline && study.baseline_time_point !== baseline)
      problems.push({
        row: 1,
        column: mapping.timePoint?.column ?? null,
        message: `study ${mapping.study} measures change from "${study.baseline_time_point}", this mapping from "${baseline}"`,
      });

    const existing = new Map(
      (
        await subjectsOf(
          trx,
          mapping.study,
          mapped.subjects.map((s) => s.externalId),
        )
      ).map((s) => [s.external_id, s]),
    );
    const patients = mapping.subject.linkPatientsBy
      ? await patientIdsByMrn(
          trx,
          mapped.subjects.map((s) => s.externalId),
        )
      : new Map<string, string>();
    const newSubjects: {
      id: string;
      externalId: string;
      patientId: string | null;
      attributes: string;
    }[] = [];
    const attributeUpdates: { id: string; attributes: string; before: string }[] = [];
    const subjectIds = new Map<string, string>();
    for (const s of mapped.subjects) {
      const patientId = patients.get(s.externalId) ?? null;
      if (mapping.subject.linkPatientsBy && !patientId) {
        problems.push({
          row: s.firstRow,
          column: mapping.subject.column,
          message: `no patient has the MRN "${s.externalId}"`,
        });
        continue;
      }
      const had = existing.get(s.externalId);
      if (!had) {
        const id = newId();
        subjectIds.set(s.externalId, id);
        newSubjects.push({
          id,
          externalId: s.externalId,
          patientId,
          attributes: JSON.stringify(s.attributes),
        });
        continue;
      }
      subjectIds.set(s.externalId, had.id);
      const before = JSON.parse(had.attributes) as Record<string, string>;
      const changed = Object.entries(s.attributes).filter(
        ([k, v]) => before[k] !== undefined && before[k] !== v,
      );
      const added = Object.keys(s.attributes).some((k) => before[k] === undefined);
      if (changed.length > 0 && req.onConflict === 'error')
        for (const [k, v] of changed)
          problems.push({
            row: s.firstRow,
            column: mapping.attributes[k] ?? null,
            message: `${k} "${v}" differs from "${before[k] ?? ''}" imported earlier for ${s.externalId} (import with conflicts set to update to correct it)`,
          });
      else if (changed.length > 0 || added)
        attributeUpdates.push({
          id: had.id,
          attributes: JSON.stringify({ ...before, ...s.attributes }),
          before: had.attributes,
        });
    }

    const stored = new Map(
      (
        await scoresOfSubjects(
          trx,
          [...existing.values()].map((s) => s.id),
        )
      ).map((r) => [`${r.subject_id}\u0000${r.instrument}\u0000${r.occasion}`, r]),
    );
    const batchId = newId();
    const toInsert: MappedScore[] = [];
    const toCorrect: { id: string; score: MappedScore; before: number }[] = [];
    let unchanged = 0;
    for (const score of mapped.scores) {
      const subjectId = subjectIds.get(score.subject);
      if (!subjectId) continue;
      const had = stored.get(`${subjectId}\u0000${score.instrument}\u0000${score.occasion}`);
      if (!had) toInsert.push(score);
      else if (had.total === score.total) unchanged += 1;
      else if (req.onConflict === 'update')
        toCorrect.push({ id: had.id, score, before: had.total });
      else
        problems.push({
          row: score.row,
          column: score.column,
          message: `${score.total} differs from ${had.total} imported earlier for the same occasion (row ${had.source_row} of an earlier file); import with conflicts set to update to correct it`,
        });
    }
    if (problems.length > 0) {
      // A refused dry run has still looked at the records (MRNs, earlier imports).
      audit({
        action: 'import.dry-run',
        entityType: 'study',
        entityId: mapping.study,
        details: { fileName: req.fileName, sha256, valid: false, problems: problems.length },
      });
      return refuse(problems.slice(0, 200), problems.length);
    }

    const summary = {
      ...base,
      valid: true,
      subjects: {
        created: newSubjects.length,
        existing: mapped.subjects.length - newSubjects.length,
        linkedToPatients: patients.size,
      },
      scores: { created: toInsert.length, unchanged, updated: toCorrect.length },
      problems: [],
      problemCount: 0,
    };
    // Only the patients whose records this import changes (new or corrected scores).
    const patientOfSubject = new Map<string, string | null>([
      ...newSubjects.map((n) => [n.externalId, n.patientId] as const),
      ...[...existing.values()].map((e) => [e.external_id, e.patient_id] as const),
    ]);
    const linked = [
      ...new Set(
        [...toInsert, ...toCorrect.map((c) => c.score)].map(
          (sc) => patientOfSubject.get(sc.subject) ?? null,
        ),
      ),
    ].filter((p): p is string => p !== null);
    const nothingNew =
      newSubjects.length + attributeUpdates.length + toInsert.length + toCorrect.length === 0;
    if (req.dryRun || nothingNew) {
      audit({
        // An unchanged re-import writes no batch: importing the same file twice is a no-op.
        action: req.dryRun ? 'import.dry-run' : 'import.unchanged',
        entityType: 'study',
        entityId: mapping.study,
        details: {
          fileName: req.fileName,
          sha256,
          scores: summary.scores,
          subjects: summary.subjects,
        },
      });
      return { ...summary, batchId: null };
    }

    if (!study)
      await insertStudy(trx, {
        name: mapping.study,
        baseline_time_point: baseline,
        created_by: ctx.actor?.userId ?? null,
        created_at: now,
      });
    else if (!study.baseline_time_point && baseline)
      await setStudyBaseline(trx, mapping.study, baseline);
    await insertBatch(trx, {
      id: batchId,
      study: mapping.study,
      file_name: req.fileName,
      file_sha256: sha256,
      mapping: JSON.stringify(req.mapping),
      rows_read: nonEmpty.length,
      summary: JSON.stringify({ subjects: summary.subjects, scores: summary.scores }),
      imported_by: ctx.actor?.userId ?? null,
      imported_at: now,
    });
    await insertSubjects(
      trx,
      newSubjects.map((s) => ({
        id: s.id,
        study: mapping.study,
        external_id: s.externalId,
        patient_id: s.patientId,
        attributes: s.attributes,
        created_at: now,
      })),
    );
    for (const u of attributeUpdates) {
      await updateSubjectAttributes(trx, u.id, u.attributes);
      audit({
        action: 'import.subject.update',
        entityType: 'study_subject',
        entityId: u.id,
        details: {
          batchId,
          before: JSON.parse(u.before) as unknown,
          after: JSON.parse(u.attributes) as unknown,
        },
      });
    }
    const total = toInsert.length + toCorrect.length;
    req.onProgress?.(0, total);
    await insertImportedScores(
      trx,
      toInsert.map((s) => ({
        id: newId(),
        subject_id: subjectIds.get(s.subject) ?? '',
        instrument: s.instrument,
        total: s.total,
        administered_at: s.administeredAt,
        time_point: s.timePoint,
        day: s.day,
        arm: s.arm,
        occasion: s.occasion,
        batch_id: batchId,
        source_row: s.row,
      })),
      (written) => req.onProgress?.(written, total),
    );
    for (const [i, c] of toCorrect.entries()) {
      await correctImportedScore(trx, c.id, {
        total: c.score.total,
        batch_id: batchId,
        source_row: c.score.row,
      });
      audit({
        action: 'import.score.correct',
        entityType: 'imported_score',
        entityId: c.id,
        details: {
          batchId,
          row: c.score.row,
          before: { total: c.before },
          after: { total: c.score.total },
        },
      });
      req.onProgress?.(toInsert.length + i + 1, total);
    }
    audit({
      action: 'import.table',
      entityType: 'import_batch',
      entityId: batchId,
      details: {
        study: mapping.study,
        fileName: req.fileName,
        sha256,
        subjects: summary.subjects,
        scores: summary.scores,
      },
    });
    // Linked subjects are identified patients: their records changed, so each is audited by patient.
    for (const patientId of linked)
      audit({
        action: 'import.patient-scores',
        entityType: 'import_batch',
        entityId: batchId,
        patientId,
      });
    return { ...summary, batchId };
  });
}
