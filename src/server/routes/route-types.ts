import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../services/deps.js';

/** Every route plugin receives the same explicit dependencies. */
export type RoutePlugin = FastifyPluginAsyncTypebox<{ deps: Deps }>;
