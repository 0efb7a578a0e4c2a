import type { InstrumentDto } from '../../../../src/contracts/instruments.contract.js';

/**
 * QIDS-SR16 asks about appetite (item 6 down / 7 up) and weight (8 down / 9 up)
 * as either-or pairs. The patient answers each pair as one question: no
 * change, or which way and how much (REFERENCE B.1: "entry screens should
 * present each pair as one choice"). Only the chosen item of the pair is set.
 */
export function qidsPairSteps(instrument: InstrumentDto) {
  const pairs: Record<string, readonly [string, string, string]> = {
    '6': ['6', '7', 'Appetite'],
    '8': ['8', '9', 'Weight'],
  };
  return instrument.items
    .filter((i) => i.id !== '7' && i.id !== '9')
    .map((i) => {
      const pair = pairs[i.id];
      return pair
        ? { instrument, kind: 'pair' as const, pair: [pair[0], pair[1]] as const, topic: pair[2] }
        : { instrument, kind: 'item' as const, itemId: i.id };
    });
}

const AMOUNT: Record<number, string> = { 1: 'a little', 2: 'somewhat', 3: 'a lot' };

export function QidsPairQuestion({
  instrument,
  pair,
  topic,
  answers,
  onChange,
}: {
  instrument: InstrumentDto;
  pair: readonly [string, string];
  topic: string;
  answers: Record<string, number | null>;
  onChange: (item: string, value: number | null) => void;
}) {
  const [down, up] = pair;
  const choices = [
    { key: 'same', label: 'No change', down: 0, up: null },
    ...[1, 2, 3].map((v) => ({
      key: `down-${v}`,
      label: `Decreased ${AMOUNT[v]}`,
      down: v,
      up: null,
    })),
    ...[1, 2, 3].map((v) => ({
      key: `up-${v}`,
      label: `Increased ${AMOUNT[v]}`,
      down: null,
      up: v,
    })),
  ];
  const current = choices.find(
    (c) => (answers[down] ?? null) === c.down && (answers[up] ?? null) === c.up,
  );
  return (
    <>
      <legend>{topic}: has it changed?</legend>
      <div className="choices">
        {choices.map((c) => (
          <label key={c.key} className={`choice${current?.key === c.key ? ' selected' : ''}`}>
            <input
              type="radio"
              name={`${instrument.id}-${down}-${up}`}
              checked={current?.key === c.key}
              onChange={() => {
                onChange(down, c.down);
                onChange(up, c.up);
              }}
            />
            {c.label}
          </label>
        ))}
      </div>
    </>
  );
}
