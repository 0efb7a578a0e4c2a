import { CreateSiteBody, SiteDto, SiteList } from '../../contracts/sites.contract.js';
import { createSite, listSites } from '../../services/sites/sites.js';
import { requestContext } from '../plugins/access.js';
import type { RoutePlugin } from './route-types.js';

export const siteRoutes: RoutePlugin = async (app, { deps }) => {
  app.get(
    '/sites',
    {
      // Every signed-in role chooses among sites (starting a course, filtering a report).
      config: { access: { permission: 'account.self' } },
      schema: {
        tags: ['sites'],
        summary: 'Sites where courses are given (a user limited to sites gets their own)',
        response: { 200: SiteList },
      },
    },
    async (request) => listSites(deps, requestContext(request)),
  );
  app.post(
    '/sites',
    {
      config: { access: { permission: 'sites.manage' } },
      schema: {
        tags: ['sites'],
        summary: 'Add a site (administrators)',
        body: CreateSiteBody,
        response: { 201: SiteDto },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createSite(deps, requestContext(request), request.body)),
  );
};
