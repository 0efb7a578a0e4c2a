import { useState } from 'react';
import type { StudyList, StudyReportDto } from '../../../../src/contracts/imports.contract.js';
import {
  meanSdCi,
  NONE,
  oneDecimal,
  proportionCi,
  pValue,
} from '../../../../src/domain/statistics/report-format.js';
import { apiGet } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { ErrorBanner, SelectField } from '../../components/field.js';
import { LineChart } from './charts.js';
import { StudyMembersCard, useManagedStudies } from './study-members.js';

const share = (p: Parameters<typeof proportionCi>[0] | null) => (p ? proportionCi(p) : NONE);

/** Imported studies and their outcome tables by arm and time point. */
export function StudiesPage() {
  const studies = useResource(() => apiGet<StudyList>('/studies'), []);
  const managed = useManagedStudies();
  const [pick, setPick] = useState<{
    study: string;
    instrument: string;
    attribute: string;
    values: string[];
  } | null>(null);
  const list = studies.data ?? [];
  const current =
    pick ??
    (list[0]
      ? {
          study: list[0].name,
          instrument: list[0].instruments[0] ?? 'madrs',
          attribute: '',
          values: [],
        }
      : null);
  const summary = list.find((s) => s.name === current?.study);
  const q = current
    ? new URLSearchParams({
        study: current.study,
        instrument: current.instrument,
        ...(current.attribute && current.values.length > 0
          ? { attribute: current.attribute, values: current.values.join(',') }
          : {}),
      }).toString()
    : '';
  const report = useResource(
    () => (q ? apiGet<StudyReportDto>(`/reports/study?${q}`) : Promise.resolve(null)),
    [q],
  );
  if (studies.error) return <ErrorBanner error={studies.error} />;
  if (!studies.data)
    return (
      <p className="page" aria-busy="true">
        Loading…
      </p>
    );
  if (!current || !summary)
    return (
      <main id="main" className="page">
        <h1>Imported studies</h1>
        <p className="muted">
          No study you may see has been imported yet. Use Import to bring one in, or ask a study’s
          owner to add you as a member.
        </p>
      </main>
    );
  const r = report.data;
  const access = managed.data?.find((a) => a.study === current.study);
  const arms = r ? [...new Set(r.timePoints.map((t) => t.arm ?? ''))].filter(Boolean) : [];
  const baseline = r?.timePoints.find((t) => t.arm === null);
  return (
    <main id="main" className="page stack">
      <h1>Imported studies</h1>
      <form className="card inline-form" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label="Study"
          value={current.study}
          onChange={(e) => {
            const s = list.find((x) => x.name === e.target.value);
            setPick({
              study: e.target.value,
              instrument: s?.instruments[0] ?? 'madrs',
              attribute: '',
              values: [],
            });
          }}
          options={list.map((s) => ({
            value: s.name,
            label: `${s.name} (${s.subjects} subjects, ${s.scores} scores${s.owner ? `, owner ${s.owner}` : ''})`,
          }))}
        />
        <SelectField
          label="Instrument"
          value={current.instrument}
          onChange={(e) => setPick({ ...current, instrument: e.target.value })}
          options={summary.instruments.map((i) => ({ value: i, label: i }))}
        />
        {Object.entries(summary.attributes).map(([name, values]) => (
          <fieldset key={name} className="field">
            <legend>{name}</legend>
            {values.map((v) => (
              <label key={v} className="checkbox">
                <input
                  type="checkbox"
                  data-testid={`filter-${name}-${v}`}
                  checked={current.attribute === name && current.values.includes(v)}
                  onChange={(e) => {
                    const base = current.attribute === name ? current.values : [];
                    setPick({
                      ...current,
                      attribute: name,
                      values: e.target.checked ? [...base, v] : base.filter((x) => x !== v),
                    });
                  }}
                />{' '}
                {v}
              </label>
            ))}
          </fieldset>
        ))}
      </form>
      <ErrorBanner error={report.error} />
      {r && (
        <>
          <section className="card">
            <h2>
              {r.filter.instrument} by time point · {r.subjects} subjects
            </h2>
            <p className="muted">
              Change is measured from “{r.rules.baselineTimePoint ?? 'no baseline'}”; response ≥{' '}
              {r.rules.responseFallPercent}% fall; remission ≤ {r.rules.remissionMax ?? 'n/a'};
              settings v{r.rules.settingsVersion}. {r.rules.method}.
            </p>
            <table className="table compact" data-testid="study-timepoints">
              <thead>
                <tr>
                  <th scope="col">Arm</th>
                  <th scope="col">Time point</th>
                  <th scope="col">n</th>
                  <th scope="col">Mean ± SD (95% CI)</th>
                  <th scope="col">Change from baseline</th>
                  <th scope="col">% change</th>
                  <th scope="col">Response</th>
                  <th scope="col">Remission</th>
                </tr>
              </thead>
              <tbody>
                {r.timePoints.map((t) => {
                  const c = r.changeFromBaseline.find(
                    (x) => x.arm === t.arm && x.timePoint === t.timePoint,
                  );
                  return (
                    <tr key={`${t.arm ?? ''}/${t.timePoint}`}>
                      <td>{t.arm ?? 'all arms'}</td>
                      <td>{t.timePoint}</td>
                      <td>{t.n}</td>
                      <td>{meanSdCi(t.summary)}</td>
                      <td>{c ? meanSdCi(c.change) : '—'}</td>
                      <td>{c ? meanSdCi(c.percentChange) : '—'}</td>
                      <td>{c ? share(c.response) : '—'}</td>
                      <td>{c ? share(c.remission) : '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
          {r.armComparisons.length > 0 && (
            <section className="card">
              <h2>Arms compared within subjects</h2>
              <table className="table compact" data-testid="study-comparisons">
                <thead>
                  <tr>
                    <th scope="col">Time point</th>
                    <th scope="col">Difference</th>
                    <th scope="col">n</th>
                    <th scope="col">Mean difference (95% CI)</th>
                    <th scope="col">Paired t p</th>
                    <th scope="col">Wilcoxon p</th>
                  </tr>
                </thead>
                <tbody>
                  {r.armComparisons.map((a) => (
                    <tr key={`${a.timePoint}/${a.arm}/${a.versus}`}>
                      <td>{a.timePoint}</td>
                      <td>
                        {a.arm} − {a.versus}
                      </td>
                      <td>{a.comparison?.n ?? 0}</td>
                      <td>
                        {a.comparison
                          ? `${oneDecimal(a.comparison.meanDifference)} (${oneDecimal(a.comparison.ciLow)} to ${oneDecimal(a.comparison.ciHigh)})`
                          : '—'}
                      </td>
                      <td>{a.comparison ? pValue(a.comparison.tPValue) : '—'}</td>
                      <td>{a.comparison ? pValue(a.comparison.wilcoxonPValue) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          <section className="card">
            <h2>Mean by day and arm</h2>
            <LineChart
              testId="study-chart"
              xLabel="day"
              yLabel={r.filter.instrument}
              series={arms.map((arm) => ({
                label: arm,
                emphasis: true,
                points: [
                  ...(baseline?.mean != null ? [{ x: baseline.day ?? 0, y: baseline.mean }] : []),
                  ...r.timePoints
                    .filter((t) => t.arm === arm && t.mean !== null)
                    .map((t) => ({ x: t.day ?? 0, y: t.mean ?? 0 })),
                ],
              }))}
            />
          </section>
        </>
      )}
      {access && <StudyMembersCard access={access} onChange={() => managed.reload()} />}
    </main>
  );
}
