import { useState } from 'react';
import type {
  CreatedLinkDto,
  InstrumentDto,
  LinkDto,
} from '../../../../src/contracts/instruments.contract.js';
import { apiGet, apiPost } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner } from '../../components/field.js';

export function SelfReportLinksPanel({
  patientId,
  instruments,
  canCreate,
}: {
  patientId: string;
  instruments: readonly InstrumentDto[];
  canCreate: boolean;
}) {
  const selfReport = instruments.filter((i) => i.selfReport);
  const [chosen, setChosen] = useState<string[]>(['qids-sr16']);
  const [created, setCreated] = useState<CreatedLinkDto | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const links = useResource(
    () => apiGet<{ links: LinkDto[] }>(`/patients/${patientId}/self-report-links`),
    [patientId],
  );

  const create = async () => {
    setError(null);
    try {
      setCreated(
        await apiPost<CreatedLinkDto>(`/patients/${patientId}/self-report-links`, {
          instruments: chosen,
        }),
      );
      links.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  const revoke = async (id: string) => {
    try {
      await apiPost(`/patients/${patientId}/self-report-links/${id}/revoke`);
      links.reload();
    } catch (e) {
      setError(e as Error);
    }
  };

  return (
    <section className="card" aria-labelledby="links-title">
      <h2 id="links-title">Self-report link</h2>
      {canCreate && (
        <fieldset className="plain">
          <legend>Questionnaires to send</legend>
          {selfReport.map((i) => (
            <label key={i.id} className="checkbox">
              <input
                type="checkbox"
                checked={chosen.includes(i.id)}
                onChange={(e) =>
                  setChosen(e.target.checked ? [...chosen, i.id] : chosen.filter((c) => c !== i.id))
                }
                data-testid={`link-instrument-${i.id}`}
              />
              {i.title}
            </label>
          ))}
          <div>
            <button
              type="button"
              className="primary"
              disabled={chosen.length === 0}
              onClick={() => void create()}
              data-testid="create-link"
            >
              Create link
            </button>
          </div>
        </fieldset>
      )}
      <ErrorBanner error={error ?? links.error} />
      {created && (
        <div className="link-box" data-testid="created-link">
          <p>
            Give this to the patient now; it is shown only once and works once, until{' '}
            {new Date(created.link.expiresAt).toLocaleString()}.
          </p>
          <div
            className="qr"
            role="img"
            aria-label="QR code of the link"
            dangerouslySetInnerHTML={{ __html: created.qrSvg }}
          />
          <p>
            <input
              className="mono wide"
              readOnly
              value={created.url}
              aria-label="Link"
              data-testid="link-url"
              onFocus={(e) => e.target.select()}
            />
            <button type="button" onClick={() => void navigator.clipboard?.writeText(created.url)}>
              Copy
            </button>
          </p>
        </div>
      )}
      {links.data && links.data.links.length > 0 && (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Questionnaires</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {links.data.links.map((l) => (
              <tr key={l.id}>
                <td>{l.createdAt.replace('T', ' ').slice(0, 16)}</td>
                <td>{l.instruments.join(', ')}</td>
                <td>
                  <span className={`tag${l.status === 'open' ? ' ok' : ''}`}>{l.status}</span>
                </td>
                <td>
                  {canCreate && l.status === 'open' && (
                    <button type="button" className="link" onClick={() => void revoke(l.id)}>
                      Withdraw
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
