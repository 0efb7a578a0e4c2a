/**
 * Weight bases for dosing (REFERENCE A.1: trials dose on actual body weight;
 * store the basis used with every dose). The formulas are not in REFERENCE.md;
 * they are the standard ones, cited here, and marked for local sign-off.
 */
export const WEIGHT_BASES = ['actual', 'ideal', 'adjusted'] as const;
export type WeightBasis = (typeof WEIGHT_BASES)[number];

/**
 * Ideal body weight, Devine 1974 (Drug Intell Clin Pharm 8:650): 50 kg (men) or
 * 45.5 kg (women) + 2.3 kg per inch of height over 5 feet (152.4 cm). Below 5 feet
 * the formula is not defined; we return the base weight rather than extrapolate.
 */
export function idealBodyWeightKg(heightCm: number, sex: 'female' | 'male'): number {
  const base = sex === 'male' ? 50 : 45.5;
  const inchesOver5ft = Math.max(0, (heightCm - 152.4) / 2.54);
  return base + 2.3 * inchesOver5ft;
}

/** Adjusted body weight: IBW + 0.4 × (actual − IBW), the usual correction factor for obesity. */
export function adjustedBodyWeightKg(actualKg: number, idealKg: number): number {
  return idealKg + 0.4 * (actualKg - idealKg);
}

export type BasisResult = { ok: true; weightKg: number } | { ok: false; reason: string };

export function dosingWeight(
  basis: WeightBasis,
  actualKg: number,
  heightCm: number | null,
  sex: string,
): BasisResult {
  if (basis === 'actual') return { ok: true, weightKg: actualKg };
  if (heightCm === null)
    return { ok: false, reason: `${basis} body weight needs a recorded height` };
  if (sex !== 'female' && sex !== 'male')
    return { ok: false, reason: `${basis} body weight needs sex recorded as female or male` };
  const ibw = idealBodyWeightKg(heightCm, sex);
  return { ok: true, weightKg: basis === 'ideal' ? ibw : adjustedBodyWeightKg(actualKg, ibw) };
}
