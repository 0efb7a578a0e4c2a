import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './sqlite-driver.js';
import type { CheckpointReply, CheckpointRequest } from './wal-checkpointer.js';

// The server's WAL checkpoints (wal-checkpointer.ts): its own connection, in its own
// thread, so copying pages into the database file and syncing it never holds the
// event loop.

const port = parentPort;
if (!port) throw new Error('checkpoint-worker runs only as a worker thread');
const { path } = workerData as { path: string };
const handle = openSqlite(path);
// A checkpoint that cannot start at once (another process checkpointing) runs next time.
handle.pragma('busy_timeout = 0');
handle.pragma('synchronous = FULL');

port.on('message', (m: CheckpointRequest) => {
  if (m.type === 'close') {
    handle.close();
    port.close();
    return;
  }
  let reply: CheckpointReply;
  try {
    const [row] = handle.pragma('wal_checkpoint(PASSIVE)') as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    reply = { ok: true, framesInLog: row?.log ?? 0, framesCheckpointed: row?.checkpointed ?? 0 };
  } catch (e) {
    reply = { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});
