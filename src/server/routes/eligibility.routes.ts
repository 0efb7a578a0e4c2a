import { IdParam } from '../../contracts/common.contract.js';
import {
  ContraindicationList,
  DrugList,
  EctBody,
  EctDto,
  EctList,
  EpisodeBody,
  EpisodeDto,
  EpisodeList,
  EpisodeUpdateBody,
  OverrideBody,
  ScreenBody,
  ScreenDto,
  ScreenList,
  TrdEvaluationDto,
  TrdEvaluationList,
  TrialBody,
  TrialDto,
  TrialList,
} from '../../contracts/eligibility.contract.js';
import { SubIdParams } from '../../contracts/patients.contract.js';
import { CONTRAINDICATIONS } from '../../domain/eligibility/contraindications.js';
import { listDrugs } from '../../services/eligibility/catalogue.js';
import {
  addEctCourse,
  addTrial,
  changeEpisode,
  listEctCourses,
  listEpisodes,
  listTrials,
  markTrialEnteredInError,
  startEpisode,
} from '../../services/eligibility/history.js';
import {
  createScreen,
  listScreens,
  overrideScreenItem,
} from '../../services/eligibility/screening.js';
import { evaluateTrd, listTrdEvaluations } from '../../services/eligibility/trd-evaluation.js';
import { requestContext } from '../plugins/access.js';
import type { RoutePlugin } from './route-types.js';

const read = { access: { permission: 'patients.read' as const } };
const write = { access: { permission: 'eligibility.write' as const } };
const tags = ['eligibility'];

export const eligibilityRoutes: RoutePlugin = async (app, { deps }) => {
  app.get(
    '/antidepressants',
    {
      config: { access: { permission: 'settings.read' } },
      schema: {
        tags,
        summary: 'Antidepressants with class and minimum adequate dose (settings)',
        response: { 200: DrugList },
      },
    },
    async () => ({ drugs: await listDrugs(deps) }),
  );
  app.get(
    '/contraindications',
    {
      config: { access: { permission: 'settings.read' } },
      schema: {
        tags,
        summary: 'Screening items, absolute or relative, with sources',
        response: { 200: ContraindicationList },
      },
    },
    async () => ({ items: CONTRAINDICATIONS.map((c) => ({ ...c })) }),
  );

  app.get(
    '/patients/:id/episodes',
    {
      config: read,
      schema: {
        tags,
        summary: 'Depressive episodes',
        params: IdParam,
        response: { 200: EpisodeList },
      },
    },
    async (request) => ({
      episodes: await listEpisodes(deps, requestContext(request), request.params.id),
    }),
  );
  app.post(
    '/patients/:id/episodes',
    {
      config: write,
      schema: {
        tags,
        summary: 'Start the current episode',
        params: IdParam,
        body: EpisodeBody,
        response: { 201: EpisodeDto },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await startEpisode(deps, requestContext(request), request.params.id, request.body)),
  );
  app.patch(
    '/patients/:id/episodes/:itemId',
    {
      config: write,
      schema: {
        tags,
        summary: 'End an episode or set its severity',
        params: SubIdParams,
        body: EpisodeUpdateBody,
        response: { 200: EpisodeDto },
      },
    },
    async (request) =>
      changeEpisode(
        deps,
        requestContext(request),
        request.params.id,
        request.params.itemId,
        request.body,
      ),
  );

  app.get(
    '/patients/:id/trials',
    {
      config: read,
      schema: {
        tags,
        summary: 'Antidepressant trials',
        params: IdParam,
        response: { 200: TrialList },
      },
    },
    async (request) => ({
      trials: await listTrials(deps, requestContext(request), request.params.id),
    }),
  );
  app.post(
    '/patients/:id/trials',
    {
      config: write,
      schema: {
        tags,
        summary: 'Record an antidepressant trial (dates or weeks)',
        params: IdParam,
        body: TrialBody,
        response: { 201: TrialDto },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await addTrial(deps, requestContext(request), request.params.id, request.body)),
  );
  app.post(
    '/patients/:id/trials/:itemId/entered-in-error',
    {
      config: write,
      schema: {
        tags,
        summary: 'Mark a trial as entered in error (kept, left out of verdicts)',
        params: SubIdParams,
        response: { 200: TrialDto },
      },
    },
    async (request) =>
      markTrialEnteredInError(
        deps,
        requestContext(request),
        request.params.id,
        request.params.itemId,
      ),
  );

  app.get(
    '/patients/:id/ect-courses',
    {
      config: read,
      schema: { tags, summary: 'ECT courses', params: IdParam, response: { 200: EctList } },
    },
    async (request) => ({
      courses: await listEctCourses(deps, requestContext(request), request.params.id),
    }),
  );
  app.post(
    '/patients/:id/ect-courses',
    {
      config: write,
      schema: {
        tags,
        summary: 'Record an ECT course',
        params: IdParam,
        body: EctBody,
        response: { 201: EctDto },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await addEctCourse(deps, requestContext(request), request.params.id, request.body)),
  );

  app.get(
    '/patients/:id/trd',
    {
      config: read,
      schema: {
        tags,
        summary: 'Stored TRD verdicts, newest first',
        params: IdParam,
        response: { 200: TrdEvaluationList },
      },
    },
    async (request) => ({
      evaluations: await listTrdEvaluations(deps, requestContext(request), request.params.id),
    }),
  );
  app.post(
    '/patients/:id/trd/evaluate',
    {
      config: write,
      schema: {
        tags,
        summary: 'Judge the current episode now and store the verdict',
        params: IdParam,
        response: { 201: TrdEvaluationDto },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await evaluateTrd(deps, requestContext(request), request.params.id)),
  );

  app.get(
    '/patients/:id/screens',
    {
      config: read,
      schema: {
        tags,
        summary: 'Contraindication screens, newest first',
        params: IdParam,
        response: { 200: ScreenList },
      },
    },
    async (request) => ({
      screens: await listScreens(deps, requestContext(request), request.params.id),
    }),
  );
  app.post(
    '/patients/:id/screens',
    {
      config: write,
      schema: {
        tags,
        summary: 'Record a contraindication screen with baseline vitals',
        params: IdParam,
        body: ScreenBody,
        response: { 201: ScreenDto },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await createScreen(deps, requestContext(request), request.params.id, request.body)),
  );
  app.post(
    '/patients/:id/screens/:itemId/overrides',
    {
      config: write,
      schema: {
        tags,
        summary: 'Override a relative contraindication with a written reason (clinicians)',
        params: SubIdParams,
        body: OverrideBody,
        response: { 200: ScreenDto },
      },
    },
    async (request) =>
      overrideScreenItem(
        deps,
        requestContext(request),
        request.params.id,
        request.params.itemId,
        request.body.itemId,
        request.body.reason,
      ),
  );
};
