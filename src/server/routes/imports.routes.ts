import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AddStudyMemberBody,
  IMPORT_MEDIA_TYPES,
  ImportQuery,
  ImportSummaryDto,
  StudyAccessDto,
  StudyAccessList,
  StudyList,
  StudyMemberParams,
  StudyParams,
  StudyQuery,
  StudyReportDto,
} from '../../contracts/imports.contract.js';
import { validationError } from '../../domain/errors/domain-error.js';
import { importUpload } from '../../services/imports/import-upload.js';
import { listStudySummaries } from '../../services/imports/studies.js';
import {
  addMember,
  listManagedStudies,
  removeMember,
} from '../../services/imports/study-members.js';
import { UploadSlots } from '../../services/imports/upload-slots.js';
import { STUDY_REPORT_ROWS, studyReport } from '../../services/outcomes/study-report.js';
import { clientGone } from '../http/client-gone.js';
import { requestContext } from '../plugins/access.js';
import type { RoutePlugin } from './route-types.js';

export const importRoutes: RoutePlugin = async (app, { deps }) => {
  // This server's uploads in progress, capped (ADR 0021).
  const uploadSlots = new UploadSlots(deps.config.importMaxConcurrent);
  const uploadRoute: FastifyPluginAsyncTypebox = async (upload) => {
    // A table arrives as the raw body and is streamed to disk, never buffered (ADR 0018);
    // on this route no other body is accepted (415).
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser([...IMPORT_MEDIA_TYPES], (request, payload, done) => {
      // A compressed body would be parsed as if it were the table's text.
      const encoding = request.headers['content-encoding']?.trim().toLowerCase();
      if (encoding && encoding !== 'identity') {
        const refused = Object.assign(
          new Error(
            `Content-Encoding ${encoding} is not accepted: send the table uncompressed (text/csv).`,
          ),
          { statusCode: 415, code: 'UNSUPPORTED_CONTENT_ENCODING' },
        );
        done(refused);
        return;
      }
      done(null, payload);
    });
    upload.post(
      '/imports/table',
      {
        config: { access: { permission: 'data.import' } },
        schema: {
          tags: ['imports'],
          summary:
            'Import total scores from a CSV/TSV sent as the raw body (text/csv), with the column mapping in the query; dryRun previews, a real import is atomic and idempotent',
          querystring: ImportQuery,
          response: { 200: ImportSummaryDto },
        },
      },
      async (request, reply) => {
        const length = Number(request.headers['content-length']);
        return importUpload(
          deps,
          requestContext(request),
          {
            body: request.body instanceof Readable ? request.body : Readable.from([]),
            declaredBytes: Number.isFinite(length) ? length : undefined,
            fileName: request.query.fileName,
            mappingJson: request.query.mapping,
            dryRun: request.query.dryRun,
            onConflict: request.query.onConflict ?? 'error',
            signal: clientGone(reply),
          },
          uploadSlots,
        );
      },
    );
  };
  await app.register(uploadRoute);
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
      return studyReport(
        deps,
        requestContext(request),
        {
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
        },
        { maxRows: STUDY_REPORT_ROWS },
      );
    },
  );
  app.get(
    '/studies/managed',
    {
      config: { access: { permission: 'studies.members' } },
      schema: {
        tags: ['imports'],
        summary:
          'The studies whose members you may manage (all, for an administrator; else those you own), with owner and members',
        response: { 200: StudyAccessList },
      },
    },
    async (request) => listManagedStudies(deps, requestContext(request)),
  );
  app.post(
    '/studies/:study/members',
    {
      config: { access: { permission: 'studies.members' } },
      schema: {
        tags: ['imports'],
        summary:
          'Let a user (by email) into a study: they may then list it, report on it and import into it',
        params: StudyParams,
        body: AddStudyMemberBody,
        response: { 200: StudyAccessDto },
      },
    },
    async (request) =>
      addMember(deps, requestContext(request), {
        study: request.params.study,
        email: request.body.email,
      }),
  );
  app.delete(
    '/studies/:study/members/:userId',
    {
      config: { access: { permission: 'studies.members' } },
      schema: {
        tags: ['imports'],
        summary: 'Take a member out of a study',
        params: StudyMemberParams,
        response: { 200: StudyAccessDto },
      },
    },
    async (request) => removeMember(deps, requestContext(request), request.params),
  );
};
