import { describe, expect, it } from 'vitest';
import { bpRise } from './bp-rise.js';

const r = (phase: string, systolicMmHg: number | null, diastolicMmHg: number | null = 80) => ({
  phase,
  systolicMmHg,
  diastolicMmHg,
});

describe('bpRise', () => {
  it('is the peak after the dose minus the last pre-dose reading', () => {
    expect(
      bpRise([
        r('predose', 140),
        r('predose', 130, 82),
        r('infusing', 152, 95),
        r('observing', 145, 99),
      ]),
    ).toEqual({ systolicRiseMmHg: 22, diastolicRiseMmHg: 17 });
  });

  it('can be negative, and is null without a pre-dose value or a later reading', () => {
    expect(bpRise([r('predose', 150), r('infusing', 140)]).systolicRiseMmHg).toBe(-10);
    expect(bpRise([r('infusing', 140)]).systolicRiseMmHg).toBeNull();
    expect(bpRise([r('predose', 130)]).systolicRiseMmHg).toBeNull();
    expect(
      bpRise([r('predose', 130), r('predose', null), r('infusing', 150)]).systolicRiseMmHg,
    ).toBeNull();
  });
});
