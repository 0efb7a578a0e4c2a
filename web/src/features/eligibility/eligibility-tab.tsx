import { useState } from 'react';
import type { EpisodeDto } from '../../../../src/contracts/eligibility.contract.js';
import { EPISODE_SEVERITIES } from '../../../../src/domain/eligibility/staging.js';
import { ApiError, apiGet, apiPatch, apiPost } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, Field, SelectField } from '../../components/field.js';
import { useSession } from '../auth/session.js';
import { EctSection } from './ect-section.js';
import { ScreenSection } from './screen-section.js';
import { TrialsSection } from './trials-section.js';

const severityOptions = EPISODE_SEVERITIES.map((s) => ({ value: s, label: s.replace(/-/g, ' ') }));

/** Eligibility: the current episode, its antidepressant trials and TRD verdict, and the safety screen. */
export function EligibilityTab({ patientId, archived }: { patientId: string; archived: boolean }) {
  const { can } = useSession();
  const writable = can('eligibility.write') && !archived;
  const episodes = useResource(
    () => apiGet<{ episodes: EpisodeDto[] }>(`/patients/${patientId}/episodes`),
    [patientId],
  );
  const current = episodes.data?.episodes.find((e) => e.current);
  return (
    <div className="stack">
      {!writable && (
        <p className="muted">
          You can read eligibility; a clinician records trials, verdicts and overrides.
        </p>
      )}
      <EpisodeSection
        patientId={patientId}
        current={current}
        loaded={episodes.data !== undefined}
        writable={writable}
        onChange={episodes.reload}
      />
      <ErrorBanner error={episodes.error} />
      {current && <TrialsSection patientId={patientId} writable={writable} />}
      {current && <EctSection patientId={patientId} writable={writable} />}
      <ScreenSection patientId={patientId} writable={writable} />
    </div>
  );
}

function EpisodeSection({
  patientId,
  current,
  loaded,
  writable,
  onChange,
}: {
  patientId: string;
  current: EpisodeDto | undefined;
  loaded: boolean;
  writable: boolean;
  onChange: () => void;
}) {
  const [form, setForm] = useState({ startedOn: '', severity: 'moderate' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | null>(null);
  const run = async (work: () => Promise<unknown>) => {
    setError(null);
    setFieldErrors({});
    try {
      await work();
      onChange();
    } catch (e) {
      if (e instanceof ApiError) setFieldErrors(e.fieldErrors());
      setError(e as Error);
    }
  };
  return (
    <section className="card" aria-labelledby="episode-title">
      <h2 id="episode-title">Current depressive episode</h2>
      <ErrorBanner error={error} />
      {current ? (
        <div className="inline-form">
          <p data-testid="episode-summary">
            Since <strong>{current.startedOn}</strong>
            {current.severity && (
              <>
                {' '}
                · severity <strong>{current.severity.replace(/-/g, ' ')}</strong>
              </>
            )}
          </p>
          {writable && (
            <>
              <SelectField
                label="Severity"
                value={current.severity ?? ''}
                onChange={(e) =>
                  void run(() =>
                    apiPatch(`/patients/${patientId}/episodes/${current.id}`, {
                      severity: e.target.value,
                    }),
                  )
                }
                options={[{ value: '', label: '—' }, ...severityOptions]}
              />
              <button
                type="button"
                onClick={() => {
                  const on = window.prompt(
                    'Episode ended on (YYYY-MM-DD)',
                    new Date().toISOString().slice(0, 10),
                  );
                  if (on)
                    void run(() =>
                      apiPatch(`/patients/${patientId}/episodes/${current.id}`, { endedOn: on }),
                    );
                }}
              >
                End episode
              </button>
            </>
          )}
        </div>
      ) : loaded ? (
        writable ? (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => apiPost(`/patients/${patientId}/episodes`, form));
            }}
          >
            <Field
              label="Started on"
              type="date"
              required
              value={form.startedOn}
              onChange={(e) => setForm({ ...form, startedOn: e.target.value })}
              error={fieldErrors.startedOn}
              data-testid="episode-start"
            />
            <SelectField
              label="Severity"
              value={form.severity}
              onChange={(e) => setForm({ ...form, severity: e.target.value })}
              options={severityOptions}
              data-testid="episode-severity"
            />
            <button type="submit" className="primary" data-testid="episode-save">
              Record episode
            </button>
          </form>
        ) : (
          <p className="muted">No current episode recorded.</p>
        )
      ) : null}
    </section>
  );
}
