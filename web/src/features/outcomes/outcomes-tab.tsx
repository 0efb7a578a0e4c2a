import type { ProgressDto } from '../../../../src/contracts/outcomes.contract.js';
import { apiGet } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner } from '../../components/field.js';

const pct = (v: number | null) => (v === null ? '—' : `${v > 0 ? '+' : ''}${v.toFixed(1)}%`);
const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : '—');
/** A score with its date; totals imported from another system say so (they are not rescored). */
const point = (p: { at: string; total: number; imported: boolean } | null) =>
  p ? `${p.total} (${day(p.at)}${p.imported ? ', imported' : ''})` : '—';

/** Progress on the latest course, printable (the print stylesheet hides the app chrome). */
export function OutcomesTab({ patientId }: { patientId: string }) {
  const progress = useResource(
    () => apiGet<ProgressDto>(`/patients/${patientId}/progress`),
    [patientId],
  );
  if (progress.error) return <ErrorBanner error={progress.error} />;
  const p = progress.data;
  if (!p) return <p aria-busy="true">Loading…</p>;
  return (
    <div className="stack progress-report" data-testid="progress">
      <div className="page-head no-print">
        <p className="muted">
          Rules: baseline = last score on or before the first dose, at most{' '}
          {p.rules.baselineWindowDays} days before; endpoint = {p.rules.endpoint}; response ≥{' '}
          {p.rules.responseFallPercent}% fall, partial ≥ {p.rules.partialFallPercent}%; settings v
          {p.rules.settingsVersion}.
        </p>
        <div className="actions">
          <button type="button" onClick={() => window.print()}>
            Print report
          </button>
          <a
            className="button"
            href={`/api/v1/patients/${patientId}/progress.pdf`}
            download
            data-testid="progress-pdf"
          >
            Download PDF
          </a>
        </div>
      </div>
      <section className="card">
        <h2>Course</h2>
        {p.course ? (
          <p data-testid="progress-course">
            {p.course.protocol}: {p.course.dosesGiven} dose{p.course.dosesGiven === 1 ? '' : 's'}{' '}
            from {day(p.course.firstDoseAt ?? undefined)} to {day(p.course.lastDoseAt ?? undefined)}{' '}
            · {p.course.completer ? 'completer' : 'not (yet) a completer'}
          </p>
        ) : (
          <p className="muted">No course yet.</p>
        )}
      </section>
      <section className="card">
        <h2>Scores</h2>
        <table className="table compact" data-testid="progress-table">
          <thead>
            <tr>
              <th scope="col">Instrument</th>
              <th scope="col">Baseline</th>
              <th scope="col">Endpoint</th>
              <th scope="col">Change</th>
              <th scope="col">Status</th>
              <th scope="col">Remission</th>
              <th scope="col">Response reached</th>
              <th scope="col">Latest</th>
            </tr>
          </thead>
          <tbody>
            {p.instruments.map((i) => (
              <tr key={i.instrument}>
                <td>{i.instrument}</td>
                <td>{point(i.baseline)}</td>
                <td>{point(i.endpoint)}</td>
                <td>{pct(i.percentChange)}</td>
                <td>{i.status ?? '—'}</td>
                <td>{i.remission === null ? '—' : i.remission ? 'yes' : 'no'}</td>
                <td>
                  {i.timeToResponse
                    ? `day ${Math.round(i.timeToResponse.days)}, after ${i.timeToResponse.doses} doses`
                    : '—'}
                  {i.relapse ? ` · relapse ${day(i.relapse.at)}` : ''}
                </td>
                <td>
                  {i.latest ? `${i.latest.total}${i.latest.imported ? ' (imported)' : ''}` : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {p.mocaChange !== null && (
          <p>
            MoCA change from baseline to endpoint: {p.mocaChange > 0 ? '+' : ''}
            {p.mocaChange}
          </p>
        )}
      </section>
      <section className="card">
        <h2>Suicidal ideation</h2>
        {p.suicidalIdeation.length === 0 ? (
          <p className="muted">No QIDS-SR16 or PHQ-9 answers.</p>
        ) : (
          <p>
            {p.suicidalIdeation
              .map(
                (s) =>
                  `${day(s.at)} ${s.instrument === 'qids-sr16' ? 'QIDS item 12' : 'PHQ-9 item 9'} = ${s.value}`,
              )
              .join(' · ')}
          </p>
        )}
      </section>
      <section className="card">
        <h2>Safety</h2>
        <p>
          Adverse events:{' '}
          {p.safety.adverseEvents.length === 0
            ? 'none recorded'
            : p.safety.adverseEvents
                .map((a) => `${a.type.replace(/-/g, ' ')} × ${a.count}`)
                .join(', ')}
        </p>
        {p.safety.bpRiseBySession.length > 0 && (
          <p>
            Largest blood-pressure rise over pre-dose:{' '}
            {p.safety.bpRiseBySession
              .map(
                (b) =>
                  `session ${b.session}: +${b.systolicRiseMmHg ?? '–'}/+${b.diastolicRiseMmHg ?? '–'}`,
              )
              .join(' · ')}
          </p>
        )}
      </section>
    </div>
  );
}
