import type { SessionDto } from '../../../../src/contracts/sessions.contract.js';

const W = 640;
const H = 220;
const PAD = { l: 36, r: 12, t: 10, b: 22 };

/** Blood pressure (systolic/diastolic) and heart rate over the session, with the red thresholds drawn. */
export function VitalsChart({
  vitals,
  redSystolic,
  redDiastolic,
  hrRed,
}: {
  vitals: SessionDto['vitals'];
  redSystolic: number;
  redDiastolic: number;
  hrRed: number;
}) {
  const pts = vitals.filter((v) => v.systolicMmHg !== null || v.heartRateBpm !== null);
  if (pts.length === 0) return <p className="muted">No vitals yet.</p>;
  const times = pts.map((v) => Date.parse(v.takenAt));
  const t0 = Math.min(...times);
  const span = Math.max(Math.max(...times) - t0, 10 * 60_000);
  const x = (t: number) => PAD.l + ((t - t0) / span) * (W - PAD.l - PAD.r);
  const y = (v: number) => PAD.t + (1 - (v - 40) / (220 - 40)) * (H - PAD.t - PAD.b);
  const line = (key: 'systolicMmHg' | 'diastolicMmHg' | 'heartRateBpm') =>
    pts
      .filter((v) => v[key] !== null)
      .map(
        (v, i) =>
          `${i === 0 ? 'M' : 'L'}${x(Date.parse(v.takenAt)).toFixed(1)},${y(v[key] ?? 0).toFixed(1)}`,
      )
      .join(' ');
  const threshold = (v: number, label: string) => (
    <g key={label}>
      <line x1={PAD.l} x2={W - PAD.r} y1={y(v)} y2={y(v)} stroke="#b3261e" strokeDasharray="5 4" />
      <text x={W - PAD.r - 2} y={y(v) - 3} textAnchor="end" className="line-label">
        {label}
      </text>
    </g>
  );
  return (
    <figure className="trend">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Vitals over the session: ${pts.length} readings`}
        data-testid="vitals-chart"
      >
        {[60, 100, 140, 180, 220].map((v) => (
          <text key={v} x={PAD.l - 4} y={y(v) + 4} textAnchor="end" className="axis">
            {v}
          </text>
        ))}
        {threshold(redSystolic, `systolic ${redSystolic}`)}
        {threshold(redDiastolic, `diastolic ${redDiastolic}`)}
        {threshold(hrRed, `HR ${hrRed}`)}
        <path d={line('systolicMmHg')} fill="none" stroke="#1b2330" strokeWidth={2} />
        <path d={line('diastolicMmHg')} fill="none" stroke="#1f5fae" strokeWidth={2} />
        <path
          d={line('heartRateBpm')}
          fill="none"
          stroke="#9a6200"
          strokeWidth={2}
          strokeDasharray="3 2"
        />
        {pts.map(
          (v) =>
            v.systolicMmHg !== null && (
              <circle
                key={v.id}
                cx={x(Date.parse(v.takenAt))}
                cy={y(v.systolicMmHg)}
                r={3}
                fill="#1b2330"
              >
                <title>{`${v.takenAt.slice(11, 16)} ${v.systolicMmHg}/${v.diastolicMmHg ?? ''} HR ${v.heartRateBpm ?? ''}`}</title>
              </circle>
            ),
        )}
      </svg>
      <figcaption className="muted small">
        Black: systolic · blue: diastolic · dashed brown: heart rate · red dashes: alert thresholds.
      </figcaption>
    </figure>
  );
}
