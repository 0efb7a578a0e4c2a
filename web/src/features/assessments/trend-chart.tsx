import type {
  AssessmentDto,
  InstrumentDto,
} from '../../../../src/contracts/instruments.contract.js';

const W = 640;
const H = 240;
const PAD = { left: 40, right: 16, top: 12, bottom: 28 };
const BAND_COLOURS = ['#e8f5e9', '#fffde7', '#fff3e0', '#fde8e4', '#f8d7da'];

/**
 * Scores over time with the severity bands shaded, the baseline (first score)
 * marked, and the response (baseline minus the response fall) and remission lines.
 */
export function TrendChart({
  instrument,
  assessments,
  responsePercent,
}: {
  instrument: InstrumentDto;
  assessments: readonly AssessmentDto[];
  responsePercent: number;
}) {
  const points = assessments.filter((a) => a.total !== null);
  if (points.length === 0 || !instrument.totalRange) return null;
  const { min, max } = instrument.totalRange;
  const times = points.map((p) => Date.parse(p.administeredAt));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const span = Math.max(t1 - t0, 86_400_000);
  const x = (t: number) => PAD.left + ((t - t0) / span) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - min) / (max - min)) * (H - PAD.top - PAD.bottom);
  const baseline = points[0]?.total ?? 0;
  const responseLine = instrument.higherIsWorse ? baseline * (1 - responsePercent / 100) : null;
  const path = points
    .map(
      (p, i) =>
        `${i === 0 ? 'M' : 'L'}${x(times[i] ?? 0).toFixed(1)},${y(p.total ?? 0).toFixed(1)}`,
    )
    .join(' ');
  const fmt = (t: number) => new Date(t).toISOString().slice(0, 10);

  return (
    <figure className="trend">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${instrument.id} totals over time, latest ${points.at(-1)?.total ?? ''}`}
        data-testid={`trend-${instrument.id}`}
      >
        {instrument.severityBands.map((b, i) => (
          <g key={b.id}>
            <rect
              x={PAD.left}
              width={W - PAD.left - PAD.right}
              y={y(b.max + 0.5 > max ? max : b.max + 0.5)}
              height={Math.max(
                0,
                y(Math.max(min, b.min - 0.5)) - y(b.max + 0.5 > max ? max : b.max + 0.5),
              )}
              fill={BAND_COLOURS[Math.min(i, BAND_COLOURS.length - 1)]}
            />
            <text
              x={W - PAD.right - 4}
              y={y((b.min + b.max) / 2) + 4}
              textAnchor="end"
              className="band-label"
            >
              {b.label}
            </text>
          </g>
        ))}
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={H - PAD.bottom} stroke="#9aa4b2" />
        {[min, Math.round((min + max) / 2), max].map((v) => (
          <text key={v} x={PAD.left - 6} y={y(v) + 4} textAnchor="end" className="axis">
            {v}
          </text>
        ))}
        <text x={PAD.left} y={H - 8} className="axis">
          {fmt(t0)}
        </text>
        <text x={W - PAD.right} y={H - 8} textAnchor="end" className="axis">
          {fmt(t1)}
        </text>
        {responseLine !== null && (
          <g>
            <line
              x1={PAD.left}
              x2={W - PAD.right}
              y1={y(responseLine)}
              y2={y(responseLine)}
              stroke="#1f5fae"
              strokeDasharray="6 4"
            />
            <text x={PAD.left + 4} y={y(responseLine) - 4} className="line-label">
              response (−{responsePercent}%)
            </text>
          </g>
        )}
        {instrument.remissionMax !== null && (
          <g>
            <line
              x1={PAD.left}
              x2={W - PAD.right}
              y1={y(instrument.remissionMax + 0.5)}
              y2={y(instrument.remissionMax + 0.5)}
              stroke="#1e7a3c"
              strokeDasharray="2 3"
            />
            <text x={PAD.left + 4} y={y(instrument.remissionMax + 0.5) + 14} className="line-label">
              remission ≤ {instrument.remissionMax}
            </text>
          </g>
        )}
        <path d={path} fill="none" stroke="#1b2330" strokeWidth={2} />
        {points.map((p, i) => (
          <circle
            key={p.id}
            cx={x(times[i] ?? 0)}
            cy={y(p.total ?? 0)}
            r={i === 0 ? 6 : 4}
            fill={i === 0 ? '#fff' : '#1b2330'}
            stroke="#1b2330"
            strokeWidth={2}
          >
            <title>{`${fmt(times[i] ?? 0)}: ${p.total ?? ''}${i === 0 ? ' (baseline)' : ''}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption className="muted">
        Open circle: baseline ({baseline}). Bands: {instrument.bandsSource}.
      </figcaption>
    </figure>
  );
}
