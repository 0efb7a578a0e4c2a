import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config/config.js';
import type { AuditChainHead } from '../../db/repositories/audit.repository.js';
import type { Deps } from '../deps.js';
import {
  auditAnchorKey,
  readAuditAnchor,
  sameHeads,
  signAuditAnchor,
  type AuditAnchor,
} from './audit-anchor-line.js';

/** The anchor file: in the data directory, outside the database (ADR 0025). */
export const AUDIT_ANCHOR_FILE = 'audit-anchors.jsonl';

/** How often the server anchors the log's end when it has changed. */
export const AUDIT_ANCHOR_INTERVAL_MS = 60_000;

export function auditAnchorPath(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, AUDIT_ANCHOR_FILE);
}

/**
 * Appends one line and syncs it. An earlier append cut short by a crash may have left a
 * line without its newline: start a new line rather than continue that one.
 */
async function appendLine(file: string, text: string): Promise<void> {
  const handle = await open(file, 'a+', 0o600);
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    // One write: appends by the server and the command line do not interleave within it.
    await handle.write(`${prefix}${text}\n`);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** The heads in the last whole line of the file, if it is an anchor this install signed. */
async function lastAnchoredHeads(file: string, key: Buffer): Promise<AuditChainHead[] | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    // A line holds at most 16 heads of about 100 bytes each.
    const length = Math.min(size, 8192);
    const tail = Buffer.alloc(length);
    await handle.read(tail, 0, length, size - length);
    const lines = tail.toString('utf8').split('\n');
    lines.pop(); // after the last newline: empty, or a torn line
    const last = lines.pop();
    if (last === undefined) return null;
    const read = readAuditAnchor(key, last);
    return read.ok ? read.anchor.heads : null;
  } finally {
    await handle.close();
  }
}

/**
 * Records the head of every chain of the audit log in the anchor file, signed; returns
 * the anchor, or null when there was nothing to record: an empty log, or heads the same
 * as `unlessSame` (the last anchor written). The heads are read off the event loop, on a
 * connection that sees only committed rows (a worker's; the command line's own after its
 * work is done).
 */
export async function writeAuditAnchor(
  deps: Deps,
  by: string,
  unlessSame?: readonly AuditChainHead[] | null,
): Promise<AuditAnchor | null> {
  const heads = await deps.jobs.run('auditChainHeads', { dialect: deps.database.dialect });
  if (heads.length === 0) return null;
  if (unlessSame && sameHeads(heads, unlessSame)) return null;
  const anchor = signAuditAnchor(auditAnchorKey(deps.config.secretKey), {
    v: 1,
    at: deps.clock.now().toISOString(),
    by,
    heads,
  });
  await appendLine(auditAnchorPath(deps.config), JSON.stringify(anchor));
  return anchor;
}

/**
 * After a command that may have written to the log: anchors its end unless the last
 * anchor in the file already records it.
 */
export async function anchorAfterCommand(deps: Deps): Promise<AuditAnchor | null> {
  const last = await lastAnchoredHeads(
    auditAnchorPath(deps.config),
    auditAnchorKey(deps.config.secretKey),
  );
  return writeAuditAnchor(deps, 'cli', last);
}

/**
 * The server's anchoring: once at start, then every minute when the log's end has moved,
 * and once more at shutdown. Never on a request's path; a failure is logged and the next
 * turn tries again.
 */
export class AuditAnchorer {
  private timer: NodeJS.Timeout | null = null;
  private last: readonly AuditChainHead[] | null = null;
  private turn: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: Deps,
    private readonly intervalMs = AUDIT_ANCHOR_INTERVAL_MS,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.anchorNow();
    this.timer = setInterval(() => void this.anchorNow(), this.intervalMs);
    this.timer.unref();
  }

  /** One anchor after any already under way (they never overlap). */
  anchorNow(): Promise<void> {
    this.turn = this.turn.then(async () => {
      try {
        const anchor = await writeAuditAnchor(this.deps, 'server', this.last);
        if (anchor) {
          this.last = anchor.heads;
          // A copy in the server log, which is often shipped off the machine.
          this.deps.log.info({ auditAnchor: anchor }, 'audit log end anchored');
        }
      } catch (error) {
        this.deps.log.error({ err: error }, 'could not anchor the audit log end');
      }
    });
    return this.turn;
  }

  /** Stops the timer and records the end the log has at shutdown. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.anchorNow();
  }
}
