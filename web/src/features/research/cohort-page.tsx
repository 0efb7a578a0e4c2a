import { useEffect, useState } from 'react';
import type { CohortReportDto } from '../../../../src/contracts/outcomes.contract.js';
import type { SiteList } from '../../../../src/contracts/sites.contract.js';
import { INSTRUMENT_IDS } from '../../../../src/domain/scales/instrument.js';
import {
  meanSdCi,
  oneDecimal,
  proportionCi,
  pValue,
} from '../../../../src/domain/statistics/report-format.js';
import { apiGet } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, Field, SelectField } from '../../components/field.js';
import { KmChart, LineChart } from './charts.js';

const share = (count: number, of: number, ci: { p: number; low: number; high: number } | null) =>
  proportionCi({ count, of, ci });

interface Filters {
  instrument: string;
  protocolId: string;
  siteId: string;
  from: string;
  to: string;
  diagnosis: string;
  completersOnly: boolean;
}

function query(f: Filters): string {
  const q = new URLSearchParams({ instrument: f.instrument });
  if (f.protocolId) q.set('protocolId', f.protocolId);
  if (f.siteId) q.set('siteId', f.siteId);
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  if (f.diagnosis) q.set('diagnosis', f.diagnosis);
  if (f.completersOnly) q.set('completersOnly', 'true');
  return q.toString();
}

/** The cohort outcome report: the same numbers as the API, the CLI, the CSV and the HTML report. */
/** How often a provisional report is asked for again. */
const PROVISIONAL_REFRESH_MS = 5000;

export function CohortPage() {
  const [draft, setDraft] = useState<Filters>({
    instrument: 'qids-sr16',
    protocolId: '',
    siteId: '',
    from: '',
    to: '',
    diagnosis: '',
    completersOnly: false,
  });
  const [applied, setApplied] = useState(draft);
  const qs = query(applied);
  const report = useResource(() => apiGet<CohortReportDto>(`/reports/cohort?${qs}`), [qs]);
  // While stored outcomes are being recomputed after a rule change, the figures are
  // provisional: ask again every few seconds until they are final.
  const provisional = report.data !== undefined && !report.data.freshness.current;
  const { reload } = report;
  useEffect(() => {
    if (!provisional) return;
    const timer = setTimeout(reload, PROVISIONAL_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [provisional, report.data, reload]);
  const sites = useResource(() => apiGet<SiteList>('/sites'), []);
  const set = (k: keyof Filters) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [k]: e.target.value });
  const r = report.data;
  return (
    <main id="main" className="page stack">
      <div className="page-head">
        <h1>Cohort outcomes</h1>
        <div className="no-print actions">
          {provisional ? (
            // Refused until the figures are final: it would mix old and new rules.
            <span className="muted" data-testid="dataset-wait">
              Analysis dataset (CSV): available once the figures are final
            </span>
          ) : (
            <a href={`/api/v1/reports/cohort/dataset.csv?${qs}`} download>
              Analysis dataset (CSV)
            </a>
          )}
          <a href={`/api/v1/reports/cohort/report.html?${qs}`} target="_blank" rel="noreferrer">
            Printable report (HTML)
          </a>
        </div>
      </div>
      <form
        className="card inline-form no-print"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(draft);
          // The same filters again still mean "fetch the latest figures".
          if (query(draft) === qs) reload();
        }}
      >
        <SelectField
          label="Instrument"
          value={draft.instrument}
          onChange={set('instrument')}
          options={INSTRUMENT_IDS.map((i) => ({ value: i, label: i }))}
        />
        <Field label="Protocol id" value={draft.protocolId} onChange={set('protocolId')} />
        {(sites.data?.sites.length ?? 0) > 0 && (
          <SelectField
            label="Site"
            value={draft.siteId}
            onChange={set('siteId')}
            options={[
              { value: '', label: sites.data?.limited ? 'all your sites' : 'all sites' },
              ...(sites.data?.sites ?? []).map((x) => ({ value: x.id, label: x.name })),
            ]}
          />
        )}
        <Field label="Courses from" type="date" value={draft.from} onChange={set('from')} />
        <Field label="Courses to" type="date" value={draft.to} onChange={set('to')} />
        <Field
          label="Diagnosis code starts with"
          value={draft.diagnosis}
          onChange={set('diagnosis')}
          hint="e.g. F33"
        />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.completersOnly}
            onChange={(e) => setDraft({ ...draft, completersOnly: e.target.checked })}
          />{' '}
          Completers only
        </label>
        <button type="submit" data-testid="cohort-apply">
          Apply
        </button>
      </form>
      <ErrorBanner error={report.error} />
      {!r ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <>
          {!r.freshness.current && (
            <p className="banner banner-alert" role="status" data-testid="cohort-freshness">
              The outcome rules changed recently: {r.freshness.coursesPending.toLocaleString()}{' '}
              {r.freshness.coursesPending === 1 ? 'course is' : 'courses are'} still being
              recomputed, so these figures are provisional. This page updates itself when they are
              final.
            </p>
          )}
          <section className="card">
            <h2>Outcome ({r.filter.instrument})</h2>
            <table className="table compact" data-testid="cohort-headline">
              <tbody>
                <tr>
                  <th scope="row">Treated (≥ 1 dose)</th>
                  <td data-testid="cohort-treated">{r.treated}</td>
                </tr>
                <tr>
                  <th scope="row">Analysed (baseline and endpoint)</th>
                  <td data-testid="cohort-analysed">{r.analysed}</td>
                </tr>
                <tr>
                  <th scope="row">Baseline, mean ± SD</th>
                  <td data-testid="cohort-baseline">{meanSdCi(r.baseline)}</td>
                </tr>
                <tr>
                  <th scope="row">Endpoint, mean ± SD</th>
                  <td data-testid="cohort-endpoint">{meanSdCi(r.endpoint)}</td>
                </tr>
                <tr>
                  <th scope="row">Change, % of baseline</th>
                  <td data-testid="cohort-change">{meanSdCi(r.percentChange)}</td>
                </tr>
                <tr>
                  <th scope="row">Response</th>
                  <td data-testid="cohort-response">
                    {share(r.response.count, r.response.of, r.response.ci)}
                  </td>
                </tr>
                <tr>
                  <th scope="row">Remission</th>
                  <td data-testid="cohort-remission">
                    {share(r.remission.count, r.remission.of, r.remission.ci)}
                  </td>
                </tr>
                <tr>
                  <th scope="row">MoCA before/after</th>
                  <td data-testid="cohort-moca">
                    {r.moca
                      ? `mean change ${oneDecimal(r.moca.meanDifference)} (95% CI ${oneDecimal(r.moca.ciLow)} to ${oneDecimal(r.moca.ciHigh)}), n = ${r.moca.n}; paired t p = ${pValue(r.moca.tPValue)}; Wilcoxon p = ${pValue(r.moca.wilcoxonPValue)}`
                      : 'fewer than two courses with MoCA before and after'}
                  </td>
                </tr>
                <tr>
                  <th scope="row">
                    Suicidal ideation gone within {r.rules.siResolutionDays} days (of those with it
                    at baseline)
                  </th>
                  <td data-testid="cohort-si">
                    {share(
                      r.suicidalIdeation.resolved,
                      r.suicidalIdeation.atBaseline,
                      r.suicidalIdeation.ci,
                    )}
                  </td>
                </tr>
              </tbody>
            </table>
            <p className="muted" data-testid="cohort-rules">
              Rules: baseline = last score on or before the first dose, at most{' '}
              {r.rules.baselineWindowDays} days before; endpoint = {r.rules.endpoint}; response ≥{' '}
              {r.rules.responseFallPercent}% fall (partial ≥ {r.rules.partialFallPercent}%);
              remission ≤ {r.rules.remissionMax ?? 'n/a'}; suicidal ideation = QIDS-SR16 item 12 ≥{' '}
              {r.rules.siItemMin}; settings v{r.rules.settingsVersion}. 95% CIs: t for means, Wilson
              for proportions.
            </p>
          </section>
          <section className="card">
            <h2>Individual trajectories and the mean</h2>
            <LineChart
              testId="trajectory-chart"
              xLabel="doses given"
              yLabel={r.filter.instrument}
              series={[
                ...r.trajectories.courses.map((c) => ({
                  label: c.course,
                  points: c.points.map((p) => ({ x: p.doses, y: p.total })),
                })),
                {
                  label: 'mean',
                  emphasis: true,
                  points: r.trajectories.meanByDoses.map((m) => ({ x: m.doses, y: m.mean })),
                },
              ]}
            />
          </section>
          <section className="card">
            <h2>Time to response (Kaplan–Meier)</h2>
            <KmChart
              steps={r.timeToResponse}
              until={Math.max(1, ...r.timeToResponse.map((s) => s.time))}
              xLabel="days since first dose"
              yLabel="share not yet responded"
            />
          </section>
          <section className="card">
            <h2>Adverse events per 100 sessions ({r.sessions} sessions)</h2>
            {r.adverseEventsPer100Sessions.length === 0 ? (
              <p className="muted">None recorded.</p>
            ) : (
              <table className="table compact" data-testid="cohort-ae">
                <thead>
                  <tr>
                    <th scope="col">Type</th>
                    <th scope="col">Events</th>
                    <th scope="col">Per 100 sessions</th>
                  </tr>
                </thead>
                <tbody>
                  {r.adverseEventsPer100Sessions.map((a) => (
                    <tr key={a.type}>
                      <td>{a.type}</td>
                      <td>{a.count}</td>
                      <td>{oneDecimal(a.rate)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="card">
            <h2>Systolic rise by infusion number (mmHg, peak minus pre-dose)</h2>
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">Infusion</th>
                  <th scope="col">n</th>
                  <th scope="col">Mean ± SD (95% CI)</th>
                </tr>
              </thead>
              <tbody>
                {r.bpRiseByInfusion.map((b) => (
                  <tr key={b.infusion}>
                    <td>{b.infusion}</td>
                    <td>{b.n}</td>
                    <td>{meanSdCi(b.systolic)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </main>
  );
}
