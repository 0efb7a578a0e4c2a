import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type DatabaseOptions } from '../../db/database.js';
import { serializeError, type FromWorker, type ToWorker } from './jobs.js';
import { isStreamName, isTaskName, STREAMS, TASKS } from './tasks.js';

// A report worker (ADR 0014): its own read-only connection, one task at a time.

const port = parentPort;
if (!port) throw new Error('worker-main runs only as a worker thread');

/**
 * Reports give way to the chairside: on Linux a thread has its own nice value and
 * setPriority(0, …) sets the calling thread's, so this worker runs at a lower CPU
 * priority than the event loop serving requests (on a 2-core server a report would
 * otherwise take the loop's share of the CPU). Elsewhere it may apply to the whole
 * process or be refused; then the worker keeps the normal priority.
 */
const NICER_BY = 10;
if (process.platform === 'linux') {
  try {
    setPriority(0, Math.min(19, getPriority(0) + NICER_BY));
  } catch {
    /* not permitted here: normal priority */
  }
}
const { options } = workerData as { options: DatabaseOptions };
const database = openDatabase({ ...options, readOnly: true, pgPoolSize: 2 });
const post = (m: FromWorker) => port.postMessage(m);
const acks = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
/** Streams whose reader stopped before they offered a chunk: their next chunk fails. */
const cancelled = new Set<number>();
const runningStreams = new Set<number>();
const readerStopped = () => new Error('the reader stopped');

/** Test support: announce that the task was taken, then hold this thread until released. */
function holdIfPaused(pause: SharedArrayBuffer | undefined): void {
  if (!pause) return;
  const flags = new Int32Array(pause);
  Atomics.store(flags, 0, 1);
  Atomics.wait(flags, 1, 0);
}

async function handle(m: Extract<ToWorker, { type: 'run' | 'stream' }>): Promise<void> {
  try {
    holdIfPaused(m.pause);
    if (m.type === 'run') {
      if (!isTaskName(m.task)) throw new Error(`no task ${m.task}`);
      const task = TASKS[m.task] as (db: typeof database.db, a: unknown) => Promise<unknown>;
      post({ type: 'result', id: m.id, value: await task(database.db, m.args) });
    } else {
      if (!isStreamName(m.task)) throw new Error(`no stream ${m.task}`);
      runningStreams.add(m.id);
      const stream = STREAMS[m.task] as (
        db: typeof database.db,
        a: unknown,
        emit: (text: string) => Promise<void>,
      ) => Promise<void>;
      await stream(database.db, m.args, (text) => {
        if (cancelled.has(m.id)) return Promise.reject(readerStopped());
        const acked = new Promise<void>((resolve, reject) => acks.set(m.id, { resolve, reject }));
        post({ type: 'chunk', id: m.id, text });
        return acked;
      });
      post({ type: 'end', id: m.id });
    }
  } catch (e) {
    post({ type: 'error', id: m.id, error: serializeError(e) });
  } finally {
    acks.delete(m.id);
    cancelled.delete(m.id);
    runningStreams.delete(m.id);
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'ack' || m.type === 'cancel') {
    const waiting = acks.get(m.id);
    acks.delete(m.id);
    if (m.type === 'ack') waiting?.resolve();
    else if (waiting) waiting.reject(readerStopped());
    // Still making its first chunk (or between chunks): stop at the next one.
    else if (runningStreams.has(m.id)) cancelled.add(m.id);
  } else if (m.type === 'close') {
    void database.close().finally(() => {
      post({ type: 'closed' });
      port.close();
    });
  } else {
    void handle(m);
  }
});
