import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { PatientList } from '../../../../src/contracts/patients.contract.js';
import { apiGet } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner } from '../../components/field.js';
import { useSession } from '../auth/session.js';

const PAGE = 50;

export function PatientListPage() {
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const includeArchived = params.get('archived') === '1';
  const offset = Number(params.get('offset') ?? '0') || 0;
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);

  // Search as the user types, after a short pause.
  useEffect(() => {
    if (draft === q) return;
    const t = setTimeout(() => {
      const next = new URLSearchParams(params);
      if (draft) next.set('q', draft);
      else next.delete('q');
      next.delete('offset');
      setParams(next, { replace: true });
    }, 250);
    return () => clearTimeout(t);
  }, [draft, q, params, setParams]);

  const list = useResource(
    () =>
      apiGet<PatientList>(
        `/patients?${new URLSearchParams({ q, limit: String(PAGE), offset: String(offset), ...(includeArchived ? { includeArchived: 'true' } : {}) })}`,
      ),
    [q, offset, includeArchived],
  );

  const page = (delta: number) => {
    const next = new URLSearchParams(params);
    next.set('offset', String(Math.max(0, offset + delta)));
    setParams(next);
  };

  return (
    <main id="main" className="page">
      <div className="page-head">
        <h1>Patients</h1>
        {can('patients.write') && (
          <Link className="button primary" to="/patients/new" data-testid="new-patient">
            New patient
          </Link>
        )}
      </div>
      <form role="search" className="search-bar" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="patient-search">Search by name, MRN or date of birth (YYYY-MM-DD)</label>
        <input
          id="patient-search"
          type="search"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          autoComplete="off"
          data-testid="patient-search"
        />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={includeArchived}
            onChange={(e) => {
              const next = new URLSearchParams(params);
              if (e.target.checked) next.set('archived', '1');
              else next.delete('archived');
              setParams(next);
            }}
          />
          Include archived
        </label>
      </form>
      <ErrorBanner error={list.error} />
      <p aria-live="polite" className="muted" data-testid="patient-count">
        {list.loading
          ? 'Searching…'
          : list.data
            ? `${list.data.total} patient${list.data.total === 1 ? '' : 's'}`
            : ''}
      </p>
      {list.data && list.data.patients.length > 0 && (
        <table className="table" data-testid="patient-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">MRN</th>
              <th scope="col">Date of birth</th>
              <th scope="col">Sex</th>
            </tr>
          </thead>
          <tbody>
            {list.data.patients.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/patients/${p.id}`}>
                    {p.familyName}, {p.givenName}
                  </Link>
                  {p.archived && <span className="tag">archived</span>}
                </td>
                <td>{p.mrn}</td>
                <td>{p.dateOfBirth}</td>
                <td>{p.sex}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data && list.data.total > PAGE && (
        <nav className="pager" aria-label="Pages">
          <button type="button" disabled={offset === 0} onClick={() => page(-PAGE)}>
            Previous
          </button>
          <span>
            {offset + 1}–{Math.min(offset + PAGE, list.data.total)} of {list.data.total}
          </span>
          <button
            type="button"
            disabled={offset + PAGE >= list.data.total}
            onClick={() => page(PAGE)}
          >
            Next
          </button>
        </nav>
      )}
    </main>
  );
}
