import rateLimit from '@fastify/rate-limit';
import { Type } from 'typebox';
import { IdParam, Ok, RecordIdParam } from '../../contracts/common.contract.js';
import {
  AcknowledgeBody,
  AlertDto,
  AlertList,
  AssessmentDto,
  AssessmentList,
  AssessmentQuery,
  CreatedLinkDto,
  CreateLinkBody,
  InstrumentIdSchema,
  InstrumentList,
  LinkList,
  RecordAssessmentBody,
  ScoreBody,
  ScoreResultDto,
  SelfReportDone,
  SelfReportFormDto,
  SelfReportSubmitBody,
  TokenParam,
} from '../../contracts/instruments.contract.js';
import { ProgressDto } from '../../contracts/outcomes.contract.js';
import { SubIdParams } from '../../contracts/patients.contract.js';
import {
  acknowledgeAlert,
  listOpenAlerts,
  listPatientAlerts,
} from '../../services/assessments/alerts.js';
import {
  listAssessments,
  listInstruments,
  recordAssessment,
  scoreOnly,
} from '../../services/assessments/record-assessment.js';
import {
  createSelfReportLink,
  listSelfReportLinks,
  openSelfReport,
  revokeSelfReportLink,
  submitSelfReport,
} from '../../services/assessments/self-report.js';
import { patientProgress } from '../../services/outcomes/patient-progress.js';
import { progressReportPdf } from '../../services/outcomes/progress-report-pdf.js';
import { attachment } from '../http/content-disposition.js';
import { requestContext } from '../plugins/access.js';
import type { RoutePlugin } from './route-types.js';

const use = { access: { permission: 'instruments.use' as const } };
const read = { access: { permission: 'patients.read' as const } };
const record = { access: { permission: 'assessments.record' as const } };
const ack = { access: { permission: 'alerts.acknowledge' as const } };
const tags = ['assessments'];

export const assessmentRoutes: RoutePlugin = async (app, { deps }) => {
  await app.register(rateLimit, { global: false });

  app.get(
    '/patients/:id/progress',
    {
      config: read,
      schema: {
        tags: ['outcomes'],
        summary: 'Progress per instrument on the latest course, with the rules used',
        params: IdParam,
        response: { 200: ProgressDto },
      },
    },
    async (request) => patientProgress(deps, requestContext(request), request.params.id),
  );
  app.get(
    '/patients/:id/progress.pdf',
    {
      config: read,
      schema: {
        tags: ['outcomes'],
        summary: 'The progress report as a PDF (same numbers as /progress)',
        params: RecordIdParam,
        produces: ['application/pdf'],
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) },
      },
    },
    async (request, reply) => {
      const pdf = await progressReportPdf(deps, requestContext(request), request.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', attachment(`progress-${request.params.id}.pdf`))
        .send(pdf);
    },
  );

  app.get(
    '/instruments',
    {
      config: use,
      schema: {
        tags,
        summary: 'The instrument library with items, bands, sources and licences',
        response: { 200: InstrumentList },
      },
    },
    async () => ({ instruments: await listInstruments(deps) }),
  );
  app.post(
    '/instruments/:id/score',
    {
      config: use,
      schema: {
        tags,
        summary: 'Score raw answers without saving',
        params: Type.Object({ id: InstrumentIdSchema }),
        body: ScoreBody,
        response: { 200: ScoreResultDto },
      },
    },
    async (request) => scoreOnly(deps, request.params.id, request.body),
  );

  app.get(
    '/patients/:id/assessments',
    {
      config: read,
      schema: {
        tags,
        summary: "A patient's scores, oldest first",
        params: IdParam,
        querystring: AssessmentQuery,
        response: { 200: AssessmentList },
      },
    },
    async (request) => ({
      assessments: await listAssessments(
        deps,
        requestContext(request),
        request.params.id,
        request.query.instrument,
      ),
    }),
  );
  app.post(
    '/patients/:id/assessments',
    {
      config: record,
      schema: {
        tags,
        summary: 'Record raw answers; the server scores them (a submitted total is ignored)',
        params: IdParam,
        body: RecordAssessmentBody,
        response: { 201: AssessmentDto },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await recordAssessment(deps, requestContext(request), request.params.id, request.body),
        ),
  );

  app.get(
    '/alerts',
    {
      config: read,
      schema: { tags, summary: 'Open safety alerts across patients', response: { 200: AlertList } },
    },
    async (request) => ({ alerts: await listOpenAlerts(deps, requestContext(request)) }),
  );
  app.get(
    '/patients/:id/alerts',
    {
      config: read,
      schema: {
        tags,
        summary: "A patient's alerts, newest first",
        params: IdParam,
        response: { 200: AlertList },
      },
    },
    async (request) => ({
      alerts: await listPatientAlerts(deps, requestContext(request), request.params.id),
    }),
  );
  app.post(
    '/alerts/:id/acknowledge',
    {
      config: ack,
      schema: {
        tags,
        summary: 'Acknowledge an alert with a note (clinicians)',
        params: IdParam,
        body: AcknowledgeBody,
        response: { 200: AlertDto },
      },
    },
    async (request) =>
      acknowledgeAlert(deps, requestContext(request), request.params.id, request.body.note),
  );

  app.get(
    '/patients/:id/self-report-links',
    {
      config: read,
      schema: {
        tags,
        summary: "A patient's self-report links",
        params: IdParam,
        response: { 200: LinkList },
      },
    },
    async (request) => ({
      links: await listSelfReportLinks(deps, requestContext(request), request.params.id),
    }),
  );
  app.post(
    '/patients/:id/self-report-links',
    {
      config: record,
      schema: {
        tags,
        summary: 'Create a single-use self-report link (shown once, with a QR code)',
        params: IdParam,
        body: CreateLinkBody,
        response: { 201: CreatedLinkDto },
      },
    },
    async (request, reply) => {
      const origin = deps.config.publicUrl ?? `${request.protocol}://${request.host}`;
      return reply
        .code(201)
        .send(
          await createSelfReportLink(
            deps,
            requestContext(request),
            request.params.id,
            request.body.instruments,
            origin,
          ),
        );
    },
  );
  app.post(
    '/patients/:id/self-report-links/:itemId/revoke',
    {
      config: record,
      schema: {
        tags,
        summary: 'Withdraw an unused link',
        params: SubIdParams,
        response: { 200: Ok },
      },
    },
    async (request) => {
      await revokeSelfReportLink(
        deps,
        requestContext(request),
        request.params.id,
        request.params.itemId,
      );
      return { ok: true as const };
    },
  );

  const selfReportLimit = { rateLimit: { max: 60, timeWindow: 60_000 } };
  app.get(
    '/self-report/:token',
    {
      config: { access: { public: true }, ...selfReportLimit },
      schema: {
        tags: ['self-report'],
        summary: "The patient's questionnaires behind a link (no account)",
        params: TokenParam,
        response: { 200: SelfReportFormDto },
      },
    },
    async (request) => openSelfReport(deps, requestContext(request), request.params.token),
  );
  app.post(
    '/self-report/:token',
    {
      config: { access: { public: true }, ...selfReportLimit },
      schema: {
        tags: ['self-report'],
        summary: 'Submit the answers once',
        params: TokenParam,
        body: SelfReportSubmitBody,
        response: { 201: SelfReportDone },
      },
    },
    async (request, reply) => {
      const received = await submitSelfReport(
        deps,
        requestContext(request),
        request.params.token,
        request.body,
      );
      return reply.code(201).send({ ok: true as const, received });
    },
  );
};
