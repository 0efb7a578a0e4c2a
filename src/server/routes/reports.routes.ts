import { Type } from 'typebox';
import { InstrumentIdSchema } from '../../contracts/instruments.contract.js';
import { cohortReport } from '../../services/outcomes/cohort-report.js';
import { requestContext } from '../plugins/access.js';
import type { RoutePlugin } from './route-types.js';

const CohortQuery = Type.Object({
  instrument: Type.Optional(InstrumentIdSchema),
  protocolId: Type.Optional(Type.String({ maxLength: 40 })),
  from: Type.Optional(
    Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'courses starting on or after (YYYY-MM-DD)',
    }),
  ),
  to: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
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
        response: {
          200: Type.Unknown({
            description: 'see CohortReport in src/services/outcomes/cohort-report.ts',
          }),
        },
      },
    },
    async (request) =>
      cohortReport(deps, requestContext(request), {
        instrument: request.query.instrument ?? 'qids-sr16',
        protocolId: request.query.protocolId,
        from: request.query.from,
        to: request.query.to,
        completersOnly: request.query.completersOnly ?? false,
      }),
  );
};
