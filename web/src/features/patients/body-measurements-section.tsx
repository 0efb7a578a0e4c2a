import { useState, type FormEvent } from 'react';
import type { MeasurementDto } from '../../../../src/contracts/patients.contract.js';
import { ApiError, apiGet, apiPost } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, Field } from '../../components/field.js';

export function BodyMeasurementsSection({
  patientId,
  writable,
  onChange,
}: {
  patientId: string;
  writable: boolean;
  onChange: () => void;
}) {
  const list = useResource(
    () => apiGet<{ measurements: MeasurementDto[] }>(`/patients/${patientId}/measurements`),
    [patientId],
  );
  const today = new Date().toISOString().slice(0, 10);
  const [form, setForm] = useState({ measuredOn: today, weightKg: '', heightCm: '' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFieldErrors({});
    try {
      await apiPost(`/patients/${patientId}/measurements`, {
        measuredOn: form.measuredOn,
        ...(form.weightKg ? { weightKg: Number(form.weightKg) } : {}),
        ...(form.heightCm ? { heightCm: Number(form.heightCm) } : {}),
      });
      setForm({ measuredOn: today, weightKg: '', heightCm: '' });
      list.reload();
      onChange();
    } catch (err) {
      if (err instanceof ApiError) setFieldErrors(err.fieldErrors());
      setError(err as Error);
    }
  };

  return (
    <section className="card" aria-labelledby="weights-title">
      <h2 id="weights-title">Weight and height</h2>
      <ErrorBanner error={list.error} />
      {list.data && list.data.measurements.length === 0 && <p className="muted">None recorded.</p>}
      {list.data && list.data.measurements.length > 0 && (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Weight (kg)</th>
              <th scope="col">Height (cm)</th>
            </tr>
          </thead>
          <tbody>
            {list.data.measurements.map((m) => (
              <tr key={m.id}>
                <td>{m.measuredOn}</td>
                <td>{m.weightKg ?? '—'}</td>
                <td>{m.heightCm ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {writable && (
        <form className="inline-form" onSubmit={submit}>
          <ErrorBanner error={error} />
          <Field
            label="Date"
            type="date"
            max={today}
            required
            value={form.measuredOn}
            onChange={(e) => setForm({ ...form, measuredOn: e.target.value })}
            error={fieldErrors.measuredOn}
          />
          <Field
            label="Weight (kg)"
            type="number"
            step="0.1"
            inputMode="decimal"
            value={form.weightKg}
            onChange={(e) => setForm({ ...form, weightKg: e.target.value })}
            error={fieldErrors.weightKg}
          />
          <Field
            label="Height (cm)"
            type="number"
            step="0.1"
            inputMode="decimal"
            value={form.heightCm}
            onChange={(e) => setForm({ ...form, heightCm: e.target.value })}
            error={fieldErrors.heightCm}
          />
          <button type="submit">Record</button>
        </form>
      )}
    </section>
  );
}
