import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings/setting-definitions.js';
import { maudsleyScore, monthsBetween, thaseRushStage } from './staging.js';
import { judgeTrial, type TrialInput } from './trd-rules.js';

const failed = (drugId: string, dose: number): ReturnType<typeof judgeTrial> =>
  judgeTrial(
    {
      id: drugId,
      drugId,
      dosePerDayMg: dose,
      weeks: 8,
      adherence: 'good',
      improvementPercent: 10,
      responseCategory: null,
      augmentation: false,
    } satisfies TrialInput,
    DEFAULT_SETTINGS,
  );

describe('Thase–Rush', () => {
  it.each([
    [[], false, 0],
    [[failed('sertraline', 100)], false, 1],
    [[failed('sertraline', 100), failed('citalopram', 20)], false, 1],
    [[failed('sertraline', 100), failed('duloxetine', 60)], false, 2],
    [[failed('sertraline', 100), failed('nortriptyline', 100)], false, 3],
    [[failed('nortriptyline', 100)], false, 1],
    [[failed('sertraline', 100), failed('nortriptyline', 100), failed('phenelzine', 60)], false, 4],
    [[failed('sertraline', 100), failed('nortriptyline', 100), failed('phenelzine', 60)], true, 5],
    [[failed('sertraline', 100), failed('duloxetine', 60)], true, 2],
  ])('trials %# → stage %s', (trials, ect, stage) => {
    expect(thaseRushStage(trials, ect).stage).toBe(stage);
  });
  it('ignores inadequate trials', () => {
    expect(thaseRushStage([failed('sertraline', 100), failed('duloxetine', 30)], false).stage).toBe(
      1,
    );
  });
});

describe('Maudsley Staging Method', () => {
  const base = {
    episodeMonths: 6,
    severity: 'moderate' as const,
    failedAntidepressants: 2,
    augmentationUsed: false,
    ectUsed: false,
  };
  it.each([
    [12, 1],
    [13, 2],
    [24, 2],
    [25, 3],
  ])('duration %i months → %i', (episodeMonths, points) => {
    expect(maudsleyScore({ ...base, episodeMonths }).parts.duration).toBe(points);
  });
  it.each([
    [1, 1],
    [2, 1],
    [3, 2],
    [4, 2],
    [5, 3],
    [6, 3],
    [7, 4],
    [10, 4],
    [11, 5],
  ])('%i failed antidepressants → %i', (failedAntidepressants, points) => {
    expect(maudsleyScore({ ...base, failedAntidepressants }).parts.antidepressants).toBe(points);
  });
  it('totals 3–15 with bands at 6/7 and 10/11', () => {
    expect(
      maudsleyScore({
        episodeMonths: 1,
        severity: 'subsyndromal',
        failedAntidepressants: 1,
        augmentationUsed: false,
        ectUsed: false,
      }),
    ).toMatchObject({ total: 3, band: 'mild' });
    expect(maudsleyScore({ ...base, severity: 'severe-without-psychosis' })).toMatchObject({
      total: 6,
      band: 'mild',
    });
    expect(maudsleyScore({ ...base, severity: 'severe-with-psychosis' })).toMatchObject({
      total: 7,
      band: 'moderate',
    });
    expect(
      maudsleyScore({
        episodeMonths: 30,
        severity: 'severe-with-psychosis',
        failedAntidepressants: 4,
        augmentationUsed: false,
        ectUsed: false,
      }),
    ).toMatchObject({ total: 10, band: 'moderate' });
    expect(
      maudsleyScore({
        episodeMonths: 30,
        severity: 'severe-with-psychosis',
        failedAntidepressants: 4,
        augmentationUsed: true,
        ectUsed: false,
      }),
    ).toMatchObject({ total: 11, band: 'severe' });
    expect(
      maudsleyScore({
        episodeMonths: 30,
        severity: 'severe-with-psychosis',
        failedAntidepressants: 12,
        augmentationUsed: true,
        ectUsed: true,
      }),
    ).toMatchObject({ total: 15, band: 'severe' });
  });
  it('says what is missing instead of guessing', () => {
    expect(maudsleyScore({ ...base, severity: null })).toMatchObject({
      total: null,
      missing: ['episode severity'],
    });
    expect(maudsleyScore({ ...base, failedAntidepressants: 0 }).missing).toEqual([
      'at least one failed antidepressant',
    ]);
  });
  it('counts whole months', () => {
    expect(monthsBetween('2025-01-15', '2026-01-14')).toBe(11);
    expect(monthsBetween('2025-01-15', '2026-01-15')).toBe(12);
  });
});
