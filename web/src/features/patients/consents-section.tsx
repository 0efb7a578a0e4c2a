import { useState, type FormEvent } from 'react';
import type { ConsentDto } from '../../../../src/contracts/patients.contract.js';
import { SIGNER_RELATIONS } from '../../../../src/domain/patients/consent-rules.js';
import { ApiError, apiGet, apiPost } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, Field, SelectField } from '../../components/field.js';

export function ConsentsSection({ patientId, writable }: { patientId: string; writable: boolean }) {
  const list = useResource(
    () => apiGet<{ consents: ConsentDto[] }>(`/patients/${patientId}/consents`),
    [patientId],
  );
  const today = new Date().toISOString().slice(0, 10);
  const blank = {
    documentTitle: '',
    documentVersion: '',
    signedOn: today,
    signerName: '',
    signerRelation: 'patient',
    expiresOn: '',
  };
  const [form, setForm] = useState(blank);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | null>(null);
  const set = (k: keyof typeof blank) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFieldErrors({});
    try {
      const { expiresOn, ...rest } = form;
      await apiPost(`/patients/${patientId}/consents`, {
        ...rest,
        ...(expiresOn ? { expiresOn } : {}),
      });
      setForm(blank);
      list.reload();
    } catch (err) {
      if (err instanceof ApiError) setFieldErrors(err.fieldErrors());
      setError(err as Error);
    }
  };

  const withdraw = async (c: ConsentDto) => {
    const on = window.prompt('Date consent was withdrawn (YYYY-MM-DD)', today);
    if (!on) return;
    try {
      await apiPost(`/patients/${patientId}/consents/${c.id}/withdraw`, { withdrawnOn: on });
      list.reload();
    } catch (err) {
      setError(err as Error);
    }
  };

  return (
    <section className="card" aria-labelledby="consents-title">
      <h2 id="consents-title">Consent</h2>
      <ErrorBanner error={list.error} />
      {list.data && list.data.consents.length === 0 && <p className="muted">No consent on file.</p>}
      {list.data && list.data.consents.length > 0 && (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Document</th>
              <th scope="col">Signed</th>
              <th scope="col">Signer</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.consents.map((c) => (
              <tr key={c.id}>
                <td>
                  {c.documentTitle} v{c.documentVersion}
                </td>
                <td>{c.signedOn}</td>
                <td>
                  {c.signerName} ({c.signerRelation})
                </td>
                <td>
                  {c.inForce ? (
                    <span className="tag ok">in force</span>
                  ) : (
                    <span className="tag">
                      {c.withdrawnOn
                        ? `withdrawn ${c.withdrawnOn}`
                        : c.expiresOn
                          ? `lapsed ${c.expiresOn}`
                          : 'not in force'}
                    </span>
                  )}
                </td>
                <td>
                  {writable && !c.withdrawnOn && (
                    <button type="button" className="link" onClick={() => void withdraw(c)}>
                      Withdraw
                    </button>
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
          <Field
            label="Document"
            required
            value={form.documentTitle}
            onChange={set('documentTitle')}
            error={fieldErrors.documentTitle}
          />
          <Field
            label="Version"
            required
            value={form.documentVersion}
            onChange={set('documentVersion')}
            error={fieldErrors.documentVersion}
          />
          <Field
            label="Signed on"
            type="date"
            max={today}
            required
            value={form.signedOn}
            onChange={set('signedOn')}
            error={fieldErrors.signedOn}
          />
          <Field
            label="Signed by"
            required
            value={form.signerName}
            onChange={set('signerName')}
            error={fieldErrors.signerName}
          />
          <SelectField
            label="Signer is"
            value={form.signerRelation}
            onChange={set('signerRelation')}
            options={SIGNER_RELATIONS.map((r) => ({ value: r, label: r }))}
          />
          <Field
            label="Lapses on (optional)"
            type="date"
            value={form.expiresOn}
            onChange={set('expiresOn')}
            error={fieldErrors.expiresOn}
          />
          <button type="submit">Record consent</button>
        </form>
      )}
    </section>
  );
}
