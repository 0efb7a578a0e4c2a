import { IdParam } from '../../contracts/common.contract.js';
import {
  CreateUserBody,
  UpdateUserBody,
  UserDto,
  UserList,
} from '../../contracts/users.contract.js';
import { createUser, listUsers, updateUser } from '../../services/users/manage-users.js';
import { requestContext } from '../plugins/access.js';
import type { RoutePlugin } from './route-types.js';

const manage = { access: { permission: 'users.manage' as const } };

export const userRoutes: RoutePlugin = async (app, { deps }) => {
  app.get(
    '/users',
    {
      config: manage,
      schema: { tags: ['users'], summary: 'List accounts', response: { 200: UserList } },
    },
    async () => ({ users: await listUsers(deps) }),
  );
  app.post(
    '/users',
    {
      config: manage,
      schema: {
        tags: ['users'],
        summary: 'Create an account',
        body: CreateUserBody,
        response: { 201: UserDto },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createUser(deps, requestContext(request), request.body)),
  );
  app.patch(
    '/users/:id',
    {
      config: manage,
      schema: {
        tags: ['users'],
        summary: 'Change role or name, disable, unlock or reset password',
        params: IdParam,
        body: UpdateUserBody,
        response: { 200: UserDto },
      },
    },
    async (request) => updateUser(deps, requestContext(request), request.params.id, request.body),
  );
};
