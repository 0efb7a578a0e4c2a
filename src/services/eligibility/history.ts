import type {
  EctBody,
  EctDto,
  EpisodeBody,
  EpisodeDto,
  EpisodeUpdateBody,
  TrialBody,
  TrialDto,
} from '../../contracts/eligibility.contract.js';
import {
  currentEpisode,
  findEpisode,
  findTrial,
  insertEct,
  insertEpisode,
  insertTrial,
  listEctOf,
  listEpisodesOf,
  listTrialsOf,
  markTrialInError,
  updateEpisode,
  type EctRow,
  type EpisodeRow,
  type TrialRow,
} from '../../db/repositories/eligibility.repository.js';
import type { DB } from '../../db/schema.js';
import { isCalendarDate, utcDate } from '../../domain/dates.js';
import { findAntidepressant } from '../../domain/eligibility/antidepressants.js';
import type { EpisodeSeverity } from '../../domain/eligibility/staging.js';
import type { Adherence, ResponseCategory } from '../../domain/eligibility/trd-rules.js';
import {
  DomainError,
  validationError,
  type FieldProblem,
} from '../../domain/errors/domain-error.js';
import { type Deps, type RequestContext, requireActor } from '../deps.js';
import { newId } from '../ids.js';
import { assertNotArchived } from '../patients/manage-patients.js';
import { requirePatientInScope } from '../access/site-scope.js';
import { inTransaction } from '../unit-of-work.js';
import type { Kysely } from 'kysely';

export function toEpisodeDto(r: EpisodeRow, currentId: string | undefined): EpisodeDto {
  return {
    id: r.id,
    startedOn: r.started_on,
    endedOn: r.ended_on,
    severity: r.severity as EpisodeSeverity | null,
    notes: r.notes,
    current: r.id === currentId,
    recordedAt: r.recorded_at,
  };
}

export function toTrialDto(r: TrialRow): TrialDto {
  return {
    id: r.id,
    episodeId: r.episode_id,
    drugId: r.drug_id,
    drugName: findAntidepressant(r.drug_id)?.name ?? r.drug_id,
    dosePerDayMg: r.dose_per_day_ug / 1000,
    startedOn: r.started_on,
    endedOn: r.ended_on,
    weeks: Math.round((r.duration_days / 7) * 10) / 10,
    adherence: r.adherence as Adherence,
    improvementPercent: r.improvement_percent,
    responseCategory: r.response_category as ResponseCategory | null,
    augmentation: r.augmentation === 1,
    augmentationAgent: r.augmentation_agent,
    enteredInError: r.entered_in_error_at !== null,
    recordedAt: r.recorded_at,
  };
}

function toEctDto(r: EctRow): EctDto {
  return {
    id: r.id,
    episodeId: r.episode_id,
    startedOn: r.started_on,
    sessions: r.sessions,
    electrodePlacement: r.electrode_placement,
    outcome: r.outcome,
    recordedAt: r.recorded_at,
  };
}

export async function listEpisodes(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
): Promise<EpisodeDto[]> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    audit({ action: 'episode.list', entityType: 'episode', patientId });
    const current = await currentEpisode(trx, patientId);
    return (await listEpisodesOf(trx, patientId)).map((e) => toEpisodeDto(e, current?.id));
  });
}

/** One open episode at a time: end the current one before starting another. */
export async function startEpisode(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  body: EpisodeBody,
): Promise<EpisodeDto> {
  const today = utcDate(deps.clock.now());
  if (!isCalendarDate(body.startedOn) || body.startedOn > today) {
    throw validationError([
      {
        field: 'startedOn',
        rule: 'not-in-future',
        message: 'must be a real date, today or earlier',
      },
    ]);
  }
  return inTransaction(deps, ctx, async (trx, audit) => {
    const patient = await requirePatientInScope(trx, ctx, patientId);
    assertNotArchived(patient);
    if (body.startedOn < patient.date_of_birth) {
      throw validationError([
        {
          field: 'startedOn',
          rule: 'after-birth',
          message: 'must not be before the date of birth',
        },
      ]);
    }
    const open = await currentEpisode(trx, patientId);
    if (open) {
      throw new DomainError(
        'validation.failed',
        `The episode that started ${open.started_on} is still open; end it first.`,
        [
          {
            field: 'startedOn',
            rule: 'one-open-episode',
            message: `end the episode that started ${open.started_on} first`,
          },
        ],
      );
    }
    const row = {
      id: newId(),
      patient_id: patientId,
      started_on: body.startedOn,
      ended_on: null,
      severity: body.severity ?? null,
      notes: body.notes?.trim() || null,
      recorded_by: requireActor(ctx).userId,
      recorded_at: deps.clock.now().toISOString(),
    };
    await insertEpisode(trx, row);
    audit({
      action: 'episode.create',
      entityType: 'episode',
      entityId: row.id,
      patientId,
      details: { after: row },
    });
    return toEpisodeDto(row, row.id);
  });
}

export async function changeEpisode(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  episodeId: string,
  body: EpisodeUpdateBody,
): Promise<EpisodeDto> {
  const today = utcDate(deps.clock.now());
  return inTransaction(deps, ctx, async (trx, audit) => {
    assertNotArchived(await requirePatientInScope(trx, ctx, patientId));
    const ep = await findEpisode(trx, patientId, episodeId);
    if (!ep) throw new DomainError('record.not_found', `No episode ${episodeId} for this patient.`);
    if (
      body.endedOn !== undefined &&
      body.endedOn !== null &&
      (body.endedOn > today || body.endedOn < ep.started_on)
    ) {
      throw validationError([
        {
          field: 'endedOn',
          rule: 'within-episode',
          message: `must be between ${ep.started_on} and today`,
        },
      ]);
    }
    const patch = {
      ...(body.endedOn !== undefined ? { ended_on: body.endedOn } : {}),
      ...(body.severity !== undefined ? { severity: body.severity } : {}),
    };
    await updateEpisode(trx, episodeId, patch);
    audit({
      action: 'episode.update',
      entityType: 'episode',
      entityId: episodeId,
      patientId,
      details: { before: { ended_on: ep.ended_on, severity: ep.severity }, after: patch },
    });
    const next = { ...ep, ...patch };
    return toEpisodeDto(next, next.ended_on === null ? next.id : undefined);
  });
}

async function episodeFor(
  trx: Kysely<DB>,
  patientId: string,
  episodeId: string | undefined,
): Promise<EpisodeRow> {
  const ep = episodeId
    ? await findEpisode(trx, patientId, episodeId)
    : await currentEpisode(trx, patientId);
  if (!ep) {
    throw validationError([
      {
        field: 'episodeId',
        rule: 'episode-required',
        message: 'record the current depressive episode first',
      },
    ]);
  }
  return ep;
}

/** Duration from dates (inclusive of both days) or from weeks; one or the other. */
function trialDuration(body: TrialBody, today: string): { days: number; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (body.startedOn !== undefined || body.endedOn !== undefined) {
    if (body.startedOn === undefined || body.endedOn === undefined) {
      problems.push({
        field: body.startedOn === undefined ? 'startedOn' : 'endedOn',
        rule: 'both-dates',
        message: 'give both dates, or weeks instead',
      });
      return { days: 0, problems };
    }
    if (!isCalendarDate(body.startedOn))
      problems.push({ field: 'startedOn', rule: 'calendar-date', message: 'must be a real date' });
    if (!isCalendarDate(body.endedOn))
      problems.push({ field: 'endedOn', rule: 'calendar-date', message: 'must be a real date' });
    else if (body.endedOn > today)
      problems.push({
        field: 'endedOn',
        rule: 'not-in-future',
        message: 'must not be in the future',
      });
    if (problems.length > 0) return { days: 0, problems };
    const days = (Date.parse(body.endedOn) - Date.parse(body.startedOn)) / 86_400_000 + 1;
    if (days < 1)
      problems.push({
        field: 'endedOn',
        rule: 'after-start',
        message: 'must not be before the start',
      });
    if (body.weeks !== undefined)
      problems.push({
        field: 'weeks',
        rule: 'dates-or-weeks',
        message: 'give dates or weeks, not both',
      });
    return { days, problems };
  }
  if (body.weeks === undefined) {
    problems.push({
      field: 'weeks',
      rule: 'required',
      message: 'give the weeks at this dose, or the start and end dates',
    });
    return { days: 0, problems };
  }
  return { days: Math.round(body.weeks * 7), problems };
}

export async function addTrial(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  body: TrialBody,
): Promise<TrialDto> {
  const today = utcDate(deps.clock.now());
  const problems: FieldProblem[] = [];
  if (!findAntidepressant(body.drugId))
    problems.push({
      field: 'drugId',
      rule: 'known-drug',
      message: 'is not in the antidepressant list',
    });
  const { days, problems: durationProblems } = trialDuration(body, today);
  problems.push(...durationProblems);
  if (body.improvementPercent === undefined && body.responseCategory === undefined) {
    problems.push({
      field: 'improvementPercent',
      rule: 'required',
      message: 'give the % improvement or the response category',
    });
  }
  if (body.improvementPercent !== undefined && body.responseCategory !== undefined) {
    problems.push({
      field: 'responseCategory',
      rule: 'one-of',
      message: 'give the % improvement or the category, not both',
    });
  }
  if (problems.length > 0) throw validationError(problems);
  return inTransaction(deps, ctx, async (trx, audit) => {
    assertNotArchived(await requirePatientInScope(trx, ctx, patientId));
    const ep = await episodeFor(trx, patientId, body.episodeId);
    const row = {
      id: newId(),
      patient_id: patientId,
      episode_id: ep.id,
      drug_id: body.drugId,
      dose_per_day_ug: Math.round(body.dosePerDayMg * 1000),
      started_on: body.startedOn ?? null,
      ended_on: body.endedOn ?? null,
      duration_days: days,
      adherence: body.adherence,
      improvement_percent: body.improvementPercent ?? null,
      response_category: body.responseCategory ?? null,
      augmentation: body.augmentation ? 1 : 0,
      augmentation_agent: body.augmentationAgent?.trim() || null,
      entered_in_error_at: null,
      recorded_by: requireActor(ctx).userId,
      recorded_at: deps.clock.now().toISOString(),
    };
    await insertTrial(trx, row);
    audit({
      action: 'trial.create',
      entityType: 'antidepressant_trial',
      entityId: row.id,
      patientId,
      details: { after: row },
    });
    return toTrialDto(row);
  });
}

/** Trials are never deleted; a mistaken entry is marked and left out of verdicts. */
export async function markTrialEnteredInError(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  trialId: string,
): Promise<TrialDto> {
  const at = deps.clock.now().toISOString();
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    const t = await findTrial(trx, patientId, trialId);
    if (!t) throw new DomainError('record.not_found', `No trial ${trialId} for this patient.`);
    await markTrialInError(trx, trialId, at);
    audit({
      action: 'trial.entered_in_error',
      entityType: 'antidepressant_trial',
      entityId: trialId,
      patientId,
      details: { before: { entered_in_error_at: null }, after: { entered_in_error_at: at } },
    });
    return toTrialDto({ ...t, entered_in_error_at: at });
  });
}

export async function listTrials(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
): Promise<TrialDto[]> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    audit({ action: 'trial.list', entityType: 'antidepressant_trial', patientId });
    return (await listTrialsOf(trx, patientId)).map(toTrialDto);
  });
}

export async function addEctCourse(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  body: EctBody,
): Promise<EctDto> {
  if (!isCalendarDate(body.startedOn) || body.startedOn > utcDate(deps.clock.now())) {
    throw validationError([
      {
        field: 'startedOn',
        rule: 'not-in-future',
        message: 'must be a real date, today or earlier',
      },
    ]);
  }
  return inTransaction(deps, ctx, async (trx, audit) => {
    assertNotArchived(await requirePatientInScope(trx, ctx, patientId));
    const ep = await episodeFor(trx, patientId, body.episodeId);
    const row = {
      id: newId(),
      patient_id: patientId,
      episode_id: ep.id,
      started_on: body.startedOn,
      sessions: body.sessions,
      electrode_placement: body.electrodePlacement,
      outcome: body.outcome,
      recorded_by: requireActor(ctx).userId,
      recorded_at: deps.clock.now().toISOString(),
    };
    await insertEct(trx, row);
    audit({
      action: 'ect.create',
      entityType: 'ect_course',
      entityId: row.id,
      patientId,
      details: { after: row },
    });
    return toEctDto(row);
  });
}

export async function listEctCourses(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
): Promise<EctDto[]> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    audit({ action: 'ect.list', entityType: 'ect_course', patientId });
    return (await listEctOf(trx, patientId)).map(toEctDto);
  });
}
