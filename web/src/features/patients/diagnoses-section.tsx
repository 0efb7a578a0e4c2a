import { useState, type FormEvent } from 'react';
import type { DiagnosisDto } from '../../../../src/contracts/patients.contract.js';
import {
  CODE_SYSTEMS,
  DIAGNOSIS_STATUSES,
} from '../../../../src/domain/patients/diagnosis-rules.js';
import { ApiError, apiGet, apiPatch, apiPost } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, Field, SelectField } from '../../components/field.js';

export function DiagnosesSection({
  patientId,
  writable,
}: {
  patientId: string;
  writable: boolean;
}) {
  const list = useResource(
    () => apiGet<{ diagnoses: DiagnosisDto[] }>(`/patients/${patientId}/diagnoses`),
    [patientId],
  );
  const blank = { codeSystem: 'ICD-10', code: '', label: '', onsetOn: '', isPrimary: false };
  const [form, setForm] = useState(blank);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFieldErrors({});
    try {
      await apiPost(`/patients/${patientId}/diagnoses`, {
        codeSystem: form.codeSystem,
        code: form.code,
        label: form.label,
        isPrimary: form.isPrimary,
        ...(form.onsetOn ? { onsetOn: form.onsetOn } : {}),
      });
      setForm(blank);
      list.reload();
    } catch (err) {
      if (err instanceof ApiError) setFieldErrors(err.fieldErrors());
      setError(err as Error);
    }
  };

  const setStatus = async (d: DiagnosisDto, status: string) => {
    try {
      await apiPatch(`/patients/${patientId}/diagnoses/${d.id}`, { status });
      list.reload();
    } catch (err) {
      setError(err as Error);
    }
  };

  return (
    <section className="card" aria-labelledby="diagnoses-title">
      <h2 id="diagnoses-title">Diagnoses</h2>
      <ErrorBanner error={list.error} />
      {list.data && list.data.diagnoses.length === 0 && <p className="muted">None recorded.</p>}
      {list.data && list.data.diagnoses.length > 0 && (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Diagnosis</th>
              <th scope="col">Onset</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.data.diagnoses.map((d) => (
              <tr key={d.id}>
                <td>
                  {d.codeSystem} {d.code}
                </td>
                <td>
                  {d.label}
                  {d.isPrimary && <span className="tag">primary</span>}
                </td>
                <td>{d.onsetOn ?? '—'}</td>
                <td>
                  {writable ? (
                    <select
                      aria-label={`Status of ${d.label}`}
                      value={d.status}
                      onChange={(e) => void setStatus(d, e.target.value)}
                    >
                      {DIAGNOSIS_STATUSES.map((s) => (
                        <option key={s} value={s}>
                          {s}
                        </option>
                      ))}
                    </select>
                  ) : (
                    d.status
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {writable && (
        <form className="inline-form" onSubmit={submit}>
          <ErrorBanner error={error} />
          <SelectField
            label="Code system"
            value={form.codeSystem}
            onChange={(e) => setForm({ ...form, codeSystem: e.target.value })}
            options={CODE_SYSTEMS.map((c) => ({ value: c, label: c }))}
          />
          <Field
            label="Code"
            required
            value={form.code}
            onChange={(e) => setForm({ ...form, code: e.target.value })}
            error={fieldErrors.code}
            hint="e.g. F33.2"
          />
          <Field
            label="Diagnosis"
            required
            value={form.label}
            onChange={(e) => setForm({ ...form, label: e.target.value })}
            error={fieldErrors.label}
          />
          <Field
            label="Onset"
            type="date"
            value={form.onsetOn}
            onChange={(e) => setForm({ ...form, onsetOn: e.target.value })}
            error={fieldErrors.onsetOn}
          />
          <label className="checkbox">
            <input
              type="checkbox"
              checked={form.isPrimary}
              onChange={(e) => setForm({ ...form, isPrimary: e.target.checked })}
            />{' '}
            Primary
          </label>
          <button type="submit">Add diagnosis</button>
        </form>
      )}
    </section>
  );
}
