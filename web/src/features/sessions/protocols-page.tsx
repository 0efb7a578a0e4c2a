import { useState } from 'react';
import type { ProtocolDto } from '../../../../src/contracts/sessions.contract.js';
import { ApiError, apiGet, api } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, Field, SelectField } from '../../components/field.js';
import { useSession } from '../auth/session.js';

type Form = Record<
  | 'id'
  | 'name'
  | 'drug'
  | 'route'
  | 'mgPerKg'
  | 'fixedDoseMg'
  | 'durationMin'
  | 'sessionsPlanned'
  | 'perWeek'
  | 'steps'
  | 'completerMinDoses',
  string
>;

const toForm = (p: ProtocolDto): Form => ({
  id: p.id,
  name: p.name,
  drug: p.drug,
  route: p.route,
  mgPerKg: p.mgPerKg === null ? '' : String(p.mgPerKg),
  fixedDoseMg: p.fixedDoseMg === null ? '' : String(p.fixedDoseMg),
  durationMin: String(p.durationMin),
  sessionsPlanned: String(p.sessionsPlanned),
  perWeek: String(p.perWeek),
  steps: p.escalationStepsMgPerKg.join(', '),
  completerMinDoses: String(p.completerMinDoses),
});
const blank: Form = {
  id: '',
  name: '',
  drug: 'ketamine',
  route: 'iv',
  mgPerKg: '0.5',
  fixedDoseMg: '',
  durationMin: '40',
  sessionsPlanned: '6',
  perWeek: '2',
  steps: '',
  completerMinDoses: '6',
};

/** Protocol templates; clinicians edit them (running courses keep the version they started with). */
export function ProtocolsPage() {
  const { can } = useSession();
  const list = useResource(() => apiGet<{ protocols: ProtocolDto[] }>('/protocols'), []);
  const [form, setForm] = useState<Form | null>(null);
  const [isNew, setIsNew] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const set = (k: keyof Form) => (e: { target: { value: string } }) =>
    form && setForm({ ...form, [k]: e.target.value });

  const save = async () => {
    if (!form) return;
    setError(null);
    setFieldErrors({});
    const body = {
      name: form.name,
      drug: form.drug,
      route: form.route,
      ...(form.mgPerKg ? { mgPerKg: Number(form.mgPerKg) } : {}),
      ...(form.fixedDoseMg ? { fixedDoseMg: Number(form.fixedDoseMg) } : {}),
      durationMin: Number(form.durationMin),
      sessionsPlanned: Number(form.sessionsPlanned),
      perWeek: Number(form.perWeek),
      escalationStepsMgPerKg: form.steps
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
        .map(Number),
      completerMinDoses: Number(form.completerMinDoses),
    };
    try {
      await api(isNew ? 'POST' : 'PUT', `/protocols/${form.id}`, body);
      setForm(null);
      list.reload();
    } catch (e) {
      if (e instanceof ApiError) setFieldErrors(e.fieldErrors());
      setError(e as Error);
    }
  };

  return (
    <main id="main" className="page">
      <div className="page-head">
        <h1>Protocols</h1>
        {can('sessions.confirm') && (
          <button
            type="button"
            onClick={() => {
              setForm(blank);
              setIsNew(true);
            }}
          >
            New protocol
          </button>
        )}
      </div>
      <ErrorBanner error={list.error} />
      {list.data && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Protocol</th>
              <th scope="col">Dose</th>
              <th scope="col">Duration</th>
              <th scope="col">Sessions</th>
              <th scope="col">Escalation</th>
              <th scope="col">
                <span className="sr-only">Edit</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.protocols.map((p) => (
              <tr key={p.id}>
                <td>
                  {p.name} <span className="muted small">{p.id}</span>
                </td>
                <td>
                  {p.mgPerKg !== null ? `${p.mgPerKg} mg/kg` : `${p.fixedDoseMg} mg`} {p.route}
                </td>
                <td>{p.durationMin} min</td>
                <td>
                  {p.sessionsPlanned} ({p.perWeek}/week)
                </td>
                <td>{p.escalationStepsMgPerKg.join(' → ') || '—'}</td>
                <td>
                  {can('sessions.confirm') && (
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        setForm(toForm(p));
                        setIsNew(false);
                      }}
                    >
                      Edit
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {form && (
        <section className="card" aria-labelledby="protocol-form">
          <h2 id="protocol-form">{isNew ? 'New protocol' : `Edit ${form.id}`}</h2>
          <ErrorBanner error={error} />
          <form
            className="form-grid"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            {isNew && (
              <Field
                label="Id (letters, digits, dashes)"
                value={form.id}
                onChange={set('id')}
                error={fieldErrors.id}
              />
            )}
            <Field label="Name" value={form.name} onChange={set('name')} error={fieldErrors.name} />
            <SelectField
              label="Drug"
              value={form.drug}
              onChange={set('drug')}
              options={['ketamine', 'esketamine', 'midazolam'].map((v) => ({ value: v, label: v }))}
            />
            <SelectField
              label="Route"
              value={form.route}
              onChange={set('route')}
              options={['iv', 'im', 'subcutaneous', 'intranasal'].map((v) => ({
                value: v,
                label: v,
              }))}
            />
            <Field
              label="Dose (mg/kg)"
              inputMode="decimal"
              value={form.mgPerKg}
              onChange={set('mgPerKg')}
              error={fieldErrors.mgPerKg}
            />
            <Field
              label="Fixed dose (mg, esketamine)"
              inputMode="numeric"
              value={form.fixedDoseMg}
              onChange={set('fixedDoseMg')}
              error={fieldErrors.fixedDoseMg}
            />
            <Field
              label="Duration (min)"
              inputMode="numeric"
              value={form.durationMin}
              onChange={set('durationMin')}
              error={fieldErrors.durationMin}
            />
            <Field
              label="Sessions planned"
              inputMode="numeric"
              value={form.sessionsPlanned}
              onChange={set('sessionsPlanned')}
              error={fieldErrors.sessionsPlanned}
            />
            <Field
              label="Sessions per week"
              inputMode="numeric"
              value={form.perWeek}
              onChange={set('perWeek')}
              error={fieldErrors.perWeek}
            />
            <Field
              label="Escalation steps (mg/kg, comma separated)"
              value={form.steps}
              onChange={set('steps')}
              error={
                Object.entries(fieldErrors).find(([k]) => k.startsWith('escalationSteps'))?.[1]
              }
            />
            <Field
              label="Doses that make a completer"
              inputMode="numeric"
              value={form.completerMinDoses}
              onChange={set('completerMinDoses')}
              error={fieldErrors.completerMinDoses}
            />
            <div className="actions span-2">
              <button type="submit" className="primary">
                Save
              </button>
              <button type="button" onClick={() => setForm(null)}>
                Cancel
              </button>
            </div>
          </form>
        </section>
      )}
    </main>
  );
}
