import {
  ChangeSettingBody,
  SettingKeyParam,
  SettingList,
} from '../../contracts/instruments.contract.js';
import { changeSetting, listSettings } from '../../services/settings/settings.js';
import { requestContext } from '../plugins/access.js';
import type { RoutePlugin } from './route-types.js';

export const settingRoutes: RoutePlugin = async (app, { deps }) => {
  app.get(
    '/settings',
    {
      config: { access: { permission: 'settings.read' } },
      schema: {
        tags: ['settings'],
        summary: 'Every clinical threshold with its value, default and source',
        response: { 200: SettingList },
      },
    },
    async () => listSettings(deps),
  );
  app.patch(
    '/settings/:key',
    {
      config: { access: { permission: 'settings.manage' } },
      schema: {
        tags: ['settings'],
        summary: 'Change a threshold (versioned and audited)',
        params: SettingKeyParam,
        body: ChangeSettingBody,
        response: { 200: SettingList },
      },
    },
    async (request) =>
      changeSetting(
        deps,
        requestContext(request),
        request.params.key,
        request.body.value,
        request.body.reason,
      ),
  );
};
