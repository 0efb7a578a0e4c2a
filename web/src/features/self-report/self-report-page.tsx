import { useEffect, useMemo, useState } from 'react';
import type {
  InstrumentDto,
  SelfReportFormDto,
} from '../../../../src/contracts/instruments.contract.js';
import { APP_HEADERS, ApiError } from '../../api/client.js';
import { QidsPairQuestion, qidsPairSteps } from './qids-pairs.js';

type Answers = Record<string, number | null>;
type Step =
  | { instrument: InstrumentDto; kind: 'item'; itemId: string }
  | { instrument: InstrumentDto; kind: 'pair'; pair: readonly [string, string]; topic: string };

/**
 * The patient's own page: no account, one link, one submission. Nothing here names the patient.
 * It is its own bundle (web/src/main-self-report.tsx), so it takes the token as a prop, not
 * from a router.
 */
export function SelfReportPage({ token }: { token: string }) {
  const [form, setForm] = useState<SelfReportFormDto | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);
  const [answers, setAnswers] = useState<Record<string, Answers>>({});
  const [mode, setMode] = useState<'one' | 'all'>('one');
  const [index, setIndex] = useState(0);
  const [done, setDone] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    fetch(`/api/v1/self-report/${encodeURIComponent(token)}`, { headers: APP_HEADERS })
      .then(async (res) => {
        const body: unknown = await res.json();
        if (!res.ok) throw new ApiError(body as ApiError['problem']);
        setForm(body as SelfReportFormDto);
      })
      .catch((e: Error) => setFatal(e.message));
  }, [token]);

  const steps: Step[] = useMemo(() => {
    if (!form) return [];
    return form.instruments.flatMap((instrument): Step[] => {
      if (instrument.id === 'qids-sr16') return qidsPairSteps(instrument);
      return instrument.items.map((i) => ({ instrument, kind: 'item' as const, itemId: i.id }));
    });
  }, [form]);

  if (fatal) {
    return (
      <main className="self-report" id="main">
        <div className="card" role="alert" data-testid="self-report-error">
          <h1>This link cannot be used</h1>
          <p>{fatal}</p>
        </div>
      </main>
    );
  }
  if (done) {
    return (
      <main className="self-report" id="main">
        <div className="card" role="status" data-testid="self-report-done">
          <h1>Thank you</h1>
          <p>Your answers were sent to your care team. You can close this page.</p>
          <p className="muted">
            If you are having thoughts of harming yourself, contact your clinic or local emergency
            services now.
          </p>
        </div>
      </main>
    );
  }
  if (!form)
    return (
      <main className="self-report" aria-busy="true">
        Loading…
      </main>
    );

  const set = (instrument: string, item: string, value: number | null) =>
    setAnswers((a) => ({ ...a, [instrument]: { ...(a[instrument] ?? {}), [item]: value } }));
  const isAnswered = (s: Step) => {
    const a = answers[s.instrument.id] ?? {};
    return s.kind === 'item'
      ? a[s.itemId] !== undefined && a[s.itemId] !== null
      : (a[s.pair[0]] ?? a[s.pair[1]] ?? null) !== null;
  };
  const complete = steps.every(isAnswered);

  const submit = async () => {
    setBusy(true);
    setSubmitError(null);
    try {
      const responses = form.instruments.map((ins) => {
        const a: Answers = {};
        for (const item of ins.items) a[item.id] = answers[ins.id]?.[item.id] ?? null;
        return { instrument: ins.id, answers: a };
      });
      const res = await fetch(`/api/v1/self-report/${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { ...APP_HEADERS, 'content-type': 'application/json' },
        body: JSON.stringify({ responses }),
      });
      if (!res.ok) {
        const problem = (await res.json()) as ApiError['problem'];
        if (res.status === 410 || res.status === 404)
          setFatal(problem.detail ?? 'This link can no longer be used.');
        else setSubmitError(problem.detail ?? 'Some answers are missing.');
        return;
      }
      setDone(true);
    } finally {
      setBusy(false);
    }
  };

  const renderStep = (s: Step, n: number) => (
    <fieldset
      className="question card"
      key={`${s.instrument.id}-${n}`}
      data-testid={`question-${s.instrument.id}-${s.kind === 'item' ? s.itemId : s.pair.join('-')}`}
    >
      {s.kind === 'item' ? (
        <ItemQuestion
          instrument={s.instrument}
          itemId={s.itemId}
          value={answers[s.instrument.id]?.[s.itemId] ?? null}
          onChange={(v) => set(s.instrument.id, s.itemId, v)}
        />
      ) : (
        <QidsPairQuestion
          instrument={s.instrument}
          pair={s.pair}
          topic={s.topic}
          answers={answers[s.instrument.id] ?? {}}
          onChange={(item, v) => set(s.instrument.id, item, v)}
        />
      )}
    </fieldset>
  );

  const current = steps[index];
  return (
    <main className="self-report" id="main">
      <header className="self-report-head">
        <h1>Your questionnaires</h1>
        <p className="muted">
          Answer for the past 7 days (PHQ-9 and GAD-7: the past 2 weeks). Link valid until{' '}
          {new Date(form.expiresAt).toLocaleString()}.
        </p>
        <div className="actions" role="group" aria-label="Layout">
          <button type="button" aria-pressed={mode === 'one'} onClick={() => setMode('one')}>
            One at a time
          </button>
          <button
            type="button"
            aria-pressed={mode === 'all'}
            onClick={() => setMode('all')}
            data-testid="mode-all"
          >
            All on one page
          </button>
        </div>
      </header>
      {mode === 'all'
        ? steps.map(renderStep)
        : current && (
            <>
              <p className="muted" aria-live="polite">
                {current.instrument.title.split('(').pop()?.replace(')', '')} · question {index + 1}{' '}
                of {steps.length}
              </p>
              {renderStep(current, index)}
              <div className="actions">
                <button type="button" disabled={index === 0} onClick={() => setIndex(index - 1)}>
                  Back
                </button>
                {index < steps.length - 1 && (
                  <button
                    type="button"
                    className="primary"
                    disabled={!isAnswered(current)}
                    onClick={() => setIndex(index + 1)}
                    data-testid="next"
                  >
                    Next
                  </button>
                )}
              </div>
            </>
          )}
      {(mode === 'all' || index === steps.length - 1) && (
        <div className="card">
          {submitError && (
            <p role="alert" className="error-text">
              {submitError}
            </p>
          )}
          {!complete && (
            <p className="muted">
              {steps.filter((s) => !isAnswered(s)).length} question(s) still need an answer.
            </p>
          )}
          <button
            type="button"
            className="primary big"
            disabled={!complete || busy}
            onClick={() => void submit()}
            data-testid="self-report-submit"
          >
            {busy ? 'Sending…' : 'Send my answers'}
          </button>
        </div>
      )}
    </main>
  );
}

function ItemQuestion({
  instrument,
  itemId,
  value,
  onChange,
}: {
  instrument: InstrumentDto;
  itemId: string;
  value: number | null;
  onChange: (v: number) => void;
}) {
  const item = instrument.items.find((i) => i.id === itemId);
  if (!item) return null;
  return (
    <>
      <legend>{item.label}</legend>
      <div className="choices">
        {item.options.map((o) => (
          <label key={o.value} className={`choice${value === o.value ? ' selected' : ''}`}>
            <input
              type="radio"
              name={`${instrument.id}-${itemId}`}
              value={o.value}
              checked={value === o.value}
              onChange={() => onChange(o.value)}
            />
            {o.label}
          </label>
        ))}
      </div>
    </>
  );
}
