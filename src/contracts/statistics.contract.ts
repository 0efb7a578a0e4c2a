import { Type } from 'typebox';
import { Nullable } from './common.contract.js';

/** Mean ± SD with its t-based 95% CI; null below two values. */
export const MeanCiSchema = Nullable(
  Type.Object({
    n: Type.Integer(),
    mean: Type.Number(),
    sd: Type.Number(),
    ciLow: Type.Number(),
    ciHigh: Type.Number(),
  }),
);

/** A proportion's Wilson 95% CI; null when nothing was counted. */
export const WilsonCiSchema = Nullable(
  Type.Object({ p: Type.Number(), low: Type.Number(), high: Type.Number() }),
);

export const ProportionSchema = Type.Object({
  count: Type.Integer(),
  of: Type.Integer(),
  ci: WilsonCiSchema,
});

/** Paired before/after: mean difference with its 95% CI, paired t and Wilcoxon p. */
export const PairedComparisonSchema = Nullable(
  Type.Object({
    n: Type.Integer(),
    meanDifference: Type.Number(),
    ciLow: Type.Number(),
    ciHigh: Type.Number(),
    tPValue: Type.Number(),
    wilcoxonPValue: Type.Number(),
  }),
);
