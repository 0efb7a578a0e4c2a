import { Readable } from 'node:stream';
import { Type, type Static } from 'typebox';
import { InstrumentIdSchema } from '../../contracts/instruments.contract.js';
import { CohortReportDto } from '../../contracts/outcomes.contract.js';
import {
  cohortDataset,
  cohortReport,
  type CohortFilter,
} from '../../services/outcomes/cohort-report.js';
import { cohortReportHtml } from '../../services/outcomes/cohort-report-html.js';
import { attachment } from '../http/content-disposition.js';
import { generatedPagePolicy } from '../http/security-headers.js';
import { requestContext } from '../plugins/access.js';
import type { RoutePlugin } from './route-types.js';

const CohortQuery = Type.Object({
  instrument: Type.Optional(InstrumentIdSchema),
  protocolId: Type.Optional(Type.String({ maxLength: 40 })),
  siteId: Type.Optional(Type.String({ maxLength: 64, description: 'courses given at this site' })),
  from: Type.Optional(
    Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'courses starting on or after (YYYY-MM-DD)',
    }),
  ),
  to: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
  diagnosis: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9.]{1,12}$',
      description: 'patients with a diagnosis code starting with this, e.g. F33',
    }),
  ),
  completersOnly: Type.Optional(Type.Boolean()),
});

export const reportRoutes: RoutePlugin = async (app, { deps }) => {
  app.get(
    '/reports/cohort',
    {
      config: { access: { permission: 'research.read' } },
      schema: {
        tags: ['outcomes'],
        summary:
          'Cohort outcome table with 95% CIs, paired MoCA tests, adverse-event rates, BP rise by infusion and time to response (de-identified)',
        querystring: CohortQuery,
        response: { 200: CohortReportDto },
      },
    },
    async (request) => cohortReport(deps, requestContext(request), cohortFilter(request.query)),
  );
  app.get(
    '/reports/cohort/dataset.csv',
    {
      config: { access: { permission: 'research.read' } },
      schema: {
        tags: ['outcomes'],
        summary: 'The cohort analysis dataset as CSV, one de-identified row per analysed course',
        querystring: CohortQuery,
        produces: ['text/csv'],
        response: { 200: Type.Unsafe<Readable>({ type: 'string', description: 'CSV text' }) },
      },
    },
    async (request, reply) => {
      const chunks = await cohortDataset(
        deps,
        requestContext(request),
        cohortFilter(request.query),
      );
      // Streamed from a worker, one chunk of rows at a time (bounded memory at registry size).
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachment('cohort-dataset.csv'))
        .send(Readable.from(chunks, { objectMode: false }));
    },
  );
  app.get(
    '/reports/cohort/report.html',
    {
      config: { access: { permission: 'research.read' } },
      schema: {
        tags: ['outcomes'],
        summary: 'The cohort report as a printable HTML page with its charts',
        querystring: CohortQuery,
        produces: ['text/html'],
        response: { 200: Type.String() },
      },
    },
    async (request, reply) => {
      const r = await cohortReport(deps, requestContext(request), cohortFilter(request.query));
      const html = cohortReportHtml(r, deps.clock.now());
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', generatedPagePolicy(html))
        .send(html);
    },
  );
};

function cohortFilter(q: Static<typeof CohortQuery>): CohortFilter {
  return {
    instrument: q.instrument ?? 'qids-sr16',
    protocolId: q.protocolId,
    siteId: q.siteId,
    from: q.from,
    to: q.to,
    diagnosis: q.diagnosis,
    completersOnly: q.completersOnly ?? false,
  };
}
