import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings/setting-definitions.js';
import { judgeTrd, judgeTrial, type TrialInput } from './trd-rules.js';

const trial = (over: Partial<TrialInput> = {}): TrialInput => ({
  id: 't1',
  drugId: 'sertraline',
  dosePerDayMg: 100,
  weeks: 8,
  adherence: 'good',
  improvementPercent: 20,
  responseCategory: null,
  augmentation: false,
  ...over,
});

describe('judgeTrial', () => {
  it.each([
    [{ weeks: 6 }, true],
    [{ weeks: 5.9 }, false],
    [{ dosePerDayMg: 50 }, true],
    [{ dosePerDayMg: 49.9 }, false],
    [{ drugId: 'venlafaxine', dosePerDayMg: 75 }, false],
    [{ drugId: 'venlafaxine', dosePerDayMg: 150 }, true],
    [{ adherence: 'poor' as const }, false],
    [{ adherence: 'partial' as const }, true],
  ])('%j adequate=%s', (over, adequate) => {
    expect(judgeTrial(trial(over), DEFAULT_SETTINGS).adequate).toBe(adequate);
  });

  it.each([
    [{ improvementPercent: 49.9 }, true],
    [{ improvementPercent: 50 }, false],
    [{ improvementPercent: null, responseCategory: 'partial' as const }, true],
    [{ improvementPercent: null, responseCategory: 'none' as const }, true],
    [{ improvementPercent: null, responseCategory: 'response' as const }, false],
    [{ improvementPercent: null, responseCategory: 'remission' as const }, false],
  ])('%j failed=%s', (over, failed) => {
    expect(judgeTrial(trial(over), DEFAULT_SETTINGS).failed).toBe(failed);
  });

  it('explains itself in plain words', () => {
    expect(judgeTrial(trial({ dosePerDayMg: 50, weeks: 4 }), DEFAULT_SETTINGS).reason).toBe(
      'sertraline 50 mg for 4 weeks: not adequate (too short, needs 6)',
    );
    expect(judgeTrial(trial({ dosePerDayMg: 25, weeks: 4 }), DEFAULT_SETTINGS).reason).toBe(
      'sertraline 25 mg for 4 weeks: not adequate (dose too low, needs 50 mg; too short, needs 6)',
    );
    expect(judgeTrial(trial(), DEFAULT_SETTINGS).reason).toBe(
      'sertraline 100 mg for 8 weeks: adequate and failed (20% better, below 50%)',
    );
    expect(judgeTrial(trial({ improvementPercent: null }), DEFAULT_SETTINGS)).toMatchObject({
      countsTowardTrd: false,
      reason: expect.stringContaining('not recorded'),
    });
  });

  it('follows the settings', () => {
    const s = { ...DEFAULT_SETTINGS, 'trd.minWeeks': 4, 'trd.minDoseMg.sertraline': 150 };
    expect(judgeTrial(trial({ weeks: 4, dosePerDayMg: 150 }), s).adequate).toBe(true);
    expect(judgeTrial(trial({ weeks: 4, dosePerDayMg: 100 }), s).reason).toContain('needs 150 mg');
  });
});

describe('judgeTrd', () => {
  it('needs two failed adequate trials', () => {
    const one = judgeTrd([trial({ id: 'a' }), trial({ id: 'b', weeks: 3 })], DEFAULT_SETTINGS);
    expect(one).toMatchObject({ trd: false, failedAdequateTrials: 1, needed: 2 });
    const two = judgeTrd(
      [
        trial({ id: 'a' }),
        trial({ id: 'b', drugId: 'duloxetine', dosePerDayMg: 60 }),
        trial({ id: 'c', weeks: 2 }),
      ],
      DEFAULT_SETTINGS,
    );
    expect(two).toMatchObject({ trd: true, failedAdequateTrials: 2 });
    expect(two.trials.map((t) => t.countsTowardTrd)).toEqual([true, true, false]);
    expect(two.summary).toContain('Treatment-resistant: 2 failed adequate trials');
  });
  it('does not count a trial that worked', () => {
    expect(
      judgeTrd([trial({ id: 'a' }), trial({ id: 'b', improvementPercent: 60 })], DEFAULT_SETTINGS)
        .trd,
    ).toBe(false);
  });
});
