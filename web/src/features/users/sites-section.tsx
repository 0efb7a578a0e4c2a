import { useState } from 'react';
import type { SiteList } from '../../../../src/contracts/sites.contract.js';
import { apiGet, apiPost } from '../../api/client.js';
import { useAction } from '../../api/use-action.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, Field } from '../../components/field.js';

/** Administrators list and add the sites where courses are given. */
export function SitesSection() {
  const sites = useResource(() => apiGet<SiteList>('/sites'), []);
  const [name, setName] = useState('');
  const action = useAction();
  return (
    <section className="card" aria-labelledby="sites-heading">
      <h2 id="sites-heading">Sites</h2>
      <p className="muted">
        Where courses are given; a course can name its site and cohort reports can be filtered by
        it.
      </p>
      <ErrorBanner error={sites.error} />
      <ul data-testid="site-list">
        {(sites.data?.sites ?? []).map((s) => (
          <li key={s.id}>{s.name}</li>
        ))}
      </ul>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void action
            .run(() => apiPost('/sites', { name }))
            .then((r) => {
              if (r) {
                setName('');
                sites.reload();
              }
            });
        }}
      >
        <Field
          label="New site"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={action.fieldErrors.name}
          data-testid="site-name"
        />
        <button type="submit" disabled={action.busy || name.trim() === ''}>
          Add site
        </button>
      </form>
      <ErrorBanner error={action.fieldErrors.name ? null : action.error} />
    </section>
  );
}
