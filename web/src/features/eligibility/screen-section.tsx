import { useState } from 'react';
import type { ScreenDto } from '../../../../src/contracts/eligibility.contract.js';
import { CONTRAINDICATIONS } from '../../../../src/domain/eligibility/contraindications.js';
import { ApiError, apiGet, apiPost } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, Field } from '../../components/field.js';

const labelOf = (id: string) => CONTRAINDICATIONS.find((c) => c.id === id)?.label ?? id;

function statusText(s: ScreenDto): string {
  if (s.expired) return 'Expired: screen again';
  if (s.status === 'clear')
    return s.overridden ? 'Clear (relative items overridden by a clinician)' : 'Clear';
  if (s.status === 'caution') return 'Caution: a clinician must review the items below';
  return 'Contraindicated: do not treat';
}

export function ScreenSection({ patientId, writable }: { patientId: string; writable: boolean }) {
  const screens = useResource(
    () => apiGet<{ screens: ScreenDto[] }>(`/patients/${patientId}/screens`),
    [patientId],
  );
  const [present, setPresent] = useState<string[]>([]);
  const [vitals, setVitals] = useState({
    systolicMmHg: '',
    diastolicMmHg: '',
    heartRateBpm: '',
    spo2Percent: '',
  });
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | null>(null);
  const latest = screens.data?.screens[0];

  const run = async (work: () => Promise<unknown>) => {
    setError(null);
    setFieldErrors({});
    try {
      await work();
      screens.reload();
    } catch (e) {
      if (e instanceof ApiError) setFieldErrors(e.fieldErrors());
      setError(e as Error);
    }
  };
  const submit = () =>
    run(async () => {
      await apiPost(`/patients/${patientId}/screens`, {
        present,
        systolicMmHg: Number(vitals.systolicMmHg),
        diastolicMmHg: Number(vitals.diastolicMmHg),
        heartRateBpm: Number(vitals.heartRateBpm),
        ...(vitals.spo2Percent ? { spo2Percent: Number(vitals.spo2Percent) } : {}),
      });
      setPresent([]);
    });

  return (
    <section className="card" aria-labelledby="screen-title">
      <h2 id="screen-title">Contraindication screen</h2>
      <ErrorBanner error={error ?? screens.error} />
      {latest && (
        <div
          className={`screen-status ${latest.expired ? 'contraindicated' : latest.status}`}
          data-testid="screen-status"
          role="status"
        >
          <strong>{statusText(latest)}</strong>
          <span className="muted small">
            {' '}
            · screened {latest.screenedAt.slice(0, 10)}, valid until {latest.expiresAt.slice(0, 10)}{' '}
            · BP {latest.vitals.systolicMmHg}/{latest.vitals.diastolicMmHg}, HR{' '}
            {latest.vitals.heartRateBpm}
            {latest.vitals.spo2Percent !== null ? `, SpO2 ${latest.vitals.spo2Percent}%` : ''}
          </span>
          {latest.notesFromRules.map((n) => (
            <p key={n}>{n}</p>
          ))}
          <ul>
            {latest.absolute.map((id) => (
              <li key={id}>
                <span className="tag warn">absolute</span> {labelOf(id)}
              </li>
            ))}
            {latest.relativeOverridden.map((id) => (
              <li key={id}>
                <span className="tag">relative, overridden</span> {labelOf(id)}: “
                {latest.overrides.find((o) => o.itemId === id)?.reason}”
              </li>
            ))}
            {latest.relativeOpen.map((id) => (
              <li key={id}>
                <span className="tag warn">relative</span> {labelOf(id)}
                {writable && !latest.expired && (
                  <form
                    className="inline-form"
                    onSubmit={(e) => {
                      e.preventDefault();
                      void run(() =>
                        apiPost(`/patients/${patientId}/screens/${latest.id}/overrides`, {
                          itemId: id,
                          reason: reasons[id] ?? '',
                        }),
                      );
                    }}
                  >
                    <Field
                      label="Reason to proceed"
                      required
                      minLength={5}
                      value={reasons[id] ?? ''}
                      onChange={(e) => setReasons({ ...reasons, [id]: e.target.value })}
                      error={fieldErrors.reason}
                      data-testid={`override-reason-${id}`}
                    />
                    <button type="submit" data-testid={`override-${id}`}>
                      Override
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {!latest && screens.data && <p className="muted">Not screened yet.</p>}
      {writable && (
        <details className="new-screen" open={!latest}>
          <summary>New screen</summary>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
            data-testid="screen-form"
          >
            {(['absolute', 'relative'] as const).map((kind) => (
              <fieldset className="plain" key={kind}>
                <legend>
                  {kind === 'absolute'
                    ? 'Absolute (block treatment)'
                    : 'Relative (need a clinician override)'}
                </legend>
                {CONTRAINDICATIONS.filter((c) => c.kind === kind).map((c) => (
                  <label key={c.id} className="checkbox" title={c.source}>
                    <input
                      type="checkbox"
                      checked={present.includes(c.id)}
                      onChange={(e) =>
                        setPresent(
                          e.target.checked ? [...present, c.id] : present.filter((p) => p !== c.id),
                        )
                      }
                      data-testid={`screen-item-${c.id}`}
                    />
                    {c.label}
                  </label>
                ))}
              </fieldset>
            ))}
            <div className="inline-form">
              <Field
                label="Systolic (mmHg)"
                type="number"
                required
                value={vitals.systolicMmHg}
                onChange={(e) => setVitals({ ...vitals, systolicMmHg: e.target.value })}
                error={fieldErrors.systolicMmHg}
                data-testid="screen-sys"
              />
              <Field
                label="Diastolic (mmHg)"
                type="number"
                required
                value={vitals.diastolicMmHg}
                onChange={(e) => setVitals({ ...vitals, diastolicMmHg: e.target.value })}
                error={fieldErrors.diastolicMmHg}
                data-testid="screen-dia"
              />
              <Field
                label="Heart rate (bpm)"
                type="number"
                required
                value={vitals.heartRateBpm}
                onChange={(e) => setVitals({ ...vitals, heartRateBpm: e.target.value })}
                error={fieldErrors.heartRateBpm}
                data-testid="screen-hr"
              />
              <Field
                label="SpO2 (%)"
                type="number"
                value={vitals.spo2Percent}
                onChange={(e) => setVitals({ ...vitals, spo2Percent: e.target.value })}
                error={fieldErrors.spo2Percent}
              />
              <button type="submit" className="primary" data-testid="screen-save">
                Save screen
              </button>
            </div>
          </form>
        </details>
      )}
    </section>
  );
}
