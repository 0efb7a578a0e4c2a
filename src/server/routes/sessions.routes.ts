import { Type } from 'typebox';
import { IdParam, RecordIdParam } from '../../contracts/common.contract.js';
import {
  ActBody,
  AdverseEventBody,
  CourseDto,
  CourseList,
  DoseBody,
  ProtocolBody,
  ProtocolDto,
  ProtocolList,
  SessionDto,
  SessionRatingBody,
  SessionVersion,
  StartCourseBody,
  SymptomBody,
  VitalsBody,
} from '../../contracts/sessions.contract.js';
import { listCourses, listProtocols, startCourse } from '../../services/sessions/courses.js';
import { monitoringFormCsv } from '../../services/sessions/monitoring-form.js';
import { saveProtocol } from '../../services/sessions/protocols.js';
import {
  acknowledgeSessionAlert,
  actOnSession,
  getSession,
  recordAdverseEvent,
  recordSessionRating,
  recordSessionVitals,
  reportSymptom,
  sessionVersion,
  setSessionDose,
} from '../../services/sessions/session-workflow.js';
import { attachment } from '../http/content-disposition.js';
import { requestContext } from '../plugins/access.js';
import type { RoutePlugin } from './route-types.js';

const read = { access: { permission: 'patients.read' as const } };
const run = { access: { permission: 'sessions.run' as const } };
const plan = { access: { permission: 'sessions.confirm' as const } };
const tags = ['sessions'];
const AlertParams = Type.Object({
  id: Type.String({ maxLength: 64 }),
  alertId: Type.String({ maxLength: 64 }),
});

export const sessionRoutes: RoutePlugin = async (app, { deps }) => {
  app.get(
    '/sessions/:id/monitoring-form.csv',
    {
      config: read,
      schema: {
        tags,
        summary: 'Esketamine REMS monitoring-form record as CSV (REFERENCE A.3)',
        params: RecordIdParam,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      // Found first (a 404 otherwise), so the file name is only ever a stored session's id.
      const csv = await monitoringFormCsv(deps, requestContext(request), request.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachment(`monitoring-form-${request.params.id}.csv`))
        .send(csv);
    },
  );
  app.post(
    '/protocols/:id',
    {
      config: plan,
      schema: {
        tags,
        summary: 'Create a custom protocol',
        params: IdParam,
        body: ProtocolBody,
        response: { 201: ProtocolDto },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await saveProtocol(deps, requestContext(request), request.params.id, request.body, true),
        ),
  );
  app.put(
    '/protocols/:id',
    {
      config: plan,
      schema: {
        tags,
        summary: 'Edit a protocol template (running courses keep their snapshot)',
        params: IdParam,
        body: ProtocolBody,
        response: { 200: ProtocolDto },
      },
    },
    async (request) =>
      saveProtocol(deps, requestContext(request), request.params.id, request.body, false),
  );
  app.get(
    '/protocols',
    {
      config: read,
      schema: { tags, summary: 'Protocol templates', response: { 200: ProtocolList } },
    },
    async () => ({ protocols: await listProtocols(deps) }),
  );
  app.get(
    '/patients/:id/courses',
    {
      config: read,
      schema: {
        tags,
        summary: "A patient's courses and their sessions",
        params: IdParam,
        response: { 200: CourseList },
      },
    },
    async (request) => ({
      courses: await listCourses(deps, requestContext(request), request.params.id),
    }),
  );
  app.post(
    '/patients/:id/courses',
    {
      config: plan,
      schema: {
        tags,
        summary: 'Start a course (needs TRD or override, a clear screen, consent)',
        params: IdParam,
        body: StartCourseBody,
        response: { 201: CourseDto },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await startCourse(deps, requestContext(request), request.params.id, request.body)),
  );

  app.get(
    '/sessions/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Everything the chairside screen shows',
        params: IdParam,
        response: { 200: SessionDto },
      },
    },
    async (request) => getSession(deps, requestContext(request), request.params.id),
  );
  app.get(
    '/sessions/:id/version',
    {
      config: read,
      schema: {
        tags,
        summary: 'Version and state, for screens polling for changes',
        params: IdParam,
        response: { 200: SessionVersion },
      },
    },
    async (request) => sessionVersion(deps, requestContext(request), request.params.id),
  );
  app.post(
    '/sessions/:id/actions',
    {
      config: run,
      schema: {
        tags,
        summary: 'Move the session through its states (409 on a stale version or a refused step)',
        params: IdParam,
        body: ActBody,
        response: { 200: SessionDto },
      },
    },
    async (request) => actOnSession(deps, requestContext(request), request.params.id, request.body),
  );
  app.post(
    '/sessions/:id/dose',
    {
      config: run,
      schema: {
        tags,
        summary: 'Compute and set the dose (clinicians for escalation)',
        params: IdParam,
        body: DoseBody,
        response: { 200: SessionDto },
      },
    },
    async (request) =>
      setSessionDose(deps, requestContext(request), request.params.id, request.body),
  );
  app.post(
    '/sessions/:id/vitals',
    {
      config: run,
      schema: {
        tags,
        summary: 'Record vitals; alert rules run at once',
        params: IdParam,
        body: VitalsBody,
        response: { 200: SessionDto },
      },
    },
    async (request) =>
      recordSessionVitals(deps, requestContext(request), request.params.id, request.body),
  );
  app.post(
    '/sessions/:id/alerts/:alertId/acknowledge',
    {
      config: run,
      schema: {
        tags,
        summary: 'Acknowledge a session alert',
        params: AlertParams,
        response: { 200: SessionDto },
      },
    },
    async (request) =>
      acknowledgeSessionAlert(
        deps,
        requestContext(request),
        request.params.id,
        request.params.alertId,
      ),
  );
  app.post(
    '/sessions/:id/ratings',
    {
      config: run,
      schema: {
        tags,
        summary: 'Record a CADSS, MOAA/S or BPRS rating during the session',
        params: IdParam,
        body: SessionRatingBody,
        response: { 200: SessionDto },
      },
    },
    async (request) =>
      recordSessionRating(deps, requestContext(request), request.params.id, request.body),
  );
  app.post(
    '/sessions/:id/adverse-events',
    {
      config: run,
      schema: {
        tags,
        summary: 'Record an adverse event',
        params: IdParam,
        body: AdverseEventBody,
        response: { 200: SessionDto },
      },
    },
    async (request) =>
      recordAdverseEvent(deps, requestContext(request), request.params.id, request.body),
  );
  app.post(
    '/sessions/:id/symptoms',
    {
      config: run,
      schema: {
        tags,
        summary: 'Report a red-flag symptom (chest pain, sudden headache, …)',
        params: IdParam,
        body: SymptomBody,
        response: { 200: SessionDto },
      },
    },
    async (request) =>
      reportSymptom(deps, requestContext(request), request.params.id, request.body),
  );
};
