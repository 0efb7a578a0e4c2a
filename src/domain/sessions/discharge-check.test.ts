import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS as S } from '../settings/setting-definitions.js';
import { checkDischarge, type DischargeInput } from './discharge-check.js';

const ok: DischargeInput = {
  esketamine: false,
  minutesObserved: 30,
  latestVitals: { systolicMmHg: 135, diastolicMmHg: 85 },
  predose: { systolicMmHg: 130, diastolicMmHg: 80 },
  latestMoaas: 5,
  latestCadss: 2,
  escortPresent: true,
};

describe('checkDischarge (REFERENCE D3)', () => {
  it('is ready when every criterion is met', () =>
    expect(checkDischarge(ok, S)).toMatchObject({ ready: true, unmet: [] }));
  it.each([
    [{ minutesObserved: 29 }],
    [{ esketamine: true, minutesObserved: 119 }],
    [{ latestVitals: null }],
    [{ latestMoaas: 4 }],
    [{ latestMoaas: null }],
    [{ latestCadss: 5 }],
    [{ escortPresent: false }],
  ])('%j is not ready', (over) => expect(checkDischarge({ ...ok, ...over }, S).ready).toBe(false));
  it('accepts BP below 160/100, or within 20 mmHg of pre-dose', () => {
    expect(
      checkDischarge(
        {
          ...ok,
          latestVitals: { systolicMmHg: 159, diastolicMmHg: 99 },
          predose: { systolicMmHg: 110, diastolicMmHg: 60 },
        },
        S,
      ).ready,
    ).toBe(true);
    expect(
      checkDischarge(
        {
          ...ok,
          latestVitals: { systolicMmHg: 160, diastolicMmHg: 90 },
          predose: { systolicMmHg: 130, diastolicMmHg: 80 },
        },
        S,
      ).ready,
    ).toBe(false);
    expect(
      checkDischarge(
        {
          ...ok,
          latestVitals: { systolicMmHg: 165, diastolicMmHg: 95 },
          predose: { systolicMmHg: 150, diastolicMmHg: 90 },
        },
        S,
      ).ready,
    ).toBe(true);
    expect(checkDischarge({ ...ok, esketamine: true, minutesObserved: 120 }, S).ready).toBe(true);
  });
});
