import type { Worker } from 'node:worker_threads';
import type { Database } from '../../db/database.js';
import { spawnWorker } from '../../db/spawn-worker.js';
import {
  DomainError,
  type DomainErrorCode,
  type FieldProblem,
} from '../../domain/errors/domain-error.js';
import type { StreamArgs, StreamName, TaskArgs, TaskName, TaskResult } from './tasks.js';

/**
 * Heavy reads (reports, datasets, outcome recomputation, import planning) run
 * here, off the event loop that serves the chairside screens (issue 10, ADR 0014).
 */
export interface Jobs {
  run<K extends TaskName>(task: K, args: TaskArgs<K>): Promise<TaskResult<K>>;
  /** A task that produces text in chunks (a CSV download), pulled one chunk at a time. */
  stream<K extends StreamName>(task: K, args: StreamArgs<K>): AsyncIterable<string>;
  close(): Promise<void>;
}

/** Errors cross the thread boundary as plain data and are rebuilt on this side. */
interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: DomainErrorCode;
  readonly fields?: readonly FieldProblem[];
  readonly stack?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof DomainError)
    return { name: e.name, message: e.message, code: e.code, fields: e.fields };
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

function rebuildError(s: SerializedError): Error {
  if (s.name === 'DomainError' && s.code) return new DomainError(s.code, s.message, s.fields ?? []);
  const e = new Error(s.message);
  e.name = s.name;
  if (s.stack) e.stack = s.stack;
  return e;
}

export type ToWorker =
  | { type: 'run'; id: number; task: string; args: unknown; pause?: SharedArrayBuffer }
  | { type: 'stream'; id: number; task: string; args: unknown; pause?: SharedArrayBuffer }
  | { type: 'ack'; id: number }
  | { type: 'cancel'; id: number }
  | { type: 'close' };

export type FromWorker =
  | { type: 'result'; id: number; value: unknown }
  | { type: 'chunk'; id: number; text: string }
  | { type: 'end'; id: number }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'closed' };

/** A single-use gate a test can put in front of the next task a worker runs. */
export interface PauseHandle {
  /** Resolves once a worker has taken the task and is holding its thread. */
  readonly reached: Promise<void>;
  release(): void;
}

interface Pending {
  readonly id: number;
  readonly message: Extract<ToWorker, { type: 'run' } | { type: 'stream' }>;
  readonly onMessage: (m: FromWorker) => void;
  readonly onCrash: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

/** A report worker (worker-main.ts). */
function spawnJobWorker(workerData: unknown): Worker {
  return spawnWorker(import.meta.url, 'worker-main', workerData);
}

export interface WorkerJobsOptions {
  /**
   * How long a chunk a worker made may wait for its reader (KETATRACK_STREAM_IDLE_SECONDS).
   * A download whose client stops reading would otherwise hold its worker for good: past
   * this the stream is cancelled, the worker freed, and the reader's next read fails.
   */
  readonly readerIdleMs?: number;
}

/** A minute: a reader slower than about 6 kB/s on a 5,000-row dataset chunk (some 350 kB before compression). */
const DEFAULT_READER_IDLE_MS = 60_000;

/**
 * A small pool of worker threads, each with its own read connection (SQLite in WAL
 * mode reads beside the writer; PostgreSQL gets a small pool per worker). Workers
 * start on first use and are unreferenced while idle, so they never keep a process
 * alive on their own. A crashed worker fails its task and is replaced.
 */
export class WorkerJobs implements Jobs {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private nextPause: SharedArrayBuffer | null = null;
  private closed = false;
  private readonly readerIdleMs: number;

  constructor(
    private readonly database: Database,
    private readonly size: number,
    options: WorkerJobsOptions = {},
  ) {
    this.readerIdleMs = options.readerIdleMs ?? DEFAULT_READER_IDLE_MS;
  }

  run<K extends TaskName>(task: K, args: TaskArgs<K>): Promise<TaskResult<K>> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.enqueue({
        id,
        message: { type: 'run', id, task, args },
        onMessage: (m) => {
          if (m.type === 'result') resolve(m.value as TaskResult<K>);
          else if (m.type === 'error') reject(rebuildError(m.error));
        },
        onCrash: reject,
      });
    });
  }

  stream<K extends StreamName>(task: K, args: StreamArgs<K>): AsyncIterable<string> {
    const chunks: string[] = [];
    let done = false;
    let failure: Error | null = null;
    let wake: (() => void) | null = null;
    const id = this.nextId++;
    let started = false;
    const notify = () => {
      wake?.();
      wake = null;
    };
    const post = (type: 'ack' | 'cancel') => {
      const slot = this.slots.find((s) => s.busy?.id === id);
      slot?.worker.postMessage({ type, id } satisfies ToWorker);
    };
    // Runs only while a chunk waits for the reader: time the worker spends making the
    // next chunk (a large report's first one can take a minute) is not the reader's.
    let idle: NodeJS.Timeout | null = null;
    const stopIdle = () => {
      if (idle) clearTimeout(idle);
      idle = null;
    };
    const readerGaveNoSign = () => {
      idle = null;
      if (done || failure) return;
      failure = new Error(
        `the reader took no data for ${this.readerIdleMs / 1000} s: the stream was stopped and its worker freed`,
      );
      chunks.length = 0;
      post('cancel');
      notify();
    };
    const start = () => {
      started = true;
      this.enqueue({
        id,
        message: { type: 'stream', id, task, args },
        onMessage: (m) => {
          if (m.type === 'chunk') {
            chunks.push(m.text);
            idle ??= setTimeout(readerGaveNoSign, this.readerIdleMs).unref();
          } else if (m.type === 'end') done = true;
          // After a cancel the worker's own "reader stopped" is not news: keep the reason.
          else if (m.type === 'error') failure ??= rebuildError(m.error);
          notify();
        },
        onCrash: (e) => {
          failure ??= e;
          notify();
        },
      });
    };
    return {
      [Symbol.asyncIterator]: () => ({
        // The reader stopped early (a download cancelled): free the worker, or take
        // the stream out of the queue if no worker has it yet (else a worker would
        // later make its first chunk for nobody and wait for a reader forever).
        return: (): Promise<IteratorResult<string>> => {
          stopIdle();
          if (started && !done && !failure) {
            const queued = this.queue.findIndex((p) => p.id === id);
            if (queued >= 0) this.queue.splice(queued, 1);
            post('cancel');
          }
          done = true;
          chunks.length = 0;
          notify();
          return Promise.resolve({ value: undefined, done: true });
        },
        next: async (): Promise<IteratorResult<string>> => {
          if (!started) start();
          for (;;) {
            const text = chunks.shift();
            if (text !== undefined) {
              stopIdle();
              // Credit for one more chunk: the worker never runs ahead of the reader.
              post('ack');
              return { value: text, done: false };
            }
            if (failure) throw failure;
            if (done) return { value: undefined, done: true };
            await new Promise<void>((r) => (wake = r));
          }
        },
      }),
    };
  }

  /** Test support: the next task taken by a worker holds its thread until released. */
  pauseNextTask(): PauseHandle {
    const buffer = new SharedArrayBuffer(8);
    const flags = new Int32Array(buffer);
    this.nextPause = buffer;
    const reached = (async () => {
      while (Atomics.load(flags, 0) === 0) await new Promise((r) => setTimeout(r, 5));
    })();
    return {
      reached,
      release: () => {
        Atomics.store(flags, 1, 1);
        Atomics.notify(flags, 1);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.onCrash(new Error('the worker pool was closed'));
    await Promise.all(
      this.slots.splice(0).map(
        (slot) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(
              () => void slot.worker.terminate().then(() => resolve()),
              5000,
            );
            slot.worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            slot.worker.postMessage({ type: 'close' } satisfies ToWorker);
          }),
      ),
    );
  }

  private enqueue(p: Pending): void {
    if (this.closed) {
      p.onCrash(new Error('the worker pool was closed'));
      return;
    }
    if (this.nextPause) {
      p.message.pause = this.nextPause;
      this.nextPause = null;
    }
    this.queue.push(p);
    this.dispatch();
  }

  /**
   * How many workers streams may hold at once: all but one (ADR 0021). A stream's length is set by
   * its client (an upload's size, a download's reader), so uploads and downloads alone
   * never take every worker: a report, an audit check or an outcome recomputation always
   * finds one, at most behind other such bounded tasks. A pool of one worker shares it.
   */
  private get streamLimit(): number {
    return Math.max(1, this.size - 1);
  }

  /** Tasks and streams waiting for a worker (for tests and diagnostics). */
  get queued(): number {
    return this.queue.length;
  }

  private dispatch(): void {
    for (;;) {
      const streaming = this.slots.filter((s) => s.busy?.message.type === 'stream').length;
      // First come, first served, except that a stream held back by that limit lets the
      // tasks queued behind it pass.
      const index = this.queue.findIndex(
        (p) => p.message.type === 'run' || streaming < this.streamLimit,
      );
      if (index < 0) return;
      let slot = this.slots.find((s) => s.busy === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const [next] = this.queue.splice(index, 1);
      if (!next) return;
      slot.busy = next;
      slot.worker.ref();
      slot.worker.postMessage(next.message);
    }
  }

  private spawn(): Slot {
    const worker = spawnJobWorker({ options: this.database.options });
    const slot: Slot = { worker, busy: null };
    worker.on('message', (m: FromWorker) => {
      const p = slot.busy;
      if (!p || !('id' in m) || m.id !== p.id) return;
      p.onMessage(m);
      if (m.type === 'result' || m.type === 'end' || m.type === 'error') {
        slot.busy = null;
        worker.unref();
        this.dispatch();
      }
    });
    const fail = (e: Error) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      slot.busy?.onCrash(e);
      slot.busy = null;
      if (!this.closed) this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) fail(new Error(`report worker stopped (exit code ${code})`));
    });
    worker.unref();
    this.slots.push(slot);
    return slot;
  }
}

/**
 * The same tasks on the calling thread: for the command line (one user, who is
 * waiting for exactly this) and for databases a worker cannot open (in memory).
 */
export class InlineJobs implements Jobs {
  constructor(private readonly database: Database) {}

  async run<K extends TaskName>(task: K, args: TaskArgs<K>): Promise<TaskResult<K>> {
    const { TASKS } = await import('./tasks.js');
    const fn = TASKS[task] as (db: Database['db'], a: TaskArgs<K>) => Promise<TaskResult<K>>;
    return fn(this.database.db, args);
  }

  async *stream<K extends StreamName>(task: K, args: StreamArgs<K>): AsyncIterable<string> {
    const { STREAMS } = await import('./tasks.js');
    const fn = STREAMS[task] as (
      db: Database['db'],
      a: StreamArgs<K>,
      emit: (text: string) => Promise<void>,
    ) => Promise<void>;
    // Hand each chunk to the reader before making the next (bounded memory).
    const state: {
      offered: { text: string; taken: () => void } | null;
      wake: (() => void) | null;
      finished: boolean;
      failure: Error | null;
    } = { offered: null, wake: null, finished: false, failure: null };
    const producing = fn(
      this.database.db,
      args,
      (text) =>
        new Promise<void>((taken) => {
          state.offered = { text, taken };
          state.wake?.();
        }),
    ).then(
      () => {
        state.finished = true;
      },
      (e: unknown) => {
        state.failure = e instanceof Error ? e : new Error('stream failed', { cause: e });
        state.finished = true;
      },
    );
    void producing.finally(() => state.wake?.());
    for (;;) {
      const current = state.offered;
      if (current) {
        state.offered = null;
        yield current.text;
        current.taken();
        continue;
      }
      if (state.finished) {
        if (state.failure) throw state.failure;
        return;
      }
      await new Promise<void>((r) => (state.wake = r));
      state.wake = null;
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Worker threads for a database file or server; inline for an in-memory database. */
export function createJobs(
  database: Database,
  size: number,
  options: WorkerJobsOptions = {},
): Jobs {
  if (database.dialect === 'sqlite' && database.location === ':memory:')
    return new InlineJobs(database);
  return new WorkerJobs(database, size, options);
}
