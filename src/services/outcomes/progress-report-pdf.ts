import PDFDocument from 'pdfkit';
import type { ProgressDto } from '../../contracts/outcomes.contract.js';
import type { PatientDto } from '../../contracts/patients.contract.js';
import type { Deps, RequestContext } from '../deps.js';
import { getPatient } from '../patients/manage-patients.js';
import { patientProgress } from './patient-progress.js';

/**
 * The patient progress report as a PDF (issue 6): the same numbers as the
 * Outcomes tab and GET /patients/:id/progress, for the chart or a referrer.
 * pdfkit's built-in Helvetica covers Latin-1 only, so symbols outside it are
 * spelled in ASCII rather than dropped.
 */
const ascii = (s: string) =>
  s.replace(/≥/g, '>=').replace(/≤/g, '<=').replace(/−/g, '-').replace(/→/g, '->');
const pct = (v: number | null) => (v === null ? '-' : `${v > 0 ? '+' : ''}${v.toFixed(1)}%`);
const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '-');
const point = (p: { at: string; total: number; imported: boolean } | null) =>
  p ? `${p.total} (${day(p.at)}${p.imported ? ', imported' : ''})` : '-';

export async function progressReportPdf(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
): Promise<Buffer> {
  const patient = await getPatient(deps, ctx, patientId);
  const progress = await patientProgress(deps, ctx, patientId);
  return renderProgressPdf(patient, progress, deps.clock.now());
}

export function renderProgressPdf(
  patient: Pick<PatientDto, 'mrn' | 'familyName' | 'givenName' | 'dateOfBirth'>,
  p: ProgressDto,
  generatedAt: Date,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    // Uncompressed: a one-page report stays small, and its text can be checked and searched.
    compress: false,
    info: { Title: `Progress report ${patient.mrn}`, Producer: 'ketatrack' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) =>
    doc.on('end', () => resolve(Buffer.concat(chunks))),
  );
  const text = (s: string, opts?: PDFKit.Mixins.TextOptions) => doc.text(ascii(s), opts);
  const heading = (s: string) => {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12);
    text(s);
    doc.font('Helvetica').fontSize(10).moveDown(0.2);
  };
  const table = (headers: string[], rows: string[][], widths: number[]) => {
    const x0 = doc.page.margins.left;
    const line = (cells: string[], bold: boolean) => {
      const y = doc.y;
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
      let x = x0;
      let bottom = y;
      cells.forEach((c, i) => {
        const w = widths[i] ?? 60;
        doc.text(ascii(c), x, y, { width: w - 4 });
        bottom = Math.max(bottom, doc.y);
        x += w;
      });
      doc.x = x0;
      doc.y = bottom + 3;
    };
    line(headers, true);
    for (const r of rows) {
      if (doc.y > doc.page.height - doc.page.margins.bottom - 30) doc.addPage();
      line(r, false);
    }
    doc.font('Helvetica').fontSize(10);
  };

  doc.font('Helvetica-Bold').fontSize(16);
  text('Ketamine treatment progress report');
  doc.font('Helvetica').fontSize(10);
  text(
    `${patient.familyName}, ${patient.givenName} · MRN ${patient.mrn} · born ${patient.dateOfBirth}`,
  );
  doc.fillColor('#555');
  text(`Generated ${generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC by ketatrack`);
  doc.fillColor('#000');

  heading('Course');
  text(
    p.course
      ? `${p.course.protocol}: ${p.course.dosesGiven} dose${p.course.dosesGiven === 1 ? '' : 's'} from ${day(p.course.firstDoseAt)} to ${day(p.course.lastDoseAt)}; ${p.course.completer ? 'completer' : 'not (yet) a completer'}.`
      : 'No course yet.',
  );

  heading('Scores');
  table(
    [
      'Instrument',
      'Baseline',
      'Endpoint',
      'Change',
      'Status',
      'Remission',
      'Response reached',
      'Latest',
    ],
    p.instruments.map((i) => [
      i.instrument,
      point(i.baseline),
      point(i.endpoint),
      pct(i.percentChange),
      i.status ?? '-',
      i.remission === null ? '-' : i.remission ? 'yes' : 'no',
      i.timeToResponse
        ? `day ${Math.round(i.timeToResponse.days)}, after ${i.timeToResponse.doses} doses`
        : '-',
      point(i.latest),
    ]),
    [62, 78, 78, 46, 62, 50, 70, 54],
  );
  if (p.mocaChange !== null)
    text(`MoCA change from baseline to endpoint: ${p.mocaChange > 0 ? '+' : ''}${p.mocaChange}.`);

  heading('Suicidal-ideation answers (QIDS-SR16 item 12, PHQ-9 item 9)');
  if (p.suicidalIdeation.length === 0) text('None recorded.');
  else
    table(
      ['Date', 'Instrument', 'Answer'],
      p.suicidalIdeation.map((s) => [day(s.at), s.instrument, String(s.value)]),
      [100, 100, 60],
    );

  heading('Safety');
  text(
    p.safety.adverseEvents.length === 0
      ? 'Adverse events: none recorded.'
      : `Adverse events: ${p.safety.adverseEvents.map((a) => `${a.type} (${a.count})`).join(', ')}.`,
  );
  if (p.safety.bpRiseBySession.length > 0)
    table(
      ['Session', 'Largest systolic rise (mmHg)', 'Largest diastolic rise (mmHg)'],
      p.safety.bpRiseBySession.map((b) => [
        String(b.session),
        b.systolicRiseMmHg === null ? '-' : String(b.systolicRiseMmHg),
        b.diastolicRiseMmHg === null ? '-' : String(b.diastolicRiseMmHg),
      ]),
      [70, 170, 170],
    );

  heading('Rules used');
  doc.fontSize(9);
  text(
    `Baseline: the last score on or before the first dose, at most ${p.rules.baselineWindowDays} days before it. Endpoint: ${p.rules.endpoint}. Response: a fall of at least ${p.rules.responseFallPercent}% from baseline; partial response at least ${p.rules.partialFallPercent}%. Settings version ${p.rules.settingsVersion}.`,
  );
  doc.end();
  return done;
}
