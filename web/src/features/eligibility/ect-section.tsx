import { useState } from 'react';
import type { EctDto } from '../../../../src/contracts/eligibility.contract.js';
import { ApiError, apiGet, apiPost } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, Field, SelectField } from '../../components/field.js';

/** ECT courses in this episode: they count for Maudsley (+1) and, bilateral and failed, for Thase–Rush stage V. */
export function EctSection({ patientId, writable }: { patientId: string; writable: boolean }) {
  const list = useResource(
    () => apiGet<{ courses: EctDto[] }>(`/patients/${patientId}/ect-courses`),
    [patientId],
  );
  const [form, setForm] = useState({
    startedOn: '',
    sessions: '',
    electrodePlacement: 'bilateral',
    outcome: 'failed',
  });
  const [error, setError] = useState<Error | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const save = async () => {
    setError(null);
    setFieldErrors({});
    try {
      await apiPost(`/patients/${patientId}/ect-courses`, {
        ...form,
        sessions: Number(form.sessions),
      });
      list.reload();
    } catch (e) {
      if (e instanceof ApiError) setFieldErrors(e.fieldErrors());
      setError(e as Error);
    }
  };
  return (
    <section className="card" aria-labelledby="ect-title">
      <h2 id="ect-title">ECT courses</h2>
      <ErrorBanner error={error ?? list.error} />
      {list.data && list.data.courses.length === 0 && <p className="muted">None recorded.</p>}
      {list.data && list.data.courses.length > 0 && (
        <ul>
          {list.data.courses.map((c) => (
            <li key={c.id}>
              {c.startedOn}: {c.sessions} sessions, {c.electrodePlacement}, {c.outcome}
            </li>
          ))}
        </ul>
      )}
      {writable && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Field
            label="Started on"
            type="date"
            required
            value={form.startedOn}
            onChange={(e) => setForm({ ...form, startedOn: e.target.value })}
            error={fieldErrors.startedOn}
          />
          <Field
            label="Sessions"
            type="number"
            required
            value={form.sessions}
            onChange={(e) => setForm({ ...form, sessions: e.target.value })}
            error={fieldErrors.sessions}
          />
          <SelectField
            label="Electrodes"
            value={form.electrodePlacement}
            onChange={(e) => setForm({ ...form, electrodePlacement: e.target.value })}
            options={['bilateral', 'right-unilateral', 'bifrontal'].map((v) => ({
              value: v,
              label: v,
            }))}
          />
          <SelectField
            label="Outcome"
            value={form.outcome}
            onChange={(e) => setForm({ ...form, outcome: e.target.value })}
            options={['failed', 'response', 'remission', 'unknown'].map((v) => ({
              value: v,
              label: v,
            }))}
          />
          <button type="submit">Add ECT course</button>
        </form>
      )}
    </section>
  );
}
