/**
 * SVG geometry for the outcome charts, shared by the web app and the HTML report
 * so both draw the same picture from the same numbers. Pure: numbers in, path
 * strings out.
 */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly padLeft: number;
  readonly padBottom: number;
  readonly padTop: number;
  readonly padRight: number;
}

export const DEFAULT_FRAME: Frame = {
  width: 560,
  height: 260,
  padLeft: 44,
  padBottom: 32,
  padTop: 12,
  padRight: 12,
};

export interface Scale {
  (value: number): number;
  readonly min: number;
  readonly max: number;
}

function scale(min: number, max: number, from: number, to: number): Scale {
  const span = max - min || 1;
  const f = (v: number) => Math.round((from + ((v - min) / span) * (to - from)) * 10) / 10;
  return Object.assign(f, { min, max });
}

export function xScale(frame: Frame, min: number, max: number): Scale {
  return scale(min, max, frame.padLeft, frame.width - frame.padRight);
}

export function yScale(frame: Frame, min: number, max: number): Scale {
  return scale(min, max, frame.height - frame.padBottom, frame.padTop);
}

/** A polyline through the points, in order. */
export function linePath(points: readonly { x: number; y: number }[], x: Scale, y: Scale): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.x)},${y(p.y)}`).join(' ');
}

/**
 * The Kaplan–Meier step curve of the share still without the event: flat at 1
 * until the first event, dropping at each event time, flat to `until`.
 */
export function kmPath(
  steps: readonly { time: number; survival: number }[],
  until: number,
  x: Scale,
  y: Scale,
): string {
  let d = `M${x(0)},${y(1)}`;
  for (const s of steps) d += ` H${x(s.time)} V${y(s.survival)}`;
  return `${d} H${x(Math.max(until, steps.at(-1)?.time ?? 0))}`;
}

/** Round, evenly spaced tick values covering [min, max]. */
export function ticks(min: number, max: number, count = 5): number[] {
  if (max <= min) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step)
    out.push(Math.round(v * 1e6) / 1e6);
  return out;
}
