import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import { unsafeCharacterProblem } from '../../domain/text/unsafe-characters.js';
import type { Deps, RequestContext } from '../deps.js';
import { newId } from '../ids.js';
import { readMapping } from '../../domain/imports/import-mapping.js';
import {
  auditAbandonedImport,
  importAbandoned,
  importTable,
  type ImportSummary,
} from './import-table.js';
import type { UploadSlots } from './upload-slots.js';

export interface ImportUploadRequest {
  /** The request body: the table's bytes, streamed. */
  readonly body: Readable;
  /** The Content-Length the client declared, when it did. */
  readonly declaredBytes: number | undefined;
  readonly fileName: string;
  /** The mapping as JSON text (it travels in the query string beside the raw table). */
  readonly mappingJson: string;
  readonly dryRun: boolean;
  readonly onConflict: 'error' | 'update';
  /** Aborted when the client disconnects before the answer: the import stops unwritten. */
  readonly signal?: AbortSignal | undefined;
}

function tooLarge(limit: number, bytes: number | null): DomainError {
  const size = bytes === null ? 'larger than' : `${bytes} bytes, over`;
  const message = `the file is ${size} the limit of ${limit} bytes (KETATRACK_IMPORT_MAX_BYTES); import larger files with ketatrack import table`;
  return new DomainError('import.too_large', `The upload is too large: ${message}.`, [
    { field: 'body', rule: 'max-bytes', message },
  ]);
}

/**
 * An upload must keep moving: after its first UPLOAD_GRACE_MS it must have averaged at
 * least UPLOAD_MIN_BYTES_PER_SECOND, and it may never stall for UPLOAD_GRACE_MS. Without
 * this, a client trickling a byte every few seconds held an upload slot (of
 * KETATRACK_IMPORT_MAX_CONCURRENT) for as long as it liked, refusing everybody else's
 * imports (hostile test). 16 KiB/s uploads the 64 MiB limit in about 70 minutes.
 */
export const UPLOAD_GRACE_MS = 30_000;
export const UPLOAD_MIN_BYTES_PER_SECOND = 16_384;

function tooSlow(
  bytes: number,
  seconds: number,
  pace: { graceMs: number; minBytesPerSecond: number },
): DomainError {
  const message = `${bytes} bytes arrived in ${Math.round(seconds)} s: an upload must keep up at least ${pace.minBytesPerSecond / 1024} KiB/s after its first ${pace.graceMs / 1000} s; nothing of it was kept`;
  return new DomainError('import.too_slow', `The upload was too slow: ${message}.`, [
    { field: 'body', rule: 'min-upload-rate', message },
  ]);
}

function serverBusy(limit: number): DomainError {
  const message = `the server is already taking ${limit} upload${limit === 1 ? '' : 's'} at once (KETATRACK_IMPORT_MAX_CONCURRENT); nothing of this one was read or kept`;
  return new DomainError(
    'import.server_busy',
    `Too many uploads at once: ${message}. Try again shortly.`,
    [{ field: 'body', rule: 'max-concurrent-uploads', message }],
  );
}

/** Where uploads wait while they are imported. */
const uploadsDir = (dataDir: string) => join(dataDir, 'uploads');

/**
 * Removes uploads left by a server that stopped mid-import (killed, power cut): they
 * may hold identifiers, and only the server that received them could import them.
 * Called as the server starts, before it takes any request.
 */
export async function clearLeftoverUploads(dataDir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(uploadsDir(dataDir));
  } catch {
    return 0;
  }
  const left = names.filter((n) => n.endsWith('.upload'));
  await Promise.all(left.map((n) => rm(join(uploadsDir(dataDir), n), { force: true })));
  return left.length;
}

/**
 * Streams the body into a private file under the data directory, counting bytes and
 * timing them (exported for its tests):
 * over the limit, it stops writing, discards the rest of the body and refuses.
 */
export async function saveUpload(
  dir: string,
  body: Readable,
  limit: number,
  declared: number | undefined,
  pace: { graceMs: number; minBytesPerSecond: number } = {
    graceMs: UPLOAD_GRACE_MS,
    minBytesPerSecond: UPLOAD_MIN_BYTES_PER_SECOND,
  },
): Promise<string> {
  if (declared !== undefined && declared > limit) {
    body.resume();
    throw tooLarge(limit, declared);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${newId()}.upload`);
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  let bytes = 0;
  const started = Date.now();
  let lastData = started;
  let pacer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearInterval(pacer);
        body.off('data', onData);
        body.resume(); // read and drop the rest, so the refusal can still be answered
        out.destroy();
        reject(error);
      };
      const onData = (block: Buffer) => {
        bytes += block.length;
        lastData = Date.now();
        if (bytes > limit) return fail(tooLarge(limit, null));
        if (!out.write(block)) {
          body.pause();
          out.once('drain', () => body.resume());
        }
      };
      body.on('data', onData);
      // Checked on a timer too, so an upload that stops sending at all is caught.
      pacer = setInterval(
        () => {
          const now = Date.now();
          const elapsed = now - started;
          const stalled = now - lastData >= pace.graceMs;
          const slow = elapsed >= pace.graceMs && bytes < (pace.minBytesPerSecond * elapsed) / 1000;
          // Writing to disk may pause the body; that is not the client's slowness.
          if ((stalled || slow) && !body.isPaused()) fail(tooSlow(bytes, elapsed / 1000, pace));
        },
        Math.max(10, Math.min(1000, pace.graceMs / 10)),
      );
      pacer.unref();
      // The request stream fails only when the connection does (the client went away
      // mid-upload: ECONNRESET, "aborted"): an abandoned import, not a server error.
      body.once('error', () => fail(importAbandoned('while the file was being uploaded')));
      out.once('error', fail);
      let ended = false;
      body.once('end', () => {
        ended = true;
        if (settled) return;
        clearInterval(pacer);
        out.end(() => {
          settled = true;
          resolve();
        });
      });
      // A client that goes away mid-upload: no 'end' follows.
      body.once('close', () => {
        if (!ended) fail(importAbandoned('while the file was being uploaded'));
      });
    });
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return path;
}

/**
 * The API's import: the uploaded table saved to a temporary file, imported, then removed.
 * It holds one of the server's upload slots from before its first byte is read until the
 * file is gone; with none free it is refused unread (ADR 0021).
 */
export async function importUpload(
  deps: Deps,
  ctx: RequestContext,
  req: ImportUploadRequest,
  slots: UploadSlots,
): Promise<ImportSummary> {
  // Refused before a byte of the body is saved, like a bad mapping below.
  const badName = unsafeCharacterProblem('fileName', req.fileName);
  if (badName) {
    req.body.resume();
    throw validationError([badName]);
  }
  let mapping: unknown;
  try {
    mapping = JSON.parse(req.mappingJson) as unknown;
  } catch (error) {
    req.body.resume();
    throw validationError([
      {
        field: 'mapping',
        rule: 'json',
        message: `is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      },
    ]);
  }
  const giveBack = slots.tryTake();
  if (!giveBack) {
    req.body.resume();
    throw serverBusy(slots.limit);
  }
  try {
    const dir = uploadsDir(deps.config.dataDir);
    const path = await saveUpload(
      dir,
      req.body,
      deps.config.importMaxBytes,
      req.declaredBytes,
    ).catch(async (error: unknown) => {
      if (error instanceof DomainError && error.code === 'import.abandoned') {
        const read = readMapping(mapping);
        await auditAbandonedImport(deps, ctx, {
          study: read.ok ? read.mapping.study : null,
          fileName: req.fileName,
          dryRun: req.dryRun,
          sha256: null,
          removedRows: false,
          whileUploading: true,
        });
      }
      throw error;
    });
    try {
      return await importTable(deps, ctx, {
        path,
        fileName: req.fileName,
        mapping,
        dryRun: req.dryRun,
        onConflict: req.onConflict,
        signal: req.signal,
      });
    } finally {
      await rm(path, { force: true });
    }
  } finally {
    giveBack();
  }
}
