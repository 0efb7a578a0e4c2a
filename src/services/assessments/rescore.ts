import { refreshPatientCourseOutcomes } from '../outcomes/course-outcomes.js';
import { listSettingChanges } from '../../db/repositories/setting.repository.js';
import type { Flag, InstrumentId } from '../../domain/scales/instrument.js';
import { isInstrumentId } from '../../domain/scales/instrument.js';
import { scoreInstrument } from '../../domain/scales/score-instrument.js';
import type { Deps, RequestContext } from '../deps.js';
import { loadSettings, settingsAt } from '../settings/settings.js';
import { inTransaction } from '../unit-of-work.js';
import { readScoreOptions } from './assessment-dto.js';

export interface RescoreChange {
  assessmentId: string;
  patientId: string;
  instrument: InstrumentId;
  before: {
    scorerVersion: string;
    total: number | null;
    severity: string | null;
    flags: string[];
    riskLevel: string | null;
  };
  after:
    | {
        scorerVersion: string;
        total: number | null;
        severity: string | null;
        flags: string[];
        riskLevel: string | null;
      }
    | { error: string };
}

export interface RescoreReport {
  checked: number;
  changed: RescoreChange[];
  applied: boolean;
}

/**
 * Recomputes every stored (non-imported) score with today's scorers and the
 * settings version it was first scored under, so only rule changes show.
 * Reports what would move; with `apply`, writes the new results (audited).
 */
export async function rescoreAssessments(
  deps: Deps,
  ctx: RequestContext,
  opts: { apply: boolean },
): Promise<RescoreReport> {
  const db = deps.database.db;
  const changes = await listSettingChanges(db);
  const report: RescoreReport = { checked: 0, changed: [], applied: opts.apply };
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('assessments')
      .selectAll()
      .where('source', '!=', 'import')
      .where('id', '>', after)
      .orderBy('id')
      .limit(1000)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      after = r.id;
      report.checked += 1;
      if (!isInstrumentId(r.instrument)) continue;
      const before = {
        scorerVersion: r.scorer_version,
        total: r.total,
        severity: r.severity,
        flags: (JSON.parse(r.flags) as Flag[]).map((f) => `${f.id}@${f.item}`),
        riskLevel: r.risk_level,
      };
      const out = scoreInstrument(
        r.instrument,
        JSON.parse(r.answers) as Record<string, number | null>,
        readScoreOptions(r.options),
        settingsAt(changes, r.settings_version).settings,
      );
      if (!out.ok) {
        report.changed.push({
          assessmentId: r.id,
          patientId: r.patient_id,
          instrument: r.instrument,
          before,
          after: { error: out.errors.map((e) => `${e.item}: ${e.message}`).join('; ') },
        });
        continue;
      }
      const res = out.result;
      const now = {
        scorerVersion: res.version,
        total: res.total,
        severity: res.severity,
        flags: res.flags.map((f) => `${f.id}@${f.item}`),
        riskLevel: res.riskLevel ?? null,
      };
      if (JSON.stringify(now) === JSON.stringify(before)) continue;
      report.changed.push({
        assessmentId: r.id,
        patientId: r.patient_id,
        instrument: r.instrument,
        before,
        after: now,
      });
      if (opts.apply) {
        await inTransaction(deps, ctx, async (trx, audit) => {
          await trx
            .updateTable('assessments')
            .set({
              scorer_version: res.version,
              total: res.total,
              severity: res.severity,
              subscales: JSON.stringify(res.subscales),
              flags: JSON.stringify(res.flags),
              risk_level: res.riskLevel ?? null,
            })
            .where('id', '=', r.id)
            .execute();
          if (r.session_id === null)
            await refreshPatientCourseOutcomes(
              trx,
              [r.patient_id],
              await loadSettings(trx),
              deps.clock.now(),
            );
          audit({
            action: 'assessment.rescore',
            entityType: 'assessment',
            entityId: r.id,
            patientId: r.patient_id,
            details: { before, after: now },
          });
        });
      }
    }
  }
  return report;
}
