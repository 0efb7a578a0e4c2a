import type { Kysely } from 'kysely';
import {
  findStudy,
  patientIdsByMrn,
  scoresOfSubjects,
  subjectsOf,
} from '../../db/repositories/import.repository.js';
import type { DB } from '../../db/schema.js';
import { baselineLabel, type ImportMapping } from '../../domain/imports/import-mapping.js';
import {
  createRowMapper,
  type MappedScore,
  type RowProblem,
} from '../../domain/imports/map-rows.js';
import { newId } from '../ids.js';
import { openTable, tableFormat } from './read-table.js';
import type { SiteScope } from '../../domain/auth/site-scope.js';

/**
 * Reads and checks a table import in a worker thread (issue 10, ADR 0018), in
 * bounded memory: the file is streamed twice (once to check every row, once to
 * compare with what is stored and hand out rows to write), and only subjects,
 * the first problems and one number per score are held. Everything it sends is
 * a message (JSON text, one chunk of the job's stream); the last is the summary.
 */
export interface PlanTableImportArgs {
  readonly path: string;
  readonly fileName: string;
  readonly mapping: ImportMapping;
  readonly onConflict: 'error' | 'update';
  /** false for a dry run: check and count only, hand out no rows. */
  readonly write: boolean;
  /** Scores per message, and so per write transaction. */
  readonly chunkRows: number;
  /** Subjects link only to patients the importer may see (ADR 0027). */
  readonly scope: SiteScope;
}

/** id, subject id, instrument, total, administered at, time point, day, arm, occasion, source row. */
export type ScoreTuple = [
  string,
  string,
  string,
  number,
  string | null,
  string | null,
  number | null,
  string | null,
  string,
  number,
];

export interface NewSubject {
  readonly id: string;
  readonly externalId: string;
  readonly patientId: string | null;
  /** JSON object. */
  readonly attributes: string;
}

export interface AttributeUpdate {
  readonly id: string;
  readonly before: string;
  readonly after: string;
}

export interface Correction {
  readonly id: string;
  readonly row: number;
  readonly before: number;
  readonly total: number;
}

export interface PlanSummary {
  readonly sha256: string;
  readonly rowsRead: number;
  readonly missingCells: number;
  readonly preview: MappedScore[];
  readonly valid: boolean;
  readonly problems: RowProblem[];
  readonly problemCount: number;
  /** Whether stored records (subjects, MRNs, earlier imports) were looked at: a refusal is then audited. */
  readonly consultedRecords: boolean;
  readonly subjects: { created: number; existing: number; linkedToPatients: number };
  readonly scores: { created: number; unchanged: number; updated: number };
  /** Patients (linked subjects) whose records the import adds to or corrects. */
  readonly linkedPatientIds: string[];
}

export type PlanMessage =
  /** Every row checked: the file's digest, its rows and how many scores it holds (for a progress bar). */
  | { type: 'checked'; sha256: string; rowsRead: number; scores: number }
  | { type: 'subjects'; rows: NewSubject[] }
  /** `examined`: scores of the file compared so far, written or not. */
  | { type: 'scores'; rows: ScoreTuple[]; examined: number }
  | { type: 'attributes'; rows: AttributeUpdate[] }
  | { type: 'corrections'; rows: Correction[] }
  | { type: 'summary'; summary: PlanSummary };

const MAX_PROBLEMS = 200;
const PREVIEW_ROWS = 20;
/** About 25 MB of mapped scores: beyond this, pass 2 reads the file again. */
export const KEPT_SCORES = 100_000;

class Problems {
  readonly list: RowProblem[] = [];
  count = 0;
  add(p: RowProblem): void {
    this.count += 1;
    if (this.list.length < MAX_PROBLEMS) this.list.push(p);
  }
}

function* slices<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

const scoreKey = (subjectId: string, instrument: string, occasion: string) =>
  `${subjectId}\u0000${instrument}\u0000${occasion}`;

export async function planTableImport(
  db: Kysely<DB>,
  a: PlanTableImportArgs,
  emit: (text: string) => Promise<void>,
): Promise<void> {
  const send = (m: PlanMessage) => emit(JSON.stringify(m));
  const format = tableFormat(a.fileName);
  const m = a.mapping;

  // Pass 1: every row checked on its own and against the others.
  const first = await openTable(a.path, format);
  const checker = createRowMapper(first.header, m, MAX_PROBLEMS);
  const preview: MappedScore[] = [];
  // A file of up to KEPT_SCORES scores is kept from this pass, so pass 2 need not read
  // it again; a longer one is read again (memory stays bounded either way).
  let kept: MappedScore[] | null = [];
  for await (const r of first.rows) {
    const scores = checker.add(r.cells, r.row);
    if (preview.length < PREVIEW_ROWS)
      preview.push(...scores.slice(0, PREVIEW_ROWS - preview.length));
    if (kept && scores.length > 0) {
      if (kept.length + scores.length > KEPT_SCORES) kept = null;
      else for (const score of scores) kept.push(score);
    }
  }
  const checked = checker.totals();
  const refused = (problems: RowProblem[], count: number, consultedRecords: boolean) =>
    send({
      type: 'summary',
      summary: {
        sha256: first.sha256(),
        rowsRead: checked.rowsRead,
        missingCells: checked.missingCells,
        preview,
        valid: false,
        problems,
        problemCount: count,
        consultedRecords,
        subjects: { created: 0, existing: 0, linkedToPatients: 0 },
        scores: { created: 0, unchanged: 0, updated: 0 },
        linkedPatientIds: [],
      },
    });
  if (checked.problemCount > 0) return refused([...checked.problems], checked.problemCount, false);
  await send({
    type: 'checked',
    sha256: first.sha256(),
    rowsRead: checked.rowsRead,
    scores: checked.scoreCount,
  });

  // The stored records: the study's baseline, its subjects, patients by MRN.
  const problems = new Problems();
  const baseline = baselineLabel(m);
  const study = await findStudy(db, m.study);
  if (study?.baseline_time_point && baseline && study.baseline_time_point !== baseline)
    problems.add({
      row: 1,
      column: m.timePoint?.column ?? null,
      message: `study ${m.study} measures change from "${study.baseline_time_point}", this mapping from "${baseline}"`,
    });
  const externalIds = checked.subjects.map((s) => s.externalId);
  const existing = new Map(
    (await subjectsOf(db, m.study, externalIds)).map((s) => [s.external_id, s]),
  );
  const patients = m.subject.linkPatientsBy
    ? await patientIdsByMrn(db, a.scope, externalIds)
    : new Map<string, string>();
  const subjectIds = new Map<string, { id: string; patientId: string | null; stored: boolean }>();
  const newSubjects: NewSubject[] = [];
  const attributeUpdates: AttributeUpdate[] = [];
  for (const s of checked.subjects) {
    const patientId = patients.get(s.externalId) ?? null;
    if (m.subject.linkPatientsBy && !patientId) {
      problems.add({
        row: s.firstRow,
        column: m.subject.column,
        message: `no patient has the MRN "${s.externalId}"`,
      });
      continue;
    }
    const had = existing.get(s.externalId);
    if (!had) {
      // A dry run never writes the subject: no id needed.
      const id = a.write ? newId() : '';
      subjectIds.set(s.externalId, { id, patientId, stored: false });
      newSubjects.push({
        id,
        externalId: s.externalId,
        patientId,
        attributes: JSON.stringify(s.attributes),
      });
      continue;
    }
    subjectIds.set(s.externalId, { id: had.id, patientId: had.patient_id, stored: true });
    const before = JSON.parse(had.attributes) as Record<string, string>;
    const changed = Object.entries(s.attributes).filter(
      ([k, v]) => before[k] !== undefined && before[k] !== v,
    );
    const added = Object.keys(s.attributes).some((k) => before[k] === undefined);
    if (changed.length > 0 && a.onConflict === 'error')
      for (const [k, v] of changed)
        problems.add({
          row: s.firstRow,
          column: m.attributes[k] ?? null,
          message: `${k} "${v}" differs from "${before[k] ?? ''}" imported earlier for ${s.externalId} (import with conflicts set to update to correct it)`,
        });
    else if (changed.length > 0 || added)
      attributeUpdates.push({
        id: had.id,
        before: had.attributes,
        after: JSON.stringify({ ...before, ...s.attributes }),
      });
  }
  if (problems.count > 0) return refused(problems.list, problems.count, true);

  // Pass 2: each slice of scores compared with what is stored for its subjects;
  // new scores handed out for writing (skipped for a dry run with nothing stored).
  const counts = { created: 0, unchanged: 0, updated: 0 };
  const corrections: Correction[] = [];
  const linked = new Set<string>();
  if (a.write)
    for (const rows of slices(newSubjects, a.chunkRows)) await send({ type: 'subjects', rows });
  if (a.write || existing.size > 0) {
    let slice: MappedScore[] = [];
    let examined = 0;
    const compare = async () => {
      const storedIds = [
        ...new Set(
          slice.flatMap((s) => {
            const subject = subjectIds.get(s.subject);
            return subject?.stored ? [subject.id] : [];
          }),
        ),
      ];
      const stored = new Map(
        (await scoresOfSubjects(db, storedIds)).map((r) => [
          scoreKey(r.subject_id, r.instrument, r.occasion),
          r,
        ]),
      );
      const inserts: ScoreTuple[] = [];
      for (const s of slice) {
        const subject = subjectIds.get(s.subject);
        if (!subject) continue;
        const had = stored.get(scoreKey(subject.id, s.instrument, s.occasion));
        if (!had) {
          counts.created += 1;
          if (subject.patientId) linked.add(subject.patientId);
          if (a.write)
            inserts.push([
              newId(),
              subject.id,
              s.instrument,
              s.total,
              s.administeredAt,
              s.timePoint,
              s.day,
              s.arm,
              s.occasion,
              s.row,
            ]);
        } else if (had.total === s.total) counts.unchanged += 1;
        else if (a.onConflict === 'update') {
          counts.updated += 1;
          if (subject.patientId) linked.add(subject.patientId);
          corrections.push({ id: had.id, row: s.row, before: had.total, total: s.total });
        } else
          problems.add({
            row: s.row,
            column: s.column,
            message: `${s.total} differs from ${had.total} imported earlier for the same occasion (row ${had.source_row} of an earlier file); import with conflicts set to update to correct it`,
          });
      }
      examined += slice.length;
      slice = [];
      // Once anything is refused, nothing more is handed out (the import will not happen).
      if (inserts.length > 0 && problems.count === 0)
        await send({ type: 'scores', rows: inserts, examined });
    };
    if (kept)
      for (let i = 0; i < kept.length; i += a.chunkRows) {
        slice = kept.slice(i, i + a.chunkRows);
        await compare();
      }
    else {
      const second = await openTable(a.path, format);
      const mapper = createRowMapper(second.header, m, 0);
      for await (const r of second.rows) {
        slice.push(...mapper.add(r.cells, r.row));
        if (slice.length >= a.chunkRows) await compare();
      }
      await compare();
    }
    kept = null;
  } else counts.created = checked.scoreCount;
  if (problems.count > 0) return refused(problems.list, problems.count, true);

  if (a.write) {
    for (const rows of slices(attributeUpdates, a.chunkRows))
      await send({ type: 'attributes', rows });
    for (const rows of slices(corrections, a.chunkRows)) await send({ type: 'corrections', rows });
  }
  await send({
    type: 'summary',
    summary: {
      sha256: first.sha256(),
      rowsRead: checked.rowsRead,
      missingCells: checked.missingCells,
      preview,
      valid: true,
      problems: [],
      problemCount: 0,
      consultedRecords: true,
      subjects: {
        created: newSubjects.length,
        existing: checked.subjects.length - newSubjects.length,
        linkedToPatients: patients.size,
      },
      scores: counts,
      linkedPatientIds: [...linked],
    },
  });
}
