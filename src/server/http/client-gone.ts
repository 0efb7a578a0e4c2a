import type { FastifyReply } from 'fastify';

/**
 * Aborted when the client's connection closes before its answer was sent (the browser
 * tab closed, the network dropped, the client gave up): work done only to be answered
 * can stop there. A response that was sent in full closes without aborting it.
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const res = reply.raw;
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
