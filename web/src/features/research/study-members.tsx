import { useState } from 'react';
import type {
  StudyAccessDto,
  StudyAccessList,
} from '../../../../src/contracts/imports.contract.js';
import { ROLE_LABELS } from '../../../../src/domain/auth/permissions.js';
import { apiDelete, apiGet, apiPost } from '../../api/client.js';
import { useAction } from '../../api/use-action.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, Field } from '../../components/field.js';

const studyPath = (study: string) => `/studies/${encodeURIComponent(study)}/members`;

/**
 * Who may see a study besides its owner: the owner (or an administrator) lets colleagues in
 * by email and takes them out again. Members list the study, report on it and import into it.
 */
export function StudyMembersCard({
  access,
  onChange,
}: {
  access: StudyAccessDto;
  onChange: (next: StudyAccessDto) => void;
}) {
  const [email, setEmail] = useState('');
  const action = useAction();
  const headingId = `members-${access.study}`;
  return (
    <section className="card stack" aria-labelledby={headingId} data-testid="study-members">
      <h2 id={headingId}>Members of {access.study}</h2>
      <p className="muted">
        {access.owner
          ? `Owned by ${access.owner.displayName} (${access.owner.email}).`
          : 'This study has no owner: clinicians see it; researchers see it once added here.'}{' '}
        Members may list the study, see its report and import into it. A study whose subjects are
        linked to patient records is never shown to researchers.
      </p>
      {access.members.length === 0 ? (
        <p>No members yet.</p>
      ) : (
        <ul className="stack">
          {access.members.map((m) => (
            <li key={m.userId}>
              {m.displayName} ({m.email}, {ROLE_LABELS[m.role]}){' '}
              <button
                type="button"
                disabled={action.busy}
                aria-label={`Remove ${m.displayName} from ${access.study}`}
                onClick={() =>
                  void action
                    .run(() =>
                      apiDelete<StudyAccessDto>(
                        `${studyPath(access.study)}/${encodeURIComponent(m.userId)}`,
                      ),
                    )
                    .then((next) => {
                      if (next) onChange(next);
                    })
                }
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void action
            .run(() => apiPost<StudyAccessDto>(studyPath(access.study), { email: email.trim() }))
            .then((next) => {
              if (next) {
                setEmail('');
                onChange(next);
              }
            });
        }}
      >
        <Field
          label="Add a member by email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={action.fieldErrors.email}
          data-testid="study-member-email"
        />
        <button type="submit" disabled={action.busy || email.trim() === ''}>
          Add member
        </button>
      </form>
      <ErrorBanner error={action.fieldErrors.email ? null : action.error} />
    </section>
  );
}

/** The studies whose members this user manages (every study, for an administrator). */
export function useManagedStudies() {
  return useResource(() => apiGet<StudyAccessList>('/studies/managed'), []);
}

/** Every study whose members the user may manage: an administrator's way in, as they read no study. */
export function StudyMembersPage() {
  const managed = useManagedStudies();
  return (
    <main id="main" className="page stack">
      <h1>Study members</h1>
      <ErrorBanner error={managed.error} />
      {managed.data && managed.data.length === 0 && (
        <p className="muted">No imported study yet whose members you manage.</p>
      )}
      {(managed.data ?? []).map((a) => (
        <StudyMembersCard key={a.study} access={a} onChange={() => managed.reload()} />
      ))}
    </main>
  );
}
