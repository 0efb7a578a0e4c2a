import type {
  AlertDto,
  AssessmentDto,
  InstrumentDto,
  SettingList,
} from '../../../../src/contracts/instruments.contract.js';
import {
  DEFAULT_SETTINGS,
  type Settings,
} from '../../../../src/domain/settings/setting-definitions.js';
import { apiGet } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner } from '../../components/field.js';
import { useSession } from '../auth/session.js';
import { AlertCard } from './alerts-panel.js';
import { RecordAssessmentForm } from './record-assessment-form.js';
import { SelfReportLinksPanel } from './self-report-links-panel.js';
import { TrendChart } from './trend-chart.js';

export function MeasurementsTab({ patientId, writable }: { patientId: string; writable: boolean }) {
  const { can } = useSession();
  const library = useResource(async () => {
    const [instruments, settings] = await Promise.all([
      apiGet<{ instruments: InstrumentDto[] }>('/instruments'),
      apiGet<SettingList>('/settings'),
    ]);
    const values = { ...DEFAULT_SETTINGS } as Record<string, number>;
    for (const s of settings.settings) values[s.key] = s.value;
    return { instruments: instruments.instruments, settings: values as Settings };
  }, []);
  // Self-reported answers arrive while the page is open; refresh the scores every 10 s.
  const scores = useResource(
    () => apiGet<{ assessments: AssessmentDto[] }>(`/patients/${patientId}/assessments`),
    [patientId],
    10_000,
  );

  const error = library.error ?? scores.error;
  if (error) return <ErrorBanner error={error} />;
  if (!library.data || !scores.data) return <p aria-busy="true">Loading…</p>;
  const { instruments, settings } = library.data;
  const assessments = scores.data.assessments;
  const used = instruments.filter((i) => assessments.some((a) => a.instrument === i.id));

  return (
    <div className="stack">
      {used.length === 0 && <p className="muted">No ratings yet.</p>}
      {used.map((instrument) => {
        const rows = assessments.filter((a) => a.instrument === instrument.id);
        return (
          <section
            className="card"
            key={instrument.id}
            aria-labelledby={`h-${instrument.id}`}
            data-testid={`scores-${instrument.id}`}
          >
            <h2 id={`h-${instrument.id}`}>{instrument.title}</h2>
            <TrendChart
              instrument={instrument}
              assessments={rows}
              responsePercent={settings['response.minFallPercent']}
            />
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">When (UTC)</th>
                  <th scope="col">Total</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Source</th>
                  <th scope="col">Items</th>
                </tr>
              </thead>
              <tbody>
                {[...rows].reverse().map((a) => (
                  <tr key={a.id}>
                    <td>{a.administeredAt.replace('T', ' ').slice(0, 16)}</td>
                    <td data-testid="score-total">
                      {a.total ?? (a.riskLevel ? `risk ${a.riskLevel}` : '—')}
                    </td>
                    <td data-testid="score-severity">
                      {a.severity ?? '—'}
                      {a.flags.length > 0 && <span className="tag warn">SI flag</span>}
                    </td>
                    <td>{a.source}</td>
                    <td>
                      <details>
                        <summary>Show</summary>
                        <ul className="items">
                          {instrument.items.map((item) => (
                            <li key={item.id}>
                              {item.id}. {item.label}: <strong>{a.answers[item.id] ?? '—'}</strong>
                            </li>
                          ))}
                        </ul>
                        <p className="muted small">
                          Scorer v{a.scorerVersion}, settings v{a.settingsVersion}
                        </p>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
      <SelfReportLinksPanel
        patientId={patientId}
        instruments={instruments}
        canCreate={writable && can('assessments.record')}
      />
      {writable && can('assessments.record') && (
        <RecordAssessmentForm
          patientId={patientId}
          instruments={instruments}
          settings={settings}
          onSaved={scores.reload}
        />
      )}
    </div>
  );
}

/** Open alerts for one patient, shown above the tabs so no one misses them. */
export function PatientAlerts({ patientId }: { patientId: string }) {
  const { can } = useSession();
  const alerts = useResource(
    () => apiGet<{ alerts: AlertDto[] }>(`/patients/${patientId}/alerts`),
    [patientId],
    5000,
  );
  const open = alerts.data?.alerts.filter((a) => a.acknowledgedAt === null) ?? [];
  if (open.length === 0) return null;
  return (
    <div className="stack" data-testid="patient-alerts">
      {open.map((a) => (
        <AlertCard
          key={a.id}
          alert={a}
          canAcknowledge={can('alerts.acknowledge')}
          onDone={alerts.reload}
        />
      ))}
    </div>
  );
}
