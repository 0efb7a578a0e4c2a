import { Link } from 'react-router-dom';
import type { AlertDto } from '../../../../src/contracts/instruments.contract.js';
import { apiGet } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner } from '../../components/field.js';
import { AlertCard } from '../assessments/alerts-panel.js';
import { useSession } from '../auth/session.js';

/** The clinic's worklist: open safety alerts first, refreshed every few seconds. */
export function DashboardPage() {
  const { can } = useSession();
  const alerts = useResource(() => apiGet<{ alerts: AlertDto[] }>('/alerts'), [], 5000);
  const open = alerts.data?.alerts ?? [];
  return (
    <main id="main" className="page">
      <div className="page-head">
        <h1>Dashboard</h1>
        <Link className="button" to="/patients">
          Find a patient
        </Link>
      </div>
      <section aria-labelledby="alerts-title">
        <h2 id="alerts-title">
          Open safety alerts{' '}
          {alerts.data && (
            <span className="tag" data-testid="open-alert-count">
              {open.length}
            </span>
          )}
        </h2>
        <ErrorBanner error={alerts.error} />
        {alerts.data && open.length === 0 && <p className="muted">No open alerts.</p>}
        <div className="stack">
          {open.map((a) => (
            <AlertCard
              key={a.id}
              alert={a}
              canAcknowledge={can('alerts.acknowledge')}
              onDone={alerts.reload}
              showPatient
            />
          ))}
        </div>
      </section>
    </main>
  );
}
