import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { SessionDto } from '../../../../src/contracts/sessions.contract.js';
import { DEFAULT_SETTINGS } from '../../../../src/domain/settings/setting-definitions.js';
import { ApiError, apiGet, apiPost } from '../../api/client.js';
import { ErrorBanner } from '../../components/field.js';
import { useSession } from '../auth/session.js';
import { AdverseEventPanel, DosePanel, RatingsPanel } from './session-panels.js';
import { VitalsChart } from './vitals-chart.js';

const ACTION_LABELS: Record<string, string> = {
  'check-in': 'Check in',
  clear: 'Clear for dosing',
  start: 'Start infusion',
  pause: 'Pause',
  resume: 'Resume',
  'end-infusion': 'End infusion',
  discharge: 'Discharge',
  abort: 'Abort session',
};

function minutesSince(iso: string | null, nowMs: number): string {
  if (!iso) return '—';
  const m = Math.max(0, Math.floor((nowMs - Date.parse(iso)) / 1000));
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The chairside screen: one session, kept in step with other screens by polling its version every second. */
export function ChairsidePage() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const [s, setS] = useState<SessionDto | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [caution, setCaution] = useState<ApiError | null>(null);
  const [now, setNow] = useState(Date.now());
  const [vitals, setVitals] = useState({
    sys: '',
    dia: '',
    hr: '',
    spo2: '',
    rr: '',
    rhythm: 'regular',
  });
  // null: as recorded on the session (at check-in); a tick on this screen overrides it.
  const [escortTicked, setEscort] = useState<boolean | null>(null);
  const [minutesUntilReady, setMinutesUntilReady] = useState('');
  const version = useRef<number | null>(null);
  version.current = s?.version ?? null;

  const load = useCallback(async () => {
    try {
      setS(await apiGet<SessionDto>(`/sessions/${id}`));
    } catch (e) {
      setError(e as Error);
    }
  }, [id]);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000);
    const poll = setInterval(() => {
      void apiGet<{ version: number }>(`/sessions/${id}/version`).then(
        (v) => {
          if (version.current !== null && v.version !== version.current) void load();
        },
        () => undefined,
      );
    }, 1000);
    return () => {
      clearInterval(tick);
      clearInterval(poll);
    };
  }, [id, load]);

  const send = async (path: string, body: unknown) => {
    setError(null);
    try {
      setS(await apiPost<SessionDto>(`/sessions/${id}${path}`, body));
      return true;
    } catch (e) {
      setError(e as Error);
      if (e instanceof ApiError && e.problem.code === 'session.version_conflict') void load();
      return false;
    }
  };
  if (!s)
    return (
      <main id="main" className="page">
        <ErrorBanner error={error} />
        {!error && <p aria-busy="true">Loading…</p>}
      </main>
    );

  const act = async (action: string, extra: Record<string, unknown> = {}) => {
    setCaution(null);
    setError(null);
    try {
      setS(
        await apiPost<SessionDto>(`/sessions/${id}/actions`, {
          action,
          version: s.version,
          ...extra,
        }),
      );
    } catch (e) {
      if (
        e instanceof ApiError &&
        e.problem.code === 'session.not_cleared' &&
        (e.problem.errors ?? []).every((x) => x.rule === 'caution')
      )
        setCaution(e);
      else setError(e as Error);
      if (e instanceof ApiError && e.problem.code === 'session.version_conflict') void load();
    }
  };
  const saveVitals = async (e: FormEvent) => {
    e.preventDefault();
    const num = (v: string) => (v === '' ? undefined : Number(v));
    const ok = await send('/vitals', {
      systolicMmHg: num(vitals.sys),
      diastolicMmHg: num(vitals.dia),
      heartRateBpm: num(vitals.hr),
      spo2Percent: num(vitals.spo2),
      respiratoryRate: num(vitals.rr),
      rhythm: vitals.rhythm,
    });
    if (ok) setVitals({ sys: '', dia: '', hr: '', spo2: '', rr: '', rhythm: vitals.rhythm });
  };
  const open = s.alerts.filter((a) => a.acknowledgedAt === null);
  const { dose, discharge } = s;
  const dueIn = s.nextVitalsDueAt
    ? Math.round((Date.parse(s.nextVitalsDueAt) - now) / 60_000)
    : null;
  const infusingOrAfter = ['infusing', 'paused', 'observing'].includes(s.state);

  return (
    <main id="main" className="page chairside">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to={`/patients/${s.patient.id}?tab=sessions`}>{s.patient.name}</Link> / session{' '}
        {s.number}
      </nav>
      <header className="chair-head card">
        <div>
          <h1>
            {s.patient.name}{' '}
            <span className="muted small">
              {s.patient.mrn} · {s.patient.weightKg ?? '—'} kg
            </span>
          </h1>
          <p>
            {s.protocol.name} · session {s.number} · {s.scheduledFor}
          </p>
        </div>
        <div className="chair-status">
          <span className={`state-badge state-${s.state}`} data-testid="state-badge">
            {s.state}
          </span>
          <span className="clock" aria-label="Time since infusion start" data-testid="clock">
            {minutesSince(s.infusionStartedAt, now)}
          </span>
          {infusingOrAfter && dueIn !== null && (
            <span
              className={`due ${s.vitalsOverdue ? 'overdue' : ''}`}
              data-testid="next-vitals"
              role={s.vitalsOverdue ? 'alert' : undefined}
            >
              {s.vitalsOverdue ? 'Vitals OVERDUE' : `Vitals due in ${dueIn} min`}
            </span>
          )}
        </div>
      </header>
      {open.map((a) => (
        <div
          key={a.id}
          className={`banner-alert ${a.level}`}
          role="alert"
          data-testid="session-alert"
        >
          <strong>
            {a.level === 'red' ? 'RED' : 'AMBER'} · {a.rule.replace(/-/g, ' ')} · {a.value}
          </strong>
          <p>{a.action}</p>
          <button
            type="button"
            onClick={() => void send(`/alerts/${a.id}/acknowledge`, {})}
            data-testid="ack-session-alert"
          >
            Acknowledge
          </button>
        </div>
      ))}
      <ErrorBanner error={error} />
      {caution && (
        <div className="banner-alert amber" role="alert" data-testid="readiness-caution">
          <strong>Caution before dosing</strong>
          <ul>
            {(caution.problem.errors ?? []).map((r) => (
              <li key={r.message}>{r.message}</li>
            ))}
          </ul>
          {can('sessions.confirm') ? (
            <button
              type="button"
              className="primary"
              onClick={() => void act('clear', { confirmCaution: true })}
              data-testid="confirm-caution"
            >
              Confirm and clear
            </button>
          ) : (
            <p>A clinician must confirm to proceed.</p>
          )}
        </div>
      )}
      <section className="card actions-bar" aria-label="Session actions">
        {s.allowedActions
          .filter((a) => a !== 'abort')
          .map((a) => (
            <button
              key={a}
              type="button"
              className="primary big-action"
              onClick={() => {
                const escort = escortTicked ?? s.escortPresent;
                void act(
                  a,
                  a === 'check-in'
                    ? { escortPresent: escort }
                    : a === 'discharge'
                      ? {
                          escortPresent: escort,
                          ...(minutesUntilReady
                            ? { minutesUntilReady: Number(minutesUntilReady) }
                            : {}),
                        }
                      : {},
                );
              }}
              data-testid={`action-${a}`}
            >
              {ACTION_LABELS[a]}
            </button>
          ))}
        {s.allowedActions.includes('abort') && (
          <button
            type="button"
            className="danger"
            onClick={() => {
              const reason = window.prompt('Reason for aborting');
              if (reason) void act('abort', { reason });
            }}
            data-testid="action-abort"
          >
            Abort
          </button>
        )}
        <label className="checkbox">
          <input
            type="checkbox"
            checked={escortTicked ?? s.escortPresent}
            onChange={(e) => setEscort(e.target.checked)}
            data-testid="escort"
          />{' '}
          Escort present
        </label>
        {s.protocol.drug === 'esketamine' && s.state === 'observing' && (
          <label className="field">
            Would have been ready after (min, without the 2-hour rule)
            <input
              inputMode="numeric"
              value={minutesUntilReady}
              onChange={(e) => setMinutesUntilReady(e.target.value)}
            />
          </label>
        )}
      </section>
      <div className="chair-grid">
        <section className="card" aria-labelledby="vitals-title">
          <h2 id="vitals-title">Vitals</h2>
          <form className="vitals-form" onSubmit={(e) => void saveVitals(e)}>
            <label>
              Sys
              <input
                inputMode="numeric"
                value={vitals.sys}
                onChange={(e) => setVitals({ ...vitals, sys: e.target.value })}
                data-testid="vitals-sys"
                autoFocus
              />
            </label>
            <label>
              Dia
              <input
                inputMode="numeric"
                value={vitals.dia}
                onChange={(e) => setVitals({ ...vitals, dia: e.target.value })}
                data-testid="vitals-dia"
              />
            </label>
            <label>
              HR
              <input
                inputMode="numeric"
                value={vitals.hr}
                onChange={(e) => setVitals({ ...vitals, hr: e.target.value })}
                data-testid="vitals-hr"
              />
            </label>
            <label>
              SpO2
              <input
                inputMode="numeric"
                value={vitals.spo2}
                onChange={(e) => setVitals({ ...vitals, spo2: e.target.value })}
                data-testid="vitals-spo2"
              />
            </label>
            <label>
              RR
              <input
                inputMode="numeric"
                value={vitals.rr}
                onChange={(e) => setVitals({ ...vitals, rr: e.target.value })}
              />
            </label>
            <label>
              Rhythm
              <select
                value={vitals.rhythm}
                onChange={(e) => setVitals({ ...vitals, rhythm: e.target.value })}
              >
                <option value="regular">regular</option>
                <option value="irregular">irregular</option>
              </select>
            </label>
            <button type="submit" className="primary" data-testid="vitals-save">
              Record
            </button>
          </form>
          <VitalsChart
            vitals={s.vitals}
            redSystolic={DEFAULT_SETTINGS['alert.redSystolic']}
            redDiastolic={DEFAULT_SETTINGS['alert.redDiastolic']}
            hrRed={DEFAULT_SETTINGS['alert.hrRed']}
          />
          <table className="table compact" data-testid="vitals-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Phase</th>
                <th scope="col">BP</th>
                <th scope="col">HR</th>
                <th scope="col">SpO2</th>
              </tr>
            </thead>
            <tbody>
              {[...s.vitals].reverse().map((v) => (
                <tr key={v.id}>
                  <td>{v.takenAt.slice(11, 16)}</td>
                  <td>{v.phase}</td>
                  <td>
                    {v.systolicMmHg ?? '–'}/{v.diastolicMmHg ?? '–'}
                  </td>
                  <td>{v.heartRateBpm ?? '–'}</td>
                  <td>{v.spo2Percent ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <div className="stack">
          <section className="card" aria-labelledby="dose-title">
            <h2 id="dose-title">Dose</h2>
            {dose ? (
              <p data-testid="dose-summary">
                {'devices' in dose
                  ? `${dose.doseMg} mg = ${dose.devices} devices`
                  : `${dose.doseMg} mg (${dose.mgPerKg} mg/kg × ${dose.weightKg} kg, ${dose.basis}) · ${dose.volumeMl} mL at ${dose.rateMlPerHour} mL/h`}
              </p>
            ) : (
              <p className="muted">Not set.</p>
            )}
            <DosePanel s={s} canEscalate={can('sessions.confirm')} send={send} />
          </section>
          <section className="card" aria-labelledby="moaas-title">
            <h2 id="moaas-title">MOAA/S</h2>
            <div className="actions">
              {[5, 4, 3, 2, 1, 0].map((v) => (
                <button
                  key={v}
                  type="button"
                  onClick={() =>
                    void send('/ratings', { instrument: 'moaas', answers: { '1': v } })
                  }
                  data-testid={`moaas-${v}`}
                >
                  {v}
                </button>
              ))}
            </div>
            <p className="muted small">
              {s.ratings
                .map((r) => `${r.administeredAt.slice(11, 16)} ${r.instrument} ${r.total ?? ''}`)
                .join(' · ')}
            </p>
          </section>
          <section className="card" aria-labelledby="ratings-title">
            <h2 id="ratings-title">BPRS+ and CADSS</h2>
            <RatingsPanel send={send} />
          </section>
          <section className="card" aria-labelledby="ae-title">
            <h2 id="ae-title">Symptoms and adverse events</h2>
            <AdverseEventPanel s={s} send={send} />
          </section>
          <section className="card" aria-labelledby="discharge-title">
            <h2 id="discharge-title">Discharge</h2>
            {s.protocol.drug === 'esketamine' && (
              <p>
                <a href={`/api/v1/sessions/${s.id}/monitoring-form.csv`}>Monitoring form (CSV)</a>
              </p>
            )}
            {discharge.ready ? (
              <p className="ok-text" data-testid="discharge-ready">
                Ready for discharge. {discharge.advice}
              </p>
            ) : (
              <ul data-testid="discharge-unmet">
                {discharge.unmet.map((u) => (
                  <li key={u}>{u}</li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline</h2>
            <ol className="timeline" data-testid="timeline">
              {s.events.map((e) => (
                <li key={`${e.at}-${e.kind}`}>
                  {e.at.slice(11, 19)} {e.kind}
                </li>
              ))}
            </ol>
          </section>
        </div>
      </div>
    </main>
  );
}
