import { dosingWeight, type WeightBasis } from './weight-basis.js';

/**
 * Rounding, stated once (docs/adr/0010-dosing.md): the weight used is kept to the
 * gram; the dose is rounded half-up to 0.1 mg (stored as whole micrograms); the
 * volume half-up to 0.01 mL; the pump rate half-up to 0.1 mL/h. Rounding happens
 * once per quantity, from unrounded inputs, so errors never compound.
 */
const roundTo = (value: number, step: number): number => Math.round(value / step + 1e-9) * step;
const fix = (value: number, decimals: number): number => Number(value.toFixed(decimals));

export interface InfusionDoseInput {
  readonly mgPerKg: number;
  readonly basis: WeightBasis;
  readonly actualWeightKg: number;
  readonly heightCm: number | null;
  readonly sex: string;
  /** Drug concentration of the prepared infusion. */
  readonly concentrationMgPerMl: number;
  readonly durationMin: number;
  /** Hard maximum per session (setting; REFERENCE D6 default 1.0 mg/kg). */
  readonly maxMgPerKg: number;
}

export interface InfusionDose {
  readonly basis: WeightBasis;
  readonly weightKg: number;
  readonly mgPerKg: number;
  readonly doseUg: number;
  readonly doseMg: number;
  readonly volumeMl: number;
  readonly rateMlPerHour: number;
  readonly durationMin: number;
  readonly concentrationMgPerMl: number;
  /** The dose per kg of actual body weight, shown when another basis was used. */
  readonly mgPerKgActual: number;
}

export type DoseResult<T> =
  { ok: true; dose: T } | { ok: false; errors: { field: string; rule: string; message: string }[] };

export function calculateInfusionDose(i: InfusionDoseInput): DoseResult<InfusionDose> {
  const errors: { field: string; rule: string; message: string }[] = [];
  if (!(i.mgPerKg > 0))
    errors.push({ field: 'mgPerKg', rule: 'positive', message: 'must be above 0' });
  if (i.mgPerKg > i.maxMgPerKg) {
    errors.push({
      field: 'mgPerKg',
      rule: 'hard-maximum',
      message: `${i.mgPerKg} mg/kg is above the hard maximum of ${i.maxMgPerKg} mg/kg`,
    });
  }
  if (!(i.concentrationMgPerMl > 0))
    errors.push({ field: 'concentrationMgPerMl', rule: 'positive', message: 'must be above 0' });
  if (!(i.durationMin > 0))
    errors.push({ field: 'durationMin', rule: 'positive', message: 'must be above 0' });
  const w = dosingWeight(i.basis, i.actualWeightKg, i.heightCm, i.sex);
  if (!w.ok) errors.push({ field: 'basis', rule: 'basis-data', message: w.reason });
  if (errors.length > 0 || !w.ok) return { ok: false, errors };
  const weightKg = fix(roundTo(w.weightKg, 0.001), 3);
  const doseMg = fix(roundTo(i.mgPerKg * weightKg, 0.1), 1);
  const volumeMl = fix(roundTo(doseMg / i.concentrationMgPerMl, 0.01), 2);
  const rateMlPerHour = fix(
    roundTo((doseMg / i.concentrationMgPerMl) * (60 / i.durationMin), 0.1),
    1,
  );
  // A concentration too small to give a volume a pump can hold (a typo, or 1e-300).
  if (!Number.isFinite(volumeMl) || !Number.isFinite(rateMlPerHour))
    return {
      ok: false,
      errors: [
        {
          field: 'concentrationMgPerMl',
          rule: 'plausible',
          message: 'is too small to give a volume that can be measured',
        },
      ],
    };
  return {
    ok: true,
    dose: {
      basis: i.basis,
      weightKg,
      mgPerKg: i.mgPerKg,
      doseUg: Math.round(doseMg * 1000),
      doseMg,
      volumeMl,
      rateMlPerHour,
      durationMin: i.durationMin,
      concentrationMgPerMl: i.concentrationMgPerMl,
      mgPerKgActual: fix(roundTo(doseMg / i.actualWeightKg, 0.001), 3),
    },
  };
}

/** Esketamine nasal spray: 28 mg per device; the label's doses are 56 mg (2) and 84 mg (3) (REFERENCE A.1). */
export const ESKETAMINE_MG_PER_DEVICE = 28;
export const ESKETAMINE_LABEL_DOSES_MG = [56, 84] as const;

export function esketamineDevices(
  doseMg: number,
): DoseResult<{ doseMg: number; devices: number; minutesBetweenDevices: number }> {
  if (!(ESKETAMINE_LABEL_DOSES_MG as readonly number[]).includes(doseMg)) {
    return {
      ok: false,
      errors: [
        {
          field: 'doseMg',
          rule: 'label-dose',
          message: 'esketamine doses are 56 mg or 84 mg (label)',
        },
      ],
    };
  }
  // The label asks for 5 minutes between devices (REFERENCE A.1).
  return {
    ok: true,
    dose: { doseMg, devices: doseMg / ESKETAMINE_MG_PER_DEVICE, minutesBetweenDevices: 5 },
  };
}
