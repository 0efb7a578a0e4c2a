import {
  IMPORT_BODY_LIMIT_BYTES,
  ImportBody,
  ImportSummaryDto,
  StudyList,
  StudyQuery,
  StudyReportDto,
} from '../../contracts/imports.contract.js';
import { validationError } from '../../domain/errors/domain-error.js';
import { importTable } from '../../services/imports/import-table.js';
import { listStudySummaries } from '../../services/imports/studies.js';
import { studyReport } from '../../services/outcomes/study-report.js';
import { requestContext } from '../plugins/access.js';
import type { RoutePlugin } from './route-types.js';

export const importRoutes: RoutePlugin = async (app, { deps }) => {
  app.post(
    '/imports/table',
    {
      config: { access: { permission: 'data.import' } },
      // The body carries the whole file (JSON-escaped, so allow some headroom).
      bodyLimit: IMPORT_BODY_LIMIT_BYTES * 2,
      schema: {
        tags: ['imports'],
        summary:
          'Import total scores from a CSV/TSV with a column mapping; dryRun previews, a real import is atomic and idempotent',
        body: ImportBody,
        response: { 200: ImportSummaryDto },
      },
    },
    async (request) =>
      importTable(deps, requestContext(request), {
        fileName: request.body.fileName,
        content: request.body.content,
        mapping: request.body.mapping,
        dryRun: request.body.dryRun,
        onConflict: request.body.onConflict ?? 'error',
      }),
  );
  app.get(
    '/studies',
    {
      config: { access: { permission: 'research.read' } },
      schema: {
        tags: ['imports'],
        summary: 'Imported studies with their instruments and categorical subject attributes',
        response: { 200: StudyList },
      },
    },
    async (request) => listStudySummaries(deps, requestContext(request)),
  );
  app.get(
    '/reports/study',
    {
      config: { access: { permission: 'research.read' } },
      schema: {
        tags: ['outcomes'],
        summary:
          'Outcomes of an imported study by arm and time point, with change from baseline and within-subject arm comparisons (de-identified)',
        querystring: StudyQuery,
        response: { 200: StudyReportDto },
      },
    },
    async (request) => {
      const { study, instrument, attribute, values } = request.query;
      if ((attribute === undefined) !== (values === undefined))
        throw validationError([
          {
            field: attribute === undefined ? 'attribute' : 'values',
            rule: 'together',
            message: 'attribute and values filter together; give both or neither',
          },
        ]);
      return studyReport(deps, requestContext(request), {
        study,
        instrument: instrument ?? 'madrs',
        attribute:
          attribute && values
            ? {
                name: attribute,
                values: values
                  .split(',')
                  .map((v) => v.trim())
                  .filter(Boolean),
              }
            : undefined,
      });
    },
  );
};
