import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { CourseDto, ProtocolDto } from '../../../../src/contracts/sessions.contract.js';
import type { SiteList } from '../../../../src/contracts/sites.contract.js';
import { ApiError, apiGet, apiPost } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, Field, SelectField } from '../../components/field.js';
import { useSession } from '../auth/session.js';

export function CoursesTab({ patientId, archived }: { patientId: string; archived: boolean }) {
  const { can } = useSession();
  const data = useResource(async () => {
    const [courses, protocols, sites] = await Promise.all([
      apiGet<{ courses: CourseDto[] }>(`/patients/${patientId}/courses`),
      apiGet<{ protocols: ProtocolDto[] }>('/protocols'),
      apiGet<SiteList>('/sites'),
    ]);
    return { courses: courses.courses, protocols: protocols.protocols, sites: sites.sites };
  }, [patientId]);
  const [form, setForm] = useState({
    protocolId: 'iv-standard',
    startOn: new Date().toISOString().slice(0, 10),
    siteId: '',
    trdOverrideReason: '',
  });
  const [error, setError] = useState<Error | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  if (data.error) return <ErrorBanner error={data.error} />;
  if (!data.data) return <p aria-busy="true">Loading…</p>;
  const start = async () => {
    setError(null);
    setFieldErrors({});
    try {
      await apiPost(`/patients/${patientId}/courses`, {
        protocolId: form.protocolId,
        startOn: form.startOn,
        ...(form.siteId ? { siteId: form.siteId } : {}),
        ...(form.trdOverrideReason ? { trdOverrideReason: form.trdOverrideReason } : {}),
      });
      data.reload();
    } catch (e) {
      if (e instanceof ApiError) setFieldErrors(e.fieldErrors());
      setError(e as Error);
    }
  };
  return (
    <div className="stack">
      {data.data.courses.map((c) => (
        <section className="card" key={c.id}>
          <h2>{c.protocol.name}</h2>
          <p className="muted">
            From {c.startOn} · {c.plannedSessions} sessions · {c.status}
            {c.site ? ` · ${c.site.name}` : ''}
          </p>
          <table className="table compact" data-testid="course-sessions">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Date</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="sr-only">Open</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {c.sessions.map((s) => (
                <tr key={s.id}>
                  <td>{s.number}</td>
                  <td>{s.scheduledFor}</td>
                  <td>
                    <span className="tag">{s.state}</span>
                  </td>
                  <td>
                    <Link to={`/sessions/${s.id}`} data-testid={`open-session-${s.number}`}>
                      Open chairside
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      {can('sessions.confirm') && !archived && (
        <section className="card" aria-labelledby="new-course">
          <h2 id="new-course">Start a course</h2>
          <p className="muted">
            Needs a TRD verdict (or your written override), a clear contraindication screen that has
            not expired, and consent in force.
          </p>
          <ErrorBanner error={error} />
          {fieldErrors && error instanceof ApiError && (
            <ul>
              {(error.problem.errors ?? []).map((e) => (
                <li key={e.rule}>{e.message}</li>
              ))}
            </ul>
          )}
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void start();
            }}
          >
            <SelectField
              label="Protocol"
              value={form.protocolId}
              onChange={(e) => setForm({ ...form, protocolId: e.target.value })}
              options={data.data.protocols.map((p) => ({ value: p.id, label: p.name }))}
              data-testid="course-protocol"
            />
            <Field
              label="First session"
              type="date"
              value={form.startOn}
              onChange={(e) => setForm({ ...form, startOn: e.target.value })}
              data-testid="course-start"
            />
            {data.data.sites.length > 0 && (
              <SelectField
                label="Site"
                value={form.siteId}
                onChange={(e) => setForm({ ...form, siteId: e.target.value })}
                options={[
                  { value: '', label: '(not recorded)' },
                  ...data.data.sites.map((x) => ({ value: x.id, label: x.name })),
                ]}
                error={fieldErrors.siteId}
              />
            )}
            <Field
              label="TRD override reason (only without a TRD verdict)"
              value={form.trdOverrideReason}
              onChange={(e) => setForm({ ...form, trdOverrideReason: e.target.value })}
              error={fieldErrors.trdOverrideReason}
            />
            <button type="submit" className="primary" data-testid="course-save">
              Start course
            </button>
          </form>
        </section>
      )}
    </div>
  );
}
