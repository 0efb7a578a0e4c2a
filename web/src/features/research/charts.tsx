import {
  DEFAULT_FRAME as F,
  kmPath,
  linePath,
  ticks,
  xScale,
  yScale,
  type Scale,
} from '../../../../src/domain/statistics/chart-geometry.js';

function Axes({ x, y, xLabel, yLabel }: { x: Scale; y: Scale; xLabel: string; yLabel: string }) {
  return (
    <g className="axis">
      <line
        x1={F.padLeft}
        y1={F.height - F.padBottom}
        x2={F.width - F.padRight}
        y2={F.height - F.padBottom}
        stroke="#333"
      />
      <line x1={F.padLeft} y1={F.padTop} x2={F.padLeft} y2={F.height - F.padBottom} stroke="#333" />
      {ticks(x.min, x.max).map((t) => (
        <text key={`x${t}`} x={x(t)} y={F.height - F.padBottom + 14} textAnchor="middle">
          {t}
        </text>
      ))}
      {ticks(y.min, y.max).map((t) => (
        <text key={`y${t}`} x={F.padLeft - 6} y={y(t) + 4} textAnchor="end">
          {t}
        </text>
      ))}
      <text x={(F.width + F.padLeft) / 2} y={F.height - 4} textAnchor="middle">
        {xLabel}
      </text>
      <text transform={`translate(12 ${F.height / 2}) rotate(-90)`} textAnchor="middle">
        {yLabel}
      </text>
    </g>
  );
}

const COLOURS = ['#1f4e79', '#b3261e', '#2e7d32', '#9a6200'];

export interface Series {
  readonly label: string;
  readonly points: readonly { x: number; y: number }[];
  readonly emphasis?: boolean;
}

/** Lines on shared axes: thin grey for individuals, bold for summaries. */
export function LineChart({
  series,
  xLabel,
  yLabel,
  testId,
}: {
  series: readonly Series[];
  xLabel: string;
  yLabel: string;
  testId: string;
}) {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return <p className="muted">Nothing to chart.</p>;
  const x = xScale(F, Math.min(0, ...all.map((p) => p.x)), Math.max(1, ...all.map((p) => p.x)));
  const y = yScale(F, 0, Math.max(1, ...all.map((p) => p.y)));
  const bold = series.filter((s) => s.emphasis);
  return (
    <figure className="trend">
      <svg
        viewBox={`0 0 ${F.width} ${F.height}`}
        role="img"
        aria-label={`${yLabel} by ${xLabel}`}
        data-testid={testId}
      >
        <Axes x={x} y={y} xLabel={xLabel} yLabel={yLabel} />
        {series
          .filter((s) => !s.emphasis)
          .map((s) => (
            <path
              key={s.label}
              d={linePath(s.points, x, y)}
              fill="none"
              stroke="#9aa5b1"
              strokeWidth={1}
            />
          ))}
        {bold.map((s, i) => (
          <path
            key={s.label}
            d={linePath(s.points, x, y)}
            fill="none"
            stroke={COLOURS[i % COLOURS.length]}
            strokeWidth={3}
          />
        ))}
      </svg>
      {bold.length > 0 && (
        <figcaption className="muted legend">
          {bold.map((s, i) => (
            <span key={s.label}>
              <span className="swatch" style={{ background: COLOURS[i % COLOURS.length] }} />{' '}
              {s.label}
            </span>
          ))}
          {series.length > bold.length && (
            <span>
              <span className="swatch" style={{ background: '#9aa5b1' }} /> individual courses
            </span>
          )}
        </figcaption>
      )}
    </figure>
  );
}

/** Kaplan–Meier curve of the share not yet reaching the event. */
export function KmChart({
  steps,
  until,
  xLabel,
  yLabel,
}: {
  steps: readonly { time: number; survival: number }[];
  until: number;
  xLabel: string;
  yLabel: string;
}) {
  const x = xScale(F, 0, Math.max(1, until));
  const y = yScale(F, 0, 1);
  return (
    <figure className="trend">
      <svg
        viewBox={`0 0 ${F.width} ${F.height}`}
        role="img"
        aria-label={`${yLabel} by ${xLabel}`}
        data-testid="km-chart"
      >
        <Axes x={x} y={y} xLabel={xLabel} yLabel={yLabel} />
        <path d={kmPath(steps, until, x, y)} fill="none" stroke="#1f4e79" strokeWidth={2} />
      </svg>
    </figure>
  );
}
