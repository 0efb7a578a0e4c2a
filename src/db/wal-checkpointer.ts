import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from './spawn-worker.js';

export type CheckpointRequest = { type: 'checkpoint' } | { type: 'close' };
export type CheckpointReply =
  { ok: true; framesInLog: number; framesCheckpointed: number } | { ok: false; message: string };

export interface CheckpointStats {
  /** Checkpoints run by the worker. */
  readonly checkpoints: number;
  /** Checkpoints that failed (logged; the next one tries again). */
  readonly failures: number;
  /** Frames in the WAL and frames copied back at the last checkpoint. */
  readonly lastFramesInLog: number;
  readonly lastFramesCheckpointed: number;
}

/** How long after a commit the next checkpoint starts, at most one running at a time. */
const CHECKPOINT_DELAY_MS = 200;

/**
 * WAL checkpoints off the event loop (issue 10, ADR 0022). SQLite normally checkpoints
 * on the connection that commits once the WAL passes 1,000 pages: on the server that
 * is the event loop, which then copies pages into the database file and fsyncs it
 * while every chairside request waits, and a batch after each commit of a long
 * background job does it again. The server's connection turns automatic checkpoints
 * off (`wal_autocheckpoint = 0`); this class runs a PASSIVE checkpoint in a worker
 * thread with its own connection shortly after commits, one at a time. PASSIVE never
 * waits for readers or writers: what it cannot copy now it copies next time, and
 * SQLite restarts the WAL from its beginning once everything has been copied.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private dirty = false;
  /** Checkpoints one after another: each waits for its own reply. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private counts = { checkpoints: 0, failures: 0, lastFramesInLog: 0, lastFramesCheckpointed: 0 };

  constructor(
    path: string,
    private readonly onError: (message: string) => void = () => {},
    /** The worker ended without being closed: the caller turns SQLite's own checkpoints back on. */
    onStopped: () => void = () => {},
  ) {
    this.worker = spawnWorker(import.meta.url, 'checkpoint-worker', { path });
    // Idle, it must not keep a process alive.
    this.worker.unref();
    this.worker.on('error', (e) => this.onError(`WAL checkpoint worker failed: ${e.message}`));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    void this.exited.then(() => {
      this.gone = true;
      if (!this.closed) {
        this.onError('the WAL checkpoint worker stopped; SQLite checkpoints on commit again');
        onStopped();
      }
    });
  }

  /** Settles when the worker thread has ended (closed, or failed). */
  private readonly exited: Promise<void>;
  private gone = false;

  /** Called after commits: a checkpoint follows shortly. */
  committed(): void {
    this.dirty = true;
    if (this.timer || this.running || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.checkpoint().finally(() => {
        this.running = null;
        if (this.dirty) this.committed();
      });
    }, CHECKPOINT_DELAY_MS);
    this.timer.unref();
  }

  stats(): CheckpointStats {
    return { ...this.counts };
  }

  /** Runs one checkpoint after any already asked for (tests, shutdown). */
  checkpoint(): Promise<void> {
    const next = this.queue.then(() => this.checkpointNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async checkpointNow(): Promise<void> {
    if (this.closed || this.gone) return;
    this.dirty = false;
    this.worker.ref();
    try {
      const reply = once(this.worker, 'message') as Promise<[CheckpointReply]>;
      this.worker.postMessage({ type: 'checkpoint' } satisfies CheckpointRequest);
      // A worker that died answers nothing: its end is the answer.
      const [r] = await Promise.race([
        reply,
        this.exited.then((): [CheckpointReply] => [
          { ok: false, message: 'the checkpoint worker has stopped' },
        ]),
      ]);
      if (r.ok) {
        this.counts.checkpoints += 1;
        this.counts.lastFramesInLog = r.framesInLog;
        this.counts.lastFramesCheckpointed = r.framesCheckpointed;
      } else {
        this.counts.failures += 1;
        this.onError(`WAL checkpoint failed: ${r.message}`);
      }
    } finally {
      this.worker.unref();
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.queue;
    this.closed = true;
    if (!this.gone) this.worker.postMessage({ type: 'close' } satisfies CheckpointRequest);
    await this.exited;
  }
}
