import { AuditList, AuditQuery, AuditVerifyResult } from '../../contracts/audit.contract.js';
import { browseAudit, verifyAuditChain } from '../../services/audit/audit-log.js';
import { requireActor } from '../../services/deps.js';
import { requestContext } from '../plugins/access.js';
import type { RoutePlugin } from './route-types.js';

const audit = { access: { permission: 'audit.read' as const } };

export const auditRoutes: RoutePlugin = async (app, { deps }) => {
  app.get(
    '/audit',
    {
      config: audit,
      schema: {
        tags: ['audit'],
        summary: 'Browse the audit log, newest first',
        description:
          "A reader who may not read patient records (an administrator) gets each event's who, when, action, record type and outcome, without patients' identifiers or clinical values: `hidden` says so in words.",
        querystring: AuditQuery,
        response: { 200: AuditList },
      },
    },
    async (request) => ({
      events: await browseAudit(deps, requireActor(requestContext(request)).role, request.query),
    }),
  );
  app.post(
    '/audit/verify',
    {
      config: audit,
      schema: {
        tags: ['audit'],
        summary: 'Recompute the hash chain',
        response: { 200: AuditVerifyResult },
      },
    },
    async () => verifyAuditChain(deps),
  );
};
