import { Type } from 'typebox';
import { isReachable } from '../../db/database.js';
import { problem, sendProblem } from '../http/errors.js';
import type { RoutePlugin } from './route-types.js';

const Health = Type.Object({ status: Type.Literal('ok') });

export const healthRoutes: RoutePlugin = async (app, { deps }) => {
  app.get(
    '/healthz',
    {
      config: { access: { public: true } },
      schema: { tags: ['health'], summary: 'The process is up', response: { 200: Health } },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      config: { access: { public: true } },
      schema: { tags: ['health'], summary: 'The database answers', response: { 200: Health } },
    },
    async (request, reply) => {
      if (await isReachable(deps.database)) return { status: 'ok' as const };
      return sendProblem(
        reply,
        problem(request, 503, 'db.unreachable', 'The database does not answer.'),
      );
    },
  );
};
