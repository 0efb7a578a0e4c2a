import { Fragment, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { AuditList, AuditVerifyResult } from '../../../../src/contracts/audit.contract.js';
import {
  AUDIT_ACTION_LABELS,
  auditActionLabel,
  auditEntityLabel,
} from '../../../../src/domain/audit/audit-labels.js';
import { isRole, ROLE_LABELS } from '../../../../src/domain/auth/permissions.js';
import { apiGet, apiPost } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, SelectField } from '../../components/field.js';
import type { SiteList } from '../../../../src/contracts/sites.contract.js';
import type { UserList } from '../../../../src/contracts/users.contract.js';
import { AuditEventDetails, type KnownNames } from './audit-event-details.js';

const PAGE = 100;

const ACTION_OPTIONS = [
  { value: '', label: 'Every action' },
  ...Object.entries(AUDIT_ACTION_LABELS)
    .map(([value, label]) => ({ value, label }))
    .sort((a, b) => a.label.localeCompare(b.label)),
];

const roleLabel = (role: string) => (isRole(role) ? ROLE_LABELS[role] : role);

function verifyMessage(v: AuditVerifyResult): string {
  if (!v.ok) return `Broken at event ${v.firstBrokenSeq}: ${v.reason}`;
  const anchors =
    v.anchorsChecked > 0 && v.lastAnchorAt
      ? ` Its end matches ${v.anchorsChecked === 1 ? 'the 1 saved checkpoint' : `${v.anchorsChecked} saved checkpoints`}, the latest from ${v.lastAnchorAt.replace('T', ' ').slice(0, 16)} UTC.`
      : ' No checkpoint of its end has been saved yet, so removed newest events could not be noticed.';
  return `Intact: ${v.checked} events verified.${anchors}`;
}

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const patientId = params.get('patientId') ?? '';
  const userId = params.get('userId') ?? '';
  const who = params.get('who') ?? '';
  const action = params.get('action') ?? '';
  const [verify, setVerify] = useState<AuditVerifyResult | null>(null);
  const [pages, setPages] = useState<number[]>([]);
  const [open, setOpen] = useState<number | null>(null);
  const beforeSeq = pages.at(-1);
  // Sites and accounts by name in the details; ids stay as they are if a list cannot load.
  const names = useResource(async (): Promise<KnownNames> => {
    const [sites, users] = await Promise.all([
      apiGet<SiteList>('/sites').catch(() => ({ sites: [] })),
      apiGet<UserList>('/users').catch(() => ({ users: [] })),
    ]);
    return new Map([
      ...sites.sites.map((s) => [s.id, s.name] as const),
      ...users.users.map((u) => [u.id, u.email] as const),
    ]);
  }, []);
  const events = useResource(
    () =>
      apiGet<AuditList>(
        `/audit?${new URLSearchParams({
          limit: String(PAGE),
          ...(patientId ? { patientId } : {}),
          ...(userId ? { userId } : {}),
          ...(action ? { action } : {}),
          ...(beforeSeq ? { beforeSeq: String(beforeSeq) } : {}),
        })}`,
      ),
    [patientId, userId, action, beforeSeq],
  );

  /** Changes one filter, keeping the others, and goes back to the newest page. */
  const filterBy = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setPages([]);
    setOpen(null);
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
          {verifyMessage(verify)}
        </div>
      )}
      <div className="inline-form" role="search">
        <SelectField
          label="Action"
          value={action}
          options={ACTION_OPTIONS}
          onChange={(e) => filterBy({ action: e.target.value })}
          data-testid="audit-action-filter"
        />
        {userId && (
          <p>
            Only events by {who || 'one person'}{' '}
            <button
              type="button"
              className="link"
              onClick={() => filterBy({ userId: '', who: '' })}
            >
              Show everyone&apos;s
            </button>
          </p>
        )}
        {patientId && (
          <p>
            Only events about one patient&apos;s record{' '}
            <button type="button" className="link" onClick={() => filterBy({ patientId: '' })}>
              Show every record
            </button>
          </p>
        )}
      </div>
      <ErrorBanner error={events.error} />
      {events.data && (
        <table className="table compact" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">When (UTC)</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Record</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {events.data.events.map((e) => {
              const detailsId = `audit-event-${e.seq}`;
              const isOpen = open === e.seq;
              return (
                <Fragment key={e.seq}>
                  <tr data-testid="audit-row">
                    <td>{e.seq}</td>
                    <td>{e.at.replace('T', ' ').slice(0, 19)}</td>
                    <td>
                      {e.actorEmail && e.actorUserId ? (
                        <button
                          type="button"
                          className="link"
                          title="Show only this person's events"
                          onClick={() =>
                            filterBy({ userId: e.actorUserId ?? '', who: e.actorEmail ?? '' })
                          }
                        >
                          {e.actorEmail}
                        </button>
                      ) : (
                        (e.actorEmail ??
                        (e.ip === 'cli'
                          ? 'command line'
                          : e.action.startsWith('auth.')
                            ? 'someone signing in'
                            : 'patient or system'))
                      )}
                      {e.actorRole && <span className="muted"> ({roleLabel(e.actorRole)})</span>}
                    </td>
                    <td data-testid="audit-action">{auditActionLabel(e.action)}</td>
                    <td>
                      {auditEntityLabel(e.entityType)}
                      {e.patientId && (
                        <>
                          {' '}
                          <button
                            type="button"
                            className="link"
                            onClick={() => filterBy({ patientId: e.patientId ?? '' })}
                          >
                            this patient&apos;s events
                          </button>
                        </>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="link"
                        aria-expanded={isOpen}
                        aria-controls={detailsId}
                        onClick={() => setOpen(isOpen ? null : e.seq)}
                      >
                        {isOpen ? 'Hide' : 'Show'}
                        <span className="sr-only"> details of event {e.seq}</span>
                      </button>
                    </td>
                  </tr>
                  {isOpen && (
                    <tr>
                      <td colSpan={6}>
                        <AuditEventDetails
                          event={e}
                          id={detailsId}
                          names={names.data ?? new Map()}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      {events.data?.events.length === 0 && <p className="muted">No events match.</p>}
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
          disabled={!events.data || events.data.events.length < PAGE}
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
