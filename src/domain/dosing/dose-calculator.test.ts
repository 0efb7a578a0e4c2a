import { describe, expect, it } from 'vitest';
import { calculateInfusionDose, esketamineDevices } from './dose-calculator.js';
import { adjustedBodyWeightKg, idealBodyWeightKg } from './weight-basis.js';

const base = {
  mgPerKg: 0.5,
  basis: 'actual' as const,
  actualWeightKg: 70,
  heightCm: 175,
  sex: 'male',
  concentrationMgPerMl: 1,
  durationMin: 40,
  maxMgPerKg: 1,
};

describe('calculateInfusionDose (worked examples)', () => {
  it('0.5 mg/kg for 70 kg over 40 min at 1 mg/mL: 35 mg, 35 mL, 52.5 mL/h', () => {
    expect(calculateInfusionDose(base)).toEqual({
      ok: true,
      dose: {
        basis: 'actual',
        weightKg: 70,
        mgPerKg: 0.5,
        doseUg: 35_000,
        doseMg: 35,
        volumeMl: 35,
        rateMlPerHour: 52.5,
        durationMin: 40,
        concentrationMgPerMl: 1,
        mgPerKgActual: 0.5,
      },
    });
  });
  it('rounds the dose half-up to 0.1 mg and stores micrograms', () => {
    // 0.5 × 83.3 = 41.65 → 41.7 mg
    const r = calculateInfusionDose({ ...base, actualWeightKg: 83.3 });
    expect(r.ok && r.dose).toMatchObject({ doseMg: 41.7, doseUg: 41_700 });
    // 0.75 × 61.1 = 45.825 → 45.8 mg
    const r2 = calculateInfusionDose({ ...base, mgPerKg: 0.75, actualWeightKg: 61.1 });
    expect(r2.ok && r2.dose.doseMg).toBe(45.8);
  });
  it('computes volume to 0.01 mL and rate to 0.1 mL/h from unrounded values', () => {
    // 35 mg at 0.3 mg/mL = 116.666… mL; over 40 min = 175 mL/h
    const r = calculateInfusionDose({ ...base, concentrationMgPerMl: 0.3 });
    expect(r.ok && r.dose).toMatchObject({ volumeMl: 116.67, rateMlPerHour: 175 });
    // 41.7 mg at 0.5 mg/mL over 45 min: 83.4 mL, 111.2 mL/h
    const r2 = calculateInfusionDose({
      ...base,
      actualWeightKg: 83.3,
      concentrationMgPerMl: 0.5,
      durationMin: 45,
    });
    expect(r2.ok && r2.dose).toMatchObject({ volumeMl: 83.4, rateMlPerHour: 111.2 });
  });
  it('allows exactly the hard maximum and refuses above it', () => {
    expect(calculateInfusionDose({ ...base, mgPerKg: 1 }).ok).toBe(true);
    expect(calculateInfusionDose({ ...base, mgPerKg: 1.01 })).toMatchObject({
      ok: false,
      errors: [{ field: 'mgPerKg', rule: 'hard-maximum' }],
    });
    expect(calculateInfusionDose({ ...base, mgPerKg: 0.8, maxMgPerKg: 0.75 }).ok).toBe(false);
  });
  it('doses on ideal or adjusted weight when asked, recording the basis and the mg/kg of actual weight', () => {
    // Devine IBW for a 175 cm man: 50 + 2.3 × (175 − 152.4)/2.54 = 70.465 kg
    expect(idealBodyWeightKg(175, 'male')).toBeCloseTo(70.465, 3);
    expect(idealBodyWeightKg(165, 'female')).toBeCloseTo(56.909, 3);
    expect(adjustedBodyWeightKg(120, 70.465)).toBeCloseTo(90.279, 3);
    const ideal = calculateInfusionDose({ ...base, basis: 'ideal', actualWeightKg: 120 });
    expect(ideal.ok && ideal.dose).toMatchObject({
      basis: 'ideal',
      weightKg: 70.465,
      doseMg: 35.2,
      mgPerKgActual: 0.293,
    });
    const adjusted = calculateInfusionDose({ ...base, basis: 'adjusted', actualWeightKg: 120 });
    expect(adjusted.ok && adjusted.dose).toMatchObject({
      basis: 'adjusted',
      weightKg: 90.279,
      doseMg: 45.1,
    });
  });
  it('refuses ideal weight without height or sex', () => {
    expect(calculateInfusionDose({ ...base, basis: 'ideal', heightCm: null })).toMatchObject({
      ok: false,
      errors: [{ field: 'basis', rule: 'basis-data' }],
    });
    expect(calculateInfusionDose({ ...base, basis: 'adjusted', sex: 'unknown' }).ok).toBe(false);
  });
  it('refuses zero concentration or duration', () => {
    const r = calculateInfusionDose({ ...base, concentrationMgPerMl: 0, durationMin: 0 });
    expect(r.ok ? [] : r.errors.map((e) => e.field)).toEqual([
      'concentrationMgPerMl',
      'durationMin',
    ]);
  });
});

describe('esketamineDevices', () => {
  it('counts 28 mg devices for the label doses only', () => {
    expect(esketamineDevices(56)).toEqual({
      ok: true,
      dose: { doseMg: 56, devices: 2, minutesBetweenDevices: 5 },
    });
    expect(esketamineDevices(84)).toMatchObject({ ok: true, dose: { devices: 3 } });
    expect(esketamineDevices(28).ok).toBe(false);
    expect(esketamineDevices(70).ok).toBe(false);
  });

  it('refuses a concentration so small that the volume would not be a finite number', () => {
    const r = calculateInfusionDose({ ...base, concentrationMgPerMl: 7e-323 });
    expect(r).toEqual({
      ok: false,
      errors: [expect.objectContaining({ field: 'concentrationMgPerMl', rule: 'plausible' })],
    });
  });
});
