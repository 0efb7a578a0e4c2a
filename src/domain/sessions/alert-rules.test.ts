import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS as S } from '../settings/setting-definitions.js';
import {
  evaluateBprsPositive,
  evaluateCadss,
  evaluateMoaas,
  evaluateSymptom,
  evaluateVitals,
  vitalsDue,
  type VitalsReading,
} from './alert-rules.js';

const pre: VitalsReading = {
  systolicMmHg: 130,
  diastolicMmHg: 80,
  heartRateBpm: 70,
  spo2Percent: 98,
  rhythm: 'regular',
};
const r = (v: Partial<VitalsReading>) => ({ ...pre, ...v });
const rules = (v: Partial<VitalsReading>, predose: VitalsReading | null = pre) =>
  evaluateVitals(r(v), predose, S).map((a) => `${a.rule}:${a.level}`);

describe('vitals alerts (REFERENCE D2)', () => {
  it.each([
    [{ systolicMmHg: 179, diastolicMmHg: 104 }, ['bp-rise:amber']],
    [{ systolicMmHg: 180 }, ['bp-high:red']],
    [{ diastolicMmHg: 110 }, ['bp-high:red']],
    [{ systolicMmHg: 182, diastolicMmHg: 104 }, ['bp-high:red']],
    [{ systolicMmHg: 169 }, []],
    [{ systolicMmHg: 170 }, ['bp-rise:amber']],
    [{ diastolicMmHg: 104 }, []],
    [{ diastolicMmHg: 105 }, ['bp-rise:amber']],
    [{ heartRateBpm: 109 }, []],
    [{ heartRateBpm: 110 }, ['hr-high:amber']],
    [{ heartRateBpm: 129 }, ['hr-high:amber']],
    [{ heartRateBpm: 130 }, ['hr-high:red']],
    [{ heartRateBpm: 50 }, []],
    [{ heartRateBpm: 49 }, ['hr-low:amber']],
    [{ spo2Percent: 92 }, []],
    [{ spo2Percent: 91 }, ['spo2-low:red']],
    [{ rhythm: 'irregular' as const }, ['rhythm-irregular:red']],
  ])('%j → %j', (v, expected) => expect(rules(v)).toEqual(expected));
  it('does not call a rhythm newly irregular when it was irregular before the dose', () => {
    expect(rules({ rhythm: 'irregular' }, r({ rhythm: 'irregular' }))).toEqual([]);
  });
  it('has no rise rule without a pre-dose reading', () =>
    expect(rules({ systolicMmHg: 175 }, null)).toEqual([]));
  it('gives the recommended action', () => {
    expect(evaluateVitals(r({ systolicMmHg: 182, diastolicMmHg: 104 }), pre, S)[0]).toMatchObject({
      value: '182/104',
      action: 'Pause the infusion, recheck in 5 min, stop if it persists.',
    });
  });
});

describe('rating alerts', () => {
  it.each([
    [3, 3, []],
    [3, 5, ['sedation:recorded']],
    [5, 5, []],
    [4, 5, ['sedation:recorded']],
    [2, 5, ['sedation-deep:red']],
    [3, null, []],
  ])('MOAA/S %i (pre-dose %s) → %j', (score, predose, expected) => {
    expect(evaluateMoaas(score, predose, S).map((a) => `${a.rule}:${a.level}`)).toEqual(expected);
  });
  it('BPRS+ item ≥ 5 is amber', () => {
    expect(evaluateBprsPositive({ '4': 4, '11': 1, '12': 4, '15': 1 }, S)).toEqual([]);
    expect(evaluateBprsPositive({ '4': 1, '11': 1, '12': 5, '15': 1 }, S)[0]).toMatchObject({
      level: 'amber',
      value: 'item 12 = 5',
    });
  });
  it('CADSS > 4 with a rise is recorded as dissociation', () => {
    expect(evaluateCadss(4, 0, S)).toEqual([]);
    expect(evaluateCadss(5, 0, S)[0]).toMatchObject({ rule: 'dissociation', level: 'recorded' });
    expect(evaluateCadss(5, 6, S)).toEqual([]);
  });
  it('red-flag symptoms send for emergency care', () => {
    expect(evaluateSymptom('chest-pain')).toMatchObject({
      level: 'red',
      action: 'Stop the infusion and send for emergency care.',
    });
  });
});

describe('vitals cadence', () => {
  const start = new Date('2026-11-27T10:00:00Z');
  const at = (min: number) => new Date(start.getTime() + min * 60_000);
  it('is due 10 min after the last reading while infusing, overdue after 5 more', () => {
    expect(vitalsDue('infusing', at(0), start, at(14), S)).toEqual({
      dueAt: at(10),
      overdue: false,
    });
    expect(vitalsDue('infusing', at(0), start, at(15), S).overdue).toBe(false);
    expect(vitalsDue('infusing', at(0), start, at(15.1), S).overdue).toBe(true);
  });
  it('is due every 15 min while observing, counted from the phase start', () => {
    expect(vitalsDue('observing', at(30), at(40), at(41), S).dueAt).toEqual(at(55));
  });
  it('is not due before the infusion', () =>
    expect(vitalsDue('checked-in', null, start, at(100), S)).toEqual({
      dueAt: null,
      overdue: false,
    }));
});
