/**
 * The largest blood-pressure rise of a session: the highest reading after the
 * pre-dose one minus the pre-dose reading (the last reading taken before the
 * dose, the same one the chairside alerts compare with). Null when either is
 * missing. Readings come in the order they were taken.
 */
export interface BpReading {
  readonly phase: string;
  readonly systolicMmHg: number | null;
  readonly diastolicMmHg: number | null;
}

export interface BpRise {
  readonly systolicRiseMmHg: number | null;
  readonly diastolicRiseMmHg: number | null;
}

export function bpRise(readings: readonly BpReading[]): BpRise {
  const pre = readings.filter((r) => r.phase === 'predose').at(-1);
  const post = readings.filter((r) => r.phase !== 'predose');
  const rise = (key: 'systolicMmHg' | 'diastolicMmHg') => {
    const base = pre?.[key];
    const values = post.map((r) => r[key]).filter((v): v is number => v !== null);
    return base != null && values.length > 0 ? Math.max(...values) - base : null;
  };
  return { systolicRiseMmHg: rise('systolicMmHg'), diastolicRiseMmHg: rise('diastolicMmHg') };
}
