import { useState } from 'react';
import type {
  DrugDto,
  TrdEvaluationDto,
  TrialDto,
} from '../../../../src/contracts/eligibility.contract.js';
import { ADHERENCE, RESPONSE_CATEGORIES } from '../../../../src/domain/eligibility/trd-rules.js';
import { ApiError, apiGet, apiPost } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, Field, SelectField } from '../../components/field.js';

const blank = {
  drugId: 'sertraline',
  dosePerDayMg: '',
  weeks: '',
  adherence: 'good',
  improvement: '',
  category: '',
  augmentation: false,
};

export function TrialsSection({ patientId, writable }: { patientId: string; writable: boolean }) {
  const data = useResource(async () => {
    const [trials, drugs, trd] = await Promise.all([
      apiGet<{ trials: TrialDto[] }>(`/patients/${patientId}/trials`),
      apiGet<{ drugs: DrugDto[] }>('/antidepressants'),
      apiGet<{ evaluations: TrdEvaluationDto[] }>(`/patients/${patientId}/trd`),
    ]);
    return { trials: trials.trials, drugs: drugs.drugs, latest: trd.evaluations[0] };
  }, [patientId]);
  const [form, setForm] = useState(blank);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | null>(null);
  if (data.error) return <ErrorBanner error={data.error} />;
  if (!data.data) return <p aria-busy="true">Loading…</p>;
  const { trials, drugs, latest } = data.data;
  const drug = drugs.find((d) => d.id === form.drugId);
  const reasonFor = (id: string) => latest?.trials.find((t) => t.trialId === id);

  const run = async (work: () => Promise<unknown>) => {
    setError(null);
    setFieldErrors({});
    try {
      await work();
      data.reload();
    } catch (e) {
      if (e instanceof ApiError) setFieldErrors(e.fieldErrors());
      setError(e as Error);
    }
  };
  const addTrial = () =>
    run(async () => {
      await apiPost(`/patients/${patientId}/trials`, {
        drugId: form.drugId,
        dosePerDayMg: Number(form.dosePerDayMg),
        weeks: Number(form.weeks),
        adherence: form.adherence,
        ...(form.category
          ? { responseCategory: form.category }
          : { improvementPercent: Number(form.improvement) }),
        augmentation: form.augmentation,
      });
      setForm(blank);
    });

  return (
    <>
      <section className="card" aria-labelledby="trials-title">
        <h2 id="trials-title">Antidepressant trials in this episode</h2>
        <ErrorBanner error={error} />
        {trials.length === 0 && <p className="muted">None recorded.</p>}
        {trials.length > 0 && (
          <table className="table compact" data-testid="trials-table">
            <thead>
              <tr>
                <th scope="col">Drug</th>
                <th scope="col">mg/day</th>
                <th scope="col">Weeks</th>
                <th scope="col">Adherence</th>
                <th scope="col">Improvement</th>
                <th scope="col">Judged</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {trials.map((t) => {
                const v = reasonFor(t.id);
                return (
                  <tr key={t.id} className={t.enteredInError ? 'struck' : undefined}>
                    <td>
                      {t.drugName}
                      {t.augmentation && <span className="tag">augmented</span>}
                      {t.enteredInError && <span className="tag">entered in error</span>}
                    </td>
                    <td>{t.dosePerDayMg}</td>
                    <td>{t.weeks}</td>
                    <td>{t.adherence}</td>
                    <td>
                      {t.improvementPercent !== null
                        ? `${t.improvementPercent}%`
                        : t.responseCategory}
                    </td>
                    <td>
                      {v ? (
                        <span className={`tag${v.countsTowardTrd ? ' warn' : ''}`}>
                          {v.countsTowardTrd
                            ? 'failed adequate'
                            : v.adequate
                              ? 'adequate'
                              : 'not adequate'}
                        </span>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      {writable && !t.enteredInError && (
                        <button
                          type="button"
                          className="link"
                          onClick={() =>
                            void run(() =>
                              apiPost(`/patients/${patientId}/trials/${t.id}/entered-in-error`),
                            )
                          }
                        >
                          Entered in error
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {writable && (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void addTrial();
            }}
            data-testid="trial-form"
          >
            <SelectField
              label="Drug"
              value={form.drugId}
              onChange={(e) => setForm({ ...form, drugId: e.target.value })}
              options={drugs.map((d) => ({ value: d.id, label: `${d.name} (${d.drugClass})` }))}
              error={fieldErrors.drugId}
              data-testid="trial-drug"
            />
            <Field
              label="Dose (mg/day)"
              type="number"
              step="any"
              required
              value={form.dosePerDayMg}
              onChange={(e) => setForm({ ...form, dosePerDayMg: e.target.value })}
              error={fieldErrors.dosePerDayMg}
              hint={drug ? `adequate from ${drug.minDoseMg} mg` : undefined}
              data-testid="trial-dose"
            />
            <Field
              label="Weeks at this dose"
              type="number"
              step="any"
              required
              value={form.weeks}
              onChange={(e) => setForm({ ...form, weeks: e.target.value })}
              error={fieldErrors.weeks}
              data-testid="trial-weeks"
            />
            <SelectField
              label="Adherence"
              value={form.adherence}
              onChange={(e) => setForm({ ...form, adherence: e.target.value })}
              options={ADHERENCE.map((a) => ({ value: a, label: a }))}
            />
            <Field
              label="Improvement (%)"
              type="number"
              value={form.improvement}
              onChange={(e) => setForm({ ...form, improvement: e.target.value, category: '' })}
              error={fieldErrors.improvementPercent}
              data-testid="trial-improvement"
            />
            <SelectField
              label="or response"
              value={form.category}
              onChange={(e) => setForm({ ...form, category: e.target.value })}
              options={[
                { value: '', label: '—' },
                ...RESPONSE_CATEGORIES.map((c) => ({ value: c, label: c })),
              ]}
            />
            <label className="checkbox">
              <input
                type="checkbox"
                checked={form.augmentation}
                onChange={(e) => setForm({ ...form, augmentation: e.target.checked })}
              />{' '}
              Augmented
            </label>
            <button type="submit" data-testid="trial-save">
              Add trial
            </button>
          </form>
        )}
      </section>
      <VerdictCard
        latest={latest}
        writable={writable}
        onEvaluate={() => void run(() => apiPost(`/patients/${patientId}/trd/evaluate`))}
      />
    </>
  );
}

function VerdictCard({
  latest,
  writable,
  onEvaluate,
}: {
  latest: TrdEvaluationDto | undefined;
  writable: boolean;
  onEvaluate: () => void;
}) {
  return (
    <section className="card" aria-labelledby="trd-title" data-testid="trd-verdict">
      <div className="page-head">
        <h2 id="trd-title">Treatment-resistant depression</h2>
        {writable && (
          <button type="button" className="primary" onClick={onEvaluate} data-testid="trd-evaluate">
            Evaluate now
          </button>
        )}
      </div>
      {!latest && <p className="muted">Not evaluated yet.</p>}
      {latest && (
        <>
          {latest.outdated && (
            <p className="banner banner-error" role="status">
              Trials or settings changed since this verdict; evaluate again.
            </p>
          )}
          <p className={`verdict ${latest.trd ? 'yes' : 'no'}`} data-testid="trd-summary">
            {latest.summary}
          </p>
          <ul className="reasons">
            {latest.trials.map((t) => (
              <li key={t.trialId} className={t.countsTowardTrd ? 'counts' : undefined}>
                {t.reason}
              </li>
            ))}
          </ul>
          <dl className="facts">
            <div>
              <dt>Thase–Rush stage</dt>
              <dd data-testid="thase-rush">
                {latest.thaseRush.stage === 0
                  ? '—'
                  : ['I', 'II', 'III', 'IV', 'V'][latest.thaseRush.stage - 1]}
              </dd>
            </div>
            <div>
              <dt>Maudsley (3–15)</dt>
              <dd data-testid="maudsley">
                {latest.maudsley.total === null
                  ? `— (needs ${latest.maudsley.missing.join(', ')})`
                  : `${latest.maudsley.total} ${latest.maudsley.band ?? ''}`}
              </dd>
            </div>
            <div>
              <dt>Maudsley parts</dt>
              <dd>
                duration {latest.maudsley.parts.duration} · severity{' '}
                {latest.maudsley.parts.severity ?? '—'} · antidepressants{' '}
                {latest.maudsley.parts.antidepressants} · augmentation{' '}
                {latest.maudsley.parts.augmentation} · ECT {latest.maudsley.parts.ect}
              </dd>
            </div>
          </dl>
          <p className="muted small">
            {latest.thaseRush.reason}. Evaluated {latest.evaluatedAt.replace('T', ' ').slice(0, 16)}{' '}
            UTC with settings v{latest.settingsVersion}.
          </p>
        </>
      )}
    </section>
  );
}
