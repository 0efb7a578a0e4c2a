import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS as S } from '../settings/setting-definitions.js';
import { checkReadiness, type ReadinessInput } from './check-readiness.js';

const ok: ReadinessInput = {
  consentInForce: true,
  screen: { status: 'clear', expired: false },
  vitals: { systolicMmHg: 128, diastolicMmHg: 80, heartRateBpm: 72, spo2Percent: 98 },
  hoursSinceLastDose: 72,
  unacknowledgedSi: [],
  esketamine: false,
  minutesSinceFood: null,
  minutesSinceLiquid: null,
};
const withVitals = (v: Partial<NonNullable<ReadinessInput['vitals']>>) => ({
  ...ok,
  vitals: { ...ok.vitals!, ...v },
});

describe('checkReadiness (REFERENCE D1)', () => {
  it('clears a patient who meets every gate', () =>
    expect(checkReadiness(ok, S)).toEqual({ level: 'cleared', reasons: [] }));
  it.each([
    [{ systolicMmHg: 140, diastolicMmHg: 90 }, 'cleared'],
    [{ systolicMmHg: 141 }, 'caution'],
    [{ diastolicMmHg: 91 }, 'caution'],
    [{ systolicMmHg: 145, diastolicMmHg: 92 }, 'caution'],
    [{ systolicMmHg: 179, diastolicMmHg: 109 }, 'caution'],
    [{ systolicMmHg: 180 }, 'not-cleared'],
    [{ diastolicMmHg: 110 }, 'not-cleared'],
    [{ heartRateBpm: 110 }, 'cleared'],
    [{ heartRateBpm: 111 }, 'caution'],
    [{ heartRateBpm: 50 }, 'cleared'],
    [{ heartRateBpm: 49 }, 'caution'],
    [{ spo2Percent: 94 }, 'cleared'],
    [{ spo2Percent: 93 }, 'caution'],
  ])('vitals %j → %s', (v, level) => expect(checkReadiness(withVitals(v), S).level).toBe(level));
  it.each([
    [{ consentInForce: false }, 'consent'],
    [{ screen: null }, 'screen'],
    [{ screen: { status: 'clear' as const, expired: true } }, 'screen'],
    [{ screen: { status: 'caution' as const, expired: false } }, 'screen'],
    [{ screen: { status: 'contraindicated' as const, expired: false } }, 'screen'],
    [{ vitals: null }, 'vitals'],
    [{ hoursSinceLastDose: 23.9 }, 'last-dose'],
    [
      { unacknowledgedSi: [{ instrument: 'qids-sr16', item: '12', value: 2 }] },
      'suicidal-ideation',
    ],
  ])('%j is not cleared (%s)', (over, check) => {
    const r = checkReadiness({ ...ok, ...over }, S);
    expect(r.level).toBe('not-cleared');
    expect(r.reasons.map((x) => x.check)).toContain(check);
  });
  it('accepts exactly 24 h since the last dose', () =>
    expect(checkReadiness({ ...ok, hoursSinceLastDose: 24 }, S).level).toBe('cleared'));
  it('checks esketamine fasting: 2 h food, 30 min liquids', () => {
    const esk = { ...ok, esketamine: true };
    expect(checkReadiness({ ...esk, minutesSinceFood: 120, minutesSinceLiquid: 30 }, S).level).toBe(
      'cleared',
    );
    expect(checkReadiness({ ...esk, minutesSinceFood: 119, minutesSinceLiquid: 30 }, S).level).toBe(
      'not-cleared',
    );
    expect(checkReadiness({ ...esk, minutesSinceFood: 120, minutesSinceLiquid: 29 }, S).level).toBe(
      'not-cleared',
    );
    expect(
      checkReadiness({ ...esk, minutesSinceFood: null, minutesSinceLiquid: null }, S).reasons,
    ).toHaveLength(2);
  });
});
