import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { AuditList, AuditVerifyResult } from '../../../../src/contracts/audit.contract.js';
import { apiGet, apiPost } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner } from '../../components/field.js';

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const patientId = params.get('patientId') ?? '';
  const userId = params.get('userId') ?? '';
  const [draft, setDraft] = useState({ patientId, userId });
  const [verify, setVerify] = useState<AuditVerifyResult | null>(null);
  const [pages, setPages] = useState<number[]>([]);
  const beforeSeq = pages.at(-1);
  const events = useResource(
    () =>
      apiGet<AuditList>(
        `/audit?${new URLSearchParams({
          limit: '100',
          ...(patientId ? { patientId } : {}),
          ...(userId ? { userId } : {}),
          ...(beforeSeq ? { beforeSeq: String(beforeSeq) } : {}),
        })}`,
      ),
    [patientId, userId, beforeSeq],
  );

  const filter = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    if (draft.patientId.trim()) next.set('patientId', draft.patientId.trim());
    if (draft.userId.trim()) next.set('userId', draft.userId.trim());
    setPages([]);
    setParams(next);
  };

  return (
    <main id="main" className="page">
      <div className="page-head">
        <h1>Audit log</h1>
        <button
          type="button"
          onClick={() => void apiPost<AuditVerifyResult>('/audit/verify').then(setVerify)}
        >
          Verify the chain
        </button>
      </div>
      {verify && (
        <div role="status" className={`banner ${verify.ok ? 'banner-ok' : 'banner-error'}`}>
          {verify.ok
            ? `Intact: ${verify.checked} events verified.`
            : `Broken at event ${verify.firstBrokenSeq}: ${verify.reason}`}
        </div>
      )}
      <form className="inline-form" onSubmit={filter} role="search">
        <div className="field">
          <label htmlFor="audit-patient">Patient id</label>
          <input
            id="audit-patient"
            value={draft.patientId}
            onChange={(e) => setDraft({ ...draft, patientId: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-user">User id</label>
          <input
            id="audit-user"
            value={draft.userId}
            onChange={(e) => setDraft({ ...draft, userId: e.target.value })}
          />
        </div>
        <button type="submit">Filter</button>
      </form>
      <ErrorBanner error={events.error} />
      {events.data && (
        <table className="table compact" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When (UTC)</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Record</th>
              <th scope="col">Patient</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {events.data.events.map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{e.at.replace('T', ' ').slice(0, 19)}</td>
                <td>
                  {e.actorEmail ?? 'system'}
                  {e.actorRole && <span className="muted"> ({e.actorRole})</span>}
                </td>
                <td>{e.action}</td>
                <td className="mono">
                  {e.entityType}
                  {e.entityId ? ` ${e.entityId.slice(0, 8)}…` : ''}
                </td>
                <td className="mono">
                  {e.patientId && (
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        setDraft({ patientId: e.patientId ?? '', userId: '' });
                        setPages([]);
                        setParams({ patientId: e.patientId ?? '' });
                      }}
                    >
                      {e.patientId.slice(0, 8)}…
                    </button>
                  )}
                </td>
                <td>{e.ip ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="Pages">
        <button
          type="button"
          disabled={pages.length === 0}
          onClick={() => setPages(pages.slice(0, -1))}
        >
          Newer
        </button>
        <button
          type="button"
          disabled={!events.data || events.data.events.length < 100}
          onClick={() => {
            const last = events.data?.events.at(-1);
            if (last) setPages([...pages, last.seq]);
          }}
        >
          Older
        </button>
      </nav>
    </main>
  );
}
