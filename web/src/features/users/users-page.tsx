import { useState, type FormEvent } from 'react';
import type { SiteList } from '../../../../src/contracts/sites.contract.js';
import type { UserDto, UserList } from '../../../../src/contracts/users.contract.js';
import { ROLE_LABELS, ROLES } from '../../../../src/domain/auth/permissions.js';
import { ApiError, apiGet, apiPatch, apiPost } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, Field, SelectField } from '../../components/field.js';
import { useSession } from '../auth/session.js';
import { SitesSection } from './sites-section.js';

const roleOptions = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

export function UsersPage() {
  const { can } = useSession();
  const users = useResource(() => apiGet<UserList>('/users'), []);
  const sites = useResource(() => apiGet<SiteList>('/sites'), []);
  const blank = { displayName: '', email: '', role: 'nurse', password: '' };
  const [form, setForm] = useState(blank);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | null>(null);
  const [notice, setNotice] = useState('');
  const set = (k: keyof typeof blank) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFieldErrors({});
    try {
      const u = await apiPost<UserDto>('/users', form);
      setNotice(`Created ${u.email} (${ROLE_LABELS[u.role]}). Give them their password in person.`);
      setForm(blank);
      users.reload();
    } catch (err) {
      if (err instanceof ApiError) setFieldErrors(err.fieldErrors());
      setError(err as Error);
    }
  };

  const change = async (u: UserDto, patch: Record<string, unknown>, done: string) => {
    setError(null);
    try {
      await apiPatch(`/users/${u.id}`, patch);
      setNotice(done);
      users.reload();
    } catch (err) {
      setError(err as Error);
    }
  };

  const resetPassword = (u: UserDto) => {
    const password = window.prompt(`New password for ${u.email} (at least 12 characters)`);
    if (password)
      void change(u, { password }, `Password reset for ${u.email}; their sessions were ended.`);
  };

  return (
    <main id="main" className="page">
      <h1>Users</h1>
      <p aria-live="polite" className="notice">
        {notice}
      </p>
      <ErrorBanner error={error ?? users.error} />
      {users.data && (
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Sites</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.users.map((u) => (
              <tr key={u.id}>
                <td>{u.displayName}</td>
                <td>{u.email}</td>
                <td>
                  <select
                    aria-label={`Role of ${u.email}`}
                    value={u.role}
                    onChange={(e) =>
                      void change(
                        u,
                        { role: e.target.value },
                        `${u.email} is now ${e.target.value}.`,
                      )
                    }
                  >
                    {roleOptions.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <UserSites
                    user={u}
                    sites={sites.data?.sites ?? []}
                    onChange={(siteIds, done) => void change(u, { siteIds }, done)}
                  />
                </td>
                <td>
                  {u.disabled ? (
                    <span className="tag">disabled</span>
                  ) : (
                    <span className="tag ok">active</span>
                  )}
                  {u.lockedUntil && u.lockedUntil > new Date().toISOString() && (
                    <span className="tag warn">locked</span>
                  )}
                  {u.totpEnabled && <span className="tag">2FA</span>}
                </td>
                <td className="actions">
                  <button
                    type="button"
                    onClick={() =>
                      void change(
                        u,
                        { disabled: !u.disabled },
                        `${u.email} ${u.disabled ? 'enabled' : 'disabled'}.`,
                      )
                    }
                  >
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                  {u.lockedUntil && (
                    <button
                      type="button"
                      onClick={() => void change(u, { unlock: true }, `${u.email} unlocked.`)}
                    >
                      Unlock
                    </button>
                  )}
                  <button type="button" onClick={() => resetPassword(u)}>
                    Reset password
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section className="card" aria-labelledby="new-user-title">
        <h2 id="new-user-title">Add a user</h2>
        <form className="form-grid" onSubmit={create}>
          <Field
            label="Name"
            required
            value={form.displayName}
            onChange={set('displayName')}
            error={fieldErrors.displayName}
            data-testid="user-name"
          />
          <Field
            label="Email"
            type="email"
            required
            value={form.email}
            onChange={set('email')}
            error={fieldErrors.email}
            data-testid="user-email"
          />
          <SelectField
            label="Role"
            value={form.role}
            onChange={set('role')}
            options={roleOptions}
            error={fieldErrors.role}
            data-testid="user-role"
          />
          <Field
            label="Initial password"
            type="password"
            autoComplete="new-password"
            minLength={12}
            required
            value={form.password}
            onChange={set('password')}
            error={fieldErrors.password}
            hint="At least 12 characters"
            data-testid="user-password"
          />
          <div className="actions span-2">
            <button type="submit" className="primary" data-testid="user-create">
              Create user
            </button>
          </div>
        </form>
      </section>
      {can('sites.manage') && <SitesSection />}
    </main>
  );
}

/**
 * Which sites a user works at: none ticked means every site. A user limited to sites
 * sees only patients registered there or with a course there, and reports on courses there.
 */
function UserSites({
  user,
  sites,
  onChange,
}: {
  user: UserDto;
  sites: SiteList['sites'];
  onChange: (siteIds: string[], done: string) => void;
}) {
  const chosen = new Set(user.sites.map((s) => s.id));
  const summary = user.sites.length === 0 ? 'All sites' : user.sites.map((s) => s.name).join(', ');
  if (sites.length === 0) return <span className="muted">All sites</span>;
  return (
    <details data-testid={`user-sites-${user.email}`}>
      <summary aria-label={`Sites of ${user.email}: ${summary}`}>{summary}</summary>
      <fieldset className="checkbox-list">
        <legend className="sr-only">Sites {user.email} works at</legend>
        {sites.map((site) => (
          <label key={site.id}>
            <input
              type="checkbox"
              checked={chosen.has(site.id)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.target.checked) next.add(site.id);
                else next.delete(site.id);
                const names = sites.filter((x) => next.has(x.id)).map((x) => x.name);
                onChange(
                  [...next],
                  names.length === 0
                    ? `${user.email} now works at every site.`
                    : `${user.email} now works at ${names.join(', ')} only.`,
                );
              }}
            />{' '}
            {site.name}
          </label>
        ))}
        <small className="muted">None ticked: every site.</small>
      </fieldset>
    </details>
  );
}
