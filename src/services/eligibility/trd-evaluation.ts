import type { Kysely } from 'kysely';
import type { TrdEvaluationDto } from '../../contracts/eligibility.contract.js';
import {
  currentEpisode,
  insertTrdEvaluation,
  listEctOf,
  listTrdEvaluationsOf,
  listTrialsOf,
  type TrdEvaluationRow,
} from '../../db/repositories/eligibility.repository.js';
import type { DB } from '../../db/schema.js';
import { utcDate } from '../../domain/dates.js';
import {
  maudsleyScore,
  monthsBetween,
  thaseRushStage,
  type EpisodeSeverity,
} from '../../domain/eligibility/staging.js';
import {
  judgeTrd,
  type Adherence,
  type ResponseCategory,
  type TrialInput,
} from '../../domain/eligibility/trd-rules.js';
import { validationError } from '../../domain/errors/domain-error.js';
import { type Deps, type RequestContext, requireActor } from '../deps.js';
import { newId } from '../ids.js';
import { requirePatientInScope } from '../access/site-scope.js';
import { loadSettings } from '../settings/settings.js';
import { inTransaction } from '../unit-of-work.js';

type StoredResult = Omit<
  TrdEvaluationDto,
  'id' | 'episodeId' | 'evaluatedAt' | 'evaluatedBy' | 'settingsVersion' | 'outdated'
>;

function toDto(r: TrdEvaluationRow, outdated: boolean): TrdEvaluationDto {
  const result = JSON.parse(r.result) as StoredResult;
  return {
    id: r.id,
    episodeId: r.episode_id,
    evaluatedAt: r.evaluated_at,
    evaluatedBy: r.evaluated_by,
    settingsVersion: r.settings_version,
    ...result,
    outdated,
  };
}

/** The newest change to what a verdict depends on: trials, ECT, the episode, the settings. */
async function lastChange(trx: Kysely<DB>, patientId: string, episodeId: string): Promise<string> {
  const trials = await listTrialsOf(trx, patientId, episodeId);
  const ect = await listEctOf(trx, patientId, episodeId);
  const times = [
    ...trials.flatMap((t) => [t.recorded_at, t.entered_in_error_at ?? '']),
    ...ect.map((e) => e.recorded_at),
  ];
  return times.reduce((a, b) => (b > a ? b : a), '');
}

/**
 * Judges the current episode's trials against the current settings and stores the
 * verdict with its inputs and the settings version, so it can be reproduced later
 * and is never changed by a later settings change (docs/adr/0009-eligibility.md).
 */
export async function evaluateTrd(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
): Promise<TrdEvaluationDto> {
  const actor = requireActor(ctx);
  const now = deps.clock.now();
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    const episode = await currentEpisode(trx, patientId);
    if (!episode)
      throw validationError([
        {
          field: 'episode',
          rule: 'episode-required',
          message: 'record the current depressive episode first',
        },
      ]);
    const { settings, version } = await loadSettings(trx);
    const trialRows = (await listTrialsOf(trx, patientId, episode.id)).filter(
      (t) => t.entered_in_error_at === null,
    );
    const ect = await listEctOf(trx, patientId, episode.id);
    const trials: TrialInput[] = trialRows.map((t) => ({
      id: t.id,
      drugId: t.drug_id,
      dosePerDayMg: t.dose_per_day_ug / 1000,
      weeks: t.duration_days / 7,
      adherence: t.adherence as Adherence,
      improvementPercent: t.improvement_percent,
      responseCategory: t.response_category as ResponseCategory | null,
      augmentation: t.augmentation === 1,
    }));
    const verdict = judgeTrd(trials, settings);
    const episodeMonths = monthsBetween(episode.started_on, episode.ended_on ?? utcDate(now));
    const maudsley = maudsleyScore({
      episodeMonths,
      severity: episode.severity as EpisodeSeverity | null,
      failedAntidepressants: verdict.failedAdequateTrials,
      augmentationUsed: trials.some((t) => t.augmentation),
      ectUsed: ect.length > 0,
    });
    const thaseRush = thaseRushStage(
      verdict.trials,
      ect.some((e) => e.electrode_placement === 'bilateral' && e.outcome === 'failed'),
    );
    const result: StoredResult = {
      trd: verdict.trd,
      failedAdequateTrials: verdict.failedAdequateTrials,
      needed: verdict.needed,
      summary: verdict.summary,
      trials: verdict.trials.map((t) => ({ ...t })),
      thaseRush,
      maudsley: { ...maudsley, parts: { ...maudsley.parts }, missing: [...maudsley.missing] },
    };
    const row = {
      id: newId(),
      patient_id: patientId,
      episode_id: episode.id,
      evaluated_at: now.toISOString(),
      evaluated_by: actor.userId,
      settings_version: version,
      input: JSON.stringify({
        episode: {
          id: episode.id,
          startedOn: episode.started_on,
          severity: episode.severity,
          months: episodeMonths,
        },
        trials,
        ect,
      }),
      result: JSON.stringify(result),
    };
    await insertTrdEvaluation(trx, row);
    audit({
      action: 'trd.evaluate',
      entityType: 'trd_evaluation',
      entityId: row.id,
      patientId,
      details: {
        after: {
          trd: result.trd,
          failedAdequateTrials: result.failedAdequateTrials,
          settingsVersion: version,
        },
      },
    });
    return toDto(row, false);
  });
}

export async function listTrdEvaluations(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
): Promise<TrdEvaluationDto[]> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    audit({ action: 'trd.list', entityType: 'trd_evaluation', patientId });
    const rows = await listTrdEvaluationsOf(trx, patientId);
    const { version } = await loadSettings(trx);
    const changedAt = new Map<string, string>();
    for (const r of rows)
      if (!changedAt.has(r.episode_id))
        changedAt.set(r.episode_id, await lastChange(trx, patientId, r.episode_id));
    return rows.map((r) =>
      toDto(
        r,
        r.settings_version !== version || (changedAt.get(r.episode_id) ?? '') > r.evaluated_at,
      ),
    );
  });
}
