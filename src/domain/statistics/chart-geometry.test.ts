import { describe, expect, it } from 'vitest';
import { DEFAULT_FRAME, kmPath, linePath, ticks, xScale, yScale } from './chart-geometry.js';

describe('chart geometry', () => {
  const x = xScale(DEFAULT_FRAME, 0, 10);
  const y = yScale(DEFAULT_FRAME, 0, 1);

  it('maps the domain onto the frame, y upwards', () => {
    expect(x(0)).toBe(DEFAULT_FRAME.padLeft);
    expect(x(10)).toBe(DEFAULT_FRAME.width - DEFAULT_FRAME.padRight);
    expect(y(0)).toBe(DEFAULT_FRAME.height - DEFAULT_FRAME.padBottom);
    expect(y(1)).toBe(DEFAULT_FRAME.padTop);
  });

  it('draws the Kaplan–Meier curve as steps that drop at each event and run on to the end', () => {
    const d = kmPath(
      [
        { time: 2, survival: 0.75 },
        { time: 5, survival: 0.5 },
      ],
      10,
      x,
      y,
    );
    expect(d).toBe(`M${x(0)},${y(1)} H${x(2)} V${y(0.75)} H${x(5)} V${y(0.5)} H${x(10)}`);
  });

  it('joins points in order', () => {
    expect(
      linePath(
        [
          { x: 0, y: 1 },
          { x: 10, y: 0 },
        ],
        x,
        y,
      ),
    ).toBe(`M${x(0)},${y(1)} L${x(10)},${y(0)}`);
  });

  it('picks round ticks', () => {
    expect(ticks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(0, 22)).toEqual([0, 5, 10, 15, 20]);
    expect(ticks(3, 3)).toEqual([3]);
  });
});
