import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * `Expect: 100-continue` (RFC 9110 §10.1.1) lets a client ask before it sends a large
 * body. Node answers 100 Continue at once unless a 'checkContinue' listener is set, so a
 * client would send a whole upload that is then refused (not signed in, not allowed, a
 * forged request, the import slots busy). Here the request is handed to Fastify at once,
 * and 100 Continue is written the first time anything reads the body: after the hooks and
 * checks that refuse. A request refused unread gets its final answer and no 100 (Node then
 * closes the connection, as the body was never read).
 */
export function deferContinue(server: Server): void {
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const read = req._read.bind(req);
    let asked = false;
    req._read = (size: number) => {
      if (!asked) {
        asked = true;
        // After the final answer nothing more may be written: the body is only drained.
        if (!res.headersSent && !res.writableEnded) res.writeContinue();
      }
      read(size);
    };
    server.emit('request', req, res);
  });
}
