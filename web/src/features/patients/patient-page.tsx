import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { PatientDto } from '../../../../src/contracts/patients.contract.js';
import { apiGet, apiPatch, apiPost } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner } from '../../components/field.js';
import { Tabs } from '../../components/tabs.js';
import { useSession } from '../auth/session.js';
import { MeasurementsTab, PatientAlerts } from '../assessments/measurements-tab.js';
import { EligibilityTab } from '../eligibility/eligibility-tab.js';
import { OutcomesTab } from '../outcomes/outcomes-tab.js';
import { CoursesTab } from '../sessions/courses-tab.js';
import { BodyMeasurementsSection } from './body-measurements-section.js';
import { ConsentsSection } from './consents-section.js';
import { DiagnosesSection } from './diagnoses-section.js';
import { PatientForm, toBody, valuesFrom } from './patient-form.js';

export function PatientPage() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [editing, setEditing] = useState(false);
  const [actionError, setActionError] = useState<Error | null>(null);
  const patient = useResource(() => apiGet<PatientDto>(`/patients/${id}`), [id]);
  const tab = params.get('tab') ?? 'overview';

  if (patient.error) {
    return (
      <main id="main" className="page">
        <ErrorBanner error={patient.error} />
        <Link to="/patients">Back to patients</Link>
      </main>
    );
  }
  const p = patient.data;
  if (!p)
    return (
      <main id="main" className="page" aria-busy="true">
        Loading…
      </main>
    );
  const writable = can('patients.write') && !p.archived;

  const archive = async () => {
    const reason = window.prompt('Why is this patient being archived? (the record is kept)');
    if (!reason) return;
    try {
      await apiPost(`/patients/${p.id}/archive`, { reason });
      patient.reload();
    } catch (e) {
      setActionError(e as Error);
    }
  };
  const restore = async () => {
    try {
      await apiPost(`/patients/${p.id}/restore`);
      patient.reload();
    } catch (e) {
      setActionError(e as Error);
    }
  };

  return (
    <main id="main" className="page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/patients">Patients</Link> / <span aria-current="page">{p.familyName}</span>
      </nav>
      <header className="patient-head card">
        <div>
          <h1 data-testid="patient-name">
            {p.familyName}, {p.givenName}
            {p.archived && <span className="tag">archived</span>}
          </h1>
          <dl className="facts">
            <div>
              <dt>MRN</dt>
              <dd data-testid="patient-mrn-value">{p.mrn}</dd>
            </div>
            <div>
              <dt>Born</dt>
              <dd>
                {p.dateOfBirth} ({p.ageYears} y)
              </dd>
            </div>
            <div>
              <dt>Sex</dt>
              <dd>{p.sex}</dd>
            </div>
            <div>
              <dt>Weight</dt>
              <dd>{p.latestWeightKg === null ? '—' : `${p.latestWeightKg} kg`}</dd>
            </div>
            <div>
              <dt>Height</dt>
              <dd>{p.latestHeightCm === null ? '—' : `${p.latestHeightCm} cm`}</dd>
            </div>
            <div>
              <dt>BMI</dt>
              <dd>{p.bmi ?? '—'}</dd>
            </div>
            <div>
              <dt>Home site</dt>
              <dd data-testid="patient-site">{p.site?.name ?? 'not recorded'}</dd>
            </div>
          </dl>
          {p.archived && (
            <p className="muted">
              Archived {p.archivedAt?.slice(0, 10)}: {p.archivedReason}
            </p>
          )}
        </div>
        <div className="actions">
          {writable && !editing && (
            <button type="button" onClick={() => setEditing(true)} data-testid="edit-patient">
              Edit details
            </button>
          )}
          {can('patients.archive') && !p.archived && (
            <button type="button" className="danger" onClick={archive}>
              Archive
            </button>
          )}
          {can('patients.archive') && p.archived && (
            <button type="button" onClick={restore}>
              Restore
            </button>
          )}
        </div>
      </header>
      <ErrorBanner error={actionError} />
      <PatientAlerts patientId={p.id} />
      {editing && (
        <section aria-labelledby="edit-title">
          <h2 id="edit-title">Edit details</h2>
          <PatientForm
            initial={valuesFrom(p)}
            withBody={false}
            submitLabel="Save changes"
            onCancel={() => setEditing(false)}
            onSubmit={async (values) => {
              await apiPatch(`/patients/${p.id}`, { ...toBody(values, false), version: p.version });
              setEditing(false);
              patient.reload();
            }}
          />
        </section>
      )}
      <Tabs
        active={tab}
        onChange={(t) => {
          const next = new URLSearchParams(params);
          next.set('tab', t);
          setParams(next, { replace: true });
        }}
        tabs={[
          {
            id: 'overview',
            label: 'Overview',
            content: () => (
              <div className="stack">
                <DiagnosesSection patientId={p.id} writable={writable} />
                <ConsentsSection patientId={p.id} writable={writable} />
                <BodyMeasurementsSection
                  patientId={p.id}
                  writable={writable}
                  onChange={patient.reload}
                />
                {p.notes && (
                  <section className="card">
                    <h2>Notes</h2>
                    <p className="pre">{p.notes}</p>
                  </section>
                )}
              </div>
            ),
          },
          {
            id: 'measurements',
            label: 'Rating scales',
            content: () => <MeasurementsTab patientId={p.id} writable={writable} />,
          },
          {
            id: 'eligibility',
            label: 'Eligibility',
            content: () => <EligibilityTab patientId={p.id} archived={p.archived} />,
          },
          {
            id: 'sessions',
            label: 'Course & sessions',
            content: () => <CoursesTab patientId={p.id} archived={p.archived} />,
          },
          {
            id: 'outcomes',
            label: 'Outcomes',
            content: () => <OutcomesTab patientId={p.id} />,
          },
        ]}
      />
      <p>
        <button type="button" className="link" onClick={() => navigate('/patients')}>
          ← All patients
        </button>
      </p>
    </main>
  );
}
