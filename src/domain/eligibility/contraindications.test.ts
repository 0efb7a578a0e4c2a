import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings/setting-definitions.js';
import { judgeScreen } from './contraindications.js';

const vitals = { systolicMmHg: 120, diastolicMmHg: 80, heartRateBpm: 70, spo2Percent: 98 };

describe('judgeScreen', () => {
  it('is clear with nothing present', () => {
    expect(judgeScreen([], [], vitals, DEFAULT_SETTINGS, false)).toMatchObject({
      status: 'clear',
      overridden: false,
      notes: [],
    });
  });
  it('blocks on an absolute item even with overrides', () => {
    const r = judgeScreen(
      ['intracerebral-haemorrhage', 'psychosis-history'],
      [
        { itemId: 'intracerebral-haemorrhage', reason: 'x' },
        { itemId: 'psychosis-history', reason: 'y' },
      ],
      vitals,
      DEFAULT_SETTINGS,
      false,
    );
    expect(r).toMatchObject({ status: 'contraindicated', absolute: ['intracerebral-haemorrhage'] });
  });
  it('is caution for a relative item until each is overridden, then clear (overridden)', () => {
    expect(
      judgeScreen(
        ['benzodiazepines', 'maoi'],
        [{ itemId: 'maoi', reason: 'stopped 3 weeks ago' }],
        vitals,
        DEFAULT_SETTINGS,
        false,
      ),
    ).toMatchObject({
      status: 'caution',
      relativeOpen: ['benzodiazepines'],
      relativeOverridden: ['maoi'],
    });
    expect(
      judgeScreen(
        ['benzodiazepines', 'maoi'],
        [
          { itemId: 'maoi', reason: 'a' },
          { itemId: 'benzodiazepines', reason: 'b' },
        ],
        vitals,
        DEFAULT_SETTINGS,
        false,
      ),
    ).toMatchObject({ status: 'clear', overridden: true });
  });
  it('notes a baseline blood pressure above 140/90 but not at it', () => {
    expect(
      judgeScreen(
        [],
        [],
        { ...vitals, systolicMmHg: 140, diastolicMmHg: 90 },
        DEFAULT_SETTINGS,
        false,
      ).notes,
    ).toEqual([]);
    expect(
      judgeScreen([], [], { ...vitals, systolicMmHg: 141 }, DEFAULT_SETTINGS, false).notes[0],
    ).toContain('141/80');
    expect(
      judgeScreen([], [], { ...vitals, diastolicMmHg: 91 }, DEFAULT_SETTINGS, false).notes,
    ).toHaveLength(1);
  });
});
