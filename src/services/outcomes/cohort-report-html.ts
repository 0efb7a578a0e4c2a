import {
  DEFAULT_FRAME as F,
  kmPath,
  linePath,
  ticks,
  xScale,
  yScale,
} from '../../domain/statistics/chart-geometry.js';
import {
  meanSdCi,
  oneDecimal,
  proportionCi,
  pValue,
} from '../../domain/statistics/report-format.js';
import type { CohortReport } from './cohort-report.js';

/**
 * The cohort report as one self-contained HTML page (`report cohort --format
 * html`): the same numbers as the JSON, the rules used, and the two charts drawn
 * with the geometry the web app uses. No scripts, no external resources.
 */
const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function trajectorySvg(r: CohortReport): string {
  const all = r.trajectories.courses.flatMap((c) => c.points);
  if (all.length === 0) return '<p>No trajectories.</p>';
  const maxDoses = Math.max(...all.map((p) => p.doses));
  const maxTotal = Math.max(...all.map((p) => p.total));
  const x = xScale(F, 0, Math.max(1, maxDoses));
  const y = yScale(F, 0, Math.max(1, maxTotal));
  const lines = r.trajectories.courses
    .map(
      (c) =>
        `<path d="${linePath(
          c.points.map((p) => ({ x: p.doses, y: p.total })),
          x,
          y,
        )}" fill="none" stroke="#9aa5b1" stroke-width="1"/>`,
    )
    .join('');
  const mean = linePath(
    r.trajectories.meanByDoses.map((m) => ({ x: m.doses, y: m.mean })),
    x,
    y,
  );
  return svg(
    x,
    y,
    'doses given',
    r.filter.instrument,
    `${lines}<path d="${mean}" fill="none" stroke="#1f4e79" stroke-width="3"/>`,
  );
}

function kmSvg(r: CohortReport): string {
  const until = Math.max(1, ...r.timeToResponse.map((s) => s.time));
  const x = xScale(F, 0, until);
  const y = yScale(F, 0, 1);
  return svg(
    x,
    y,
    'days since first dose',
    'share not yet responded',
    `<path d="${kmPath(r.timeToResponse, until, x, y)}" fill="none" stroke="#1f4e79" stroke-width="2"/>`,
  );
}

function svg(
  x: ReturnType<typeof xScale>,
  y: ReturnType<typeof yScale>,
  xLabel: string,
  yLabel: string,
  body: string,
): string {
  const xt = ticks(x.min, x.max)
    .map(
      (t) =>
        `<text x="${x(t)}" y="${F.height - F.padBottom + 14}" text-anchor="middle">${t}</text>`,
    )
    .join('');
  const yt = ticks(y.min, y.max)
    .map((t) => `<text x="${F.padLeft - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`)
    .join('');
  return `<svg viewBox="0 0 ${F.width} ${F.height}" width="${F.width}" height="${F.height}" font-size="11" role="img" aria-label="${esc(yLabel)} by ${esc(xLabel)}">
<line x1="${F.padLeft}" y1="${F.height - F.padBottom}" x2="${F.width - F.padRight}" y2="${F.height - F.padBottom}" stroke="#333"/>
<line x1="${F.padLeft}" y1="${F.padTop}" x2="${F.padLeft}" y2="${F.height - F.padBottom}" stroke="#333"/>
${xt}${yt}${body}
<text x="${(F.width + F.padLeft) / 2}" y="${F.height - 4}" text-anchor="middle">${esc(xLabel)}</text>
</svg><p class="axis">Vertical axis: ${esc(yLabel)}</p>`;
}

export function cohortReportHtml(r: CohortReport, generatedAt: Date): string {
  const f = r.filter;
  const filters = [
    `instrument ${f.instrument}`,
    f.protocolId ? `protocol ${f.protocolId}` : 'all protocols',
    f.siteId ? `site ${f.siteId}` : 'all sites',
    f.from ? `courses from ${f.from}` : '',
    f.to ? `to ${f.to}` : '',
    f.diagnosis ? `diagnosis ${f.diagnosis}*` : '',
    f.completersOnly ? 'completers only' : 'everyone treated',
  ]
    .filter(Boolean)
    .join(', ');
  const moca = r.moca
    ? `mean change ${oneDecimal(r.moca.meanDifference)} (95% CI ${oneDecimal(r.moca.ciLow)} to ${oneDecimal(r.moca.ciHigh)}), n = ${r.moca.n}; paired t p = ${pValue(r.moca.tPValue)}; Wilcoxon signed-rank p = ${pValue(r.moca.wilcoxonPValue)}`
    : 'fewer than two courses with MoCA before and after';
  const ae = r.adverseEventsPer100Sessions
    .map((a) => `<tr><td>${esc(a.type)}</td><td>${a.count}</td><td>${oneDecimal(a.rate)}</td></tr>`)
    .join('');
  const bp = r.bpRiseByInfusion
    .map((b) => `<tr><td>${b.infusion}</td><td>${b.n}</td><td>${meanSdCi(b.systolic)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ketatrack cohort report</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}
table{border-collapse:collapse;margin:.5rem 0 1.25rem}td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}
th{background:#f1f3f5}.axis,.muted{color:#555;font-size:12px}.provisional{border:2px solid #b00020;padding:.5rem .75rem}</style></head><body>
<h1>Cohort outcome report</h1>
${
  r.freshness.current
    ? ''
    : `<p class="provisional"><strong>Provisional.</strong> The outcome rules changed recently and ${r.freshness.coursesPending} courses were still being recomputed when this page was made, so these figures mix old and new rules. Print it again once the cohort report says its figures are final.</p>`
}
<p class="muted">Generated ${esc(generatedAt.toISOString())} by ketatrack · ${esc(filters)} · settings version ${r.rules.settingsVersion}. De-identified: no names, record numbers or dates of birth.</p>
<h2>Outcome</h2>
<table><tbody>
<tr><th>Treated (≥ 1 dose)</th><td>${r.treated}</td></tr>
<tr><th>Analysed (baseline and endpoint)</th><td>${r.analysed}</td></tr>
<tr><th>Baseline, mean ± SD</th><td>${meanSdCi(r.baseline)}</td></tr>
<tr><th>Endpoint, mean ± SD</th><td>${meanSdCi(r.endpoint)}</td></tr>
<tr><th>Change, % of baseline</th><td>${meanSdCi(r.percentChange)}</td></tr>
<tr><th>Response</th><td>${proportionCi(r.response)}</td></tr>
<tr><th>Remission</th><td>${proportionCi(r.remission)}</td></tr>
<tr><th>MoCA before/after</th><td>${moca}</td></tr>
<tr><th>Suicidal ideation gone within ${r.rules.siResolutionDays} days (of those with it at baseline)</th><td>${proportionCi({ count: r.suicidalIdeation.resolved, of: r.suicidalIdeation.atBaseline, ci: r.suicidalIdeation.ci })}</td></tr>
</tbody></table>
<h2>Rules used</h2>
<ul>
<li>Baseline: the last score on or before the first dose, at most ${r.rules.baselineWindowDays} days before it.</li>
<li>Endpoint: ${esc(r.rules.endpoint)}.</li>
<li>Response: a fall of at least ${r.rules.responseFallPercent}% from baseline; partial response at least ${r.rules.partialFallPercent}%.</li>
<li>Remission: total at or below ${r.rules.remissionMax ?? 'n/a (no threshold for this instrument)'}.</li>
<li>Suicidal ideation: QIDS-SR16 item 12 at or above ${r.rules.siItemMin} at baseline; resolved when a QIDS-SR16 with item 12 = 0 is taken within ${r.rules.siResolutionDays} days after the first dose.</li>
<li>Statistics: t-based 95% CI of means; Wilson 95% CI of proportions; paired t-test and Wilcoxon signed-rank test (no continuity correction); Kaplan–Meier product-limit estimate, courses without response censored at their last dose.</li>
</ul>
<h2>Individual trajectories and the mean</h2>
${trajectorySvg(r)}
<h2>Time to response (Kaplan–Meier)</h2>
${kmSvg(r)}
<h2>Adverse events per 100 sessions (${r.sessions} sessions)</h2>
${ae ? `<table><thead><tr><th>Type</th><th>Events</th><th>Per 100 sessions</th></tr></thead><tbody>${ae}</tbody></table>` : '<p>None recorded.</p>'}
<h2>Systolic blood-pressure rise by infusion number (mmHg, peak minus pre-dose)</h2>
${bp ? `<table><thead><tr><th>Infusion</th><th>n</th><th>Mean ± SD (95% CI)</th></tr></thead><tbody>${bp}</tbody></table>` : '<p>No paired readings.</p>'}
</body></html>
`;
}
