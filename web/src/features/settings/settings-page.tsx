import { useState } from 'react';
import type { SettingDto, SettingList } from '../../../../src/contracts/instruments.contract.js';
import { apiGet, apiPatch } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner } from '../../components/field.js';
import { useSession } from '../auth/session.js';

/** Every clinical threshold with its value, default and source; admins change them with a reason. */
export function SettingsPage() {
  const { can } = useSession();
  const list = useResource(() => apiGet<SettingList>('/settings'), []);
  const [error, setError] = useState<Error | null>(null);
  const edit = async (s: SettingDto) => {
    const raw = window.prompt(`${s.label} (${s.unit}), ${s.min}–${s.max}`, String(s.value));
    if (raw === null) return;
    const reason = window.prompt('Reason for the change (kept in the audit log)');
    if (!reason) return;
    try {
      await apiPatch('/settings/' + s.key, { value: Number(raw), reason });
      list.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <main id="main" className="page">
      <h1>Clinical settings</h1>
      <p className="muted">
        Version {list.data?.version ?? '…'}. Every score and verdict records the version it used.
      </p>
      <ErrorBanner error={error ?? list.error} />
      {list.data &&
        [...new Set(list.data.settings.map((s) => s.group))].map((group) => (
          <section key={group} aria-labelledby={`g-${group}`}>
            <h2 id={`g-${group}`}>{group}</h2>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Setting</th>
                  <th scope="col">Value</th>
                  <th scope="col">Default</th>
                  <th scope="col">Source</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {(list.data?.settings ?? [])
                  .filter((s) => s.group === group)
                  .map((s) => (
                    <tr key={s.key}>
                      <td>{s.label}</td>
                      <td>
                        <strong>{s.value}</strong> {s.unit}
                      </td>
                      <td>{s.defaultValue}</td>
                      <td>
                        {s.source}
                        {s.needsLocalSignOff && (
                          <span
                            className="tag warn"
                            title="Default awaiting local clinical sign-off"
                          >
                            unverified: awaits local sign-off
                          </span>
                        )}
                      </td>
                      <td>
                        {can('settings.manage') && (
                          <button type="button" onClick={() => void edit(s)}>
                            Change
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
        ))}
    </main>
  );
}
