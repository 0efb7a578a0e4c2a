/**
 * Outcome rules (REFERENCE D4), pure. Scores are totals of one instrument for one
 * patient; doses are the course's given doses. Every threshold comes in as a
 * parameter from settings so a report can state the rules it used.
 */
export interface ScorePoint {
  readonly at: string;
  readonly total: number;
  /** `at` as epoch milliseconds, when the caller has it already (reports over many courses). */
  readonly t?: number;
}

export interface OutcomeRules {
  /** Baseline: the last score on or before the first dose, at most this many days before it (D4: 14). */
  readonly baselineWindowDays: number;
  /** Response: a fall of at least this % (D4: 50). */
  readonly responseFallPercent: number;
  /** Partial response: a fall of at least this % and below the response fall (D4: 25). */
  readonly partialFallPercent: number;
  /** Remission: total at or below this; null when the instrument has none. */
  readonly remissionMax: number | null;
}

export type ResponseStatus = 'response' | 'partial-response' | 'no-response';

const DAY = 86_400_000;
const time = (s: ScorePoint): number => s.t ?? Date.parse(s.at);
const byTime = (a: ScorePoint, b: ScorePoint) => time(a) - time(b);

export function selectBaseline<T extends ScorePoint>(
  scores: readonly T[],
  firstDoseAt: string,
  r: OutcomeRules,
): T | null {
  const dose = Date.parse(firstDoseAt);
  const eligible = scores.filter((s) => {
    const t = time(s);
    return t <= dose && t >= dose - r.baselineWindowDays * DAY;
  });
  return [...eligible].sort(byTime).at(-1) ?? null;
}

/** Endpoint: the last score at or before the end of the course, after the baseline (D4). */
export function selectEndpoint<T extends ScorePoint>(
  scores: readonly T[],
  baseline: ScorePoint,
  courseEndAt: string,
): T | null {
  const end = Date.parse(courseEndAt);
  const after = scores.filter((s) => time(s) > time(baseline) && time(s) <= end);
  return [...after].sort(byTime).at(-1) ?? null;
}

/** Percentage change from baseline (negative = improvement); null when the baseline is 0. */
export function percentChange(baseline: number, value: number): number | null {
  return baseline === 0 ? null : ((value - baseline) / baseline) * 100;
}

export function responseStatus(
  baseline: number,
  value: number,
  r: OutcomeRules,
): ResponseStatus | null {
  const change = percentChange(baseline, value);
  if (change === null) return null;
  const fall = -change;
  if (fall >= r.responseFallPercent) return 'response';
  if (fall >= r.partialFallPercent) return 'partial-response';
  return 'no-response';
}

export const isRemission = (value: number, r: OutcomeRules): boolean =>
  r.remissionMax !== null && value <= r.remissionMax;

export interface Reached {
  readonly at: string;
  readonly days: number;
  /** Doses given before that score was taken (a rating taken as a dose starts reflects the doses before it). */
  readonly doses: number;
}

/** How many doses had been given by the time of a score (ratings at a dose's start count it). */
export const dosesGivenBy = (doseTimes: readonly string[], at: string): number =>
  doseTimes.filter((d) => Date.parse(d) <= Date.parse(at)).length;

function firstReaching(
  scores: readonly ScorePoint[],
  doseTimes: readonly string[],
  test: (s: ScorePoint) => boolean,
): Reached | null {
  const first = doseTimes[0];
  if (!first) return null;
  const start = Date.parse(first);
  const hit = [...scores].sort(byTime).find((s) => time(s) > start && test(s));
  if (!hit) return null;
  const t = time(hit);
  return {
    at: hit.at,
    days: (t - start) / DAY,
    doses: dosesGivenBy(doseTimes, hit.at),
  };
}

export function timeToResponse(
  scores: readonly ScorePoint[],
  baseline: number,
  doseTimes: readonly string[],
  r: OutcomeRules,
): Reached | null {
  return firstReaching(
    scores,
    doseTimes,
    (s) => responseStatus(baseline, s.total, r) === 'response',
  );
}

export function timeToRemission(
  scores: readonly ScorePoint[],
  doseTimes: readonly string[],
  r: OutcomeRules,
): Reached | null {
  return firstReaching(scores, doseTimes, (s) => isRemission(s.total, r));
}

/**
 * Relapse after response (D4, ketatrack default): two consecutive scores after the
 * response that are back above half the baseline. Returns the second of them.
 */
export function relapseAfterResponse<T extends ScorePoint>(
  scores: readonly T[],
  baseline: number,
  respondedAt: string,
): T | null {
  const later = [...scores].sort(byTime).filter((s) => time(s) > Date.parse(respondedAt));
  for (let i = 1; i < later.length; i++) {
    const a = later[i - 1];
    const b = later[i];
    if (a && b && a.total > baseline / 2 && b.total > baseline / 2) return b;
  }
  return null;
}

/** A completer received at least the planned minimum number of doses (D4; a setting per protocol). */
export const isCompleter = (dosesGiven: number, minimumDoses: number): boolean =>
  dosesGiven >= minimumDoses;
