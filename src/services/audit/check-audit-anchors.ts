import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { AuditChainHead } from '../../db/repositories/audit.repository.js';
import { auditRowsBySeq, lastAuditSeq } from '../../db/repositories/audit.repository.js';
import type { DB } from '../../db/schema.js';
import { readAuditAnchor } from './audit-anchor-line.js';

/** What checking the anchors found; `problem` null when every anchored head is in the log. */
export interface AnchorCheck {
  /** Anchor lines whose signature was checked. */
  checked: number;
  /** Lines that are no anchor at all (torn by a crash while being written): skipped. */
  unreadable: number;
  lastAt: string | null;
  problem: { seq: number; reason: string } | null;
}

/** Size of the anchor file now (0 when there is none): lines past it are not read. */
export async function anchorFileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** Whole lines of the first `size` bytes; a last line without its newline is left out. */
async function* completeLines(file: string, size: number): AsyncGenerator<string> {
  if (size === 0) return;
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', end: size - 1 })) {
    const parts = (rest + String(chunk)).split('\n');
    rest = parts.pop() ?? '';
    yield* parts;
  }
}

const when = (at: string) => at.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');

interface Anchored extends AuditChainHead {
  at: string;
}

/**
 * Checks that every head an anchor recorded is still in the log with the same hash: a
 * missing one means rows were removed from the end of a chain, which the chain alone
 * cannot show (ADR 0025). Reads the file as a stream and looks heads up in batches, so
 * memory stays bounded however long the file grows; a head repeated by the next anchor
 * (nothing was written in between) is looked up once. Runs where verification runs (a
 * worker, ADR 0014), in its snapshot; `size` is the file's size taken before that
 * snapshot began, so every head read was committed before the snapshot.
 */
export async function checkAuditAnchors(
  db: Kysely<DB>,
  file: string,
  key: Buffer,
  size: number,
): Promise<AnchorCheck> {
  const result: AnchorCheck = { checked: 0, unreadable: 0, lastAt: null, problem: null };
  const lastOfLane = new Map<number, string>();
  let batch = new Map<number, Anchored>();

  const missing = async (a: Anchored): Promise<{ seq: number; reason: string }> => {
    const last = await lastAuditSeq(db);
    const reason =
      last === 0
        ? `the log is empty but an anchor from ${when(a.at)} records event ${a.seq}: its events were removed`
        : a.seq > last
          ? `the log ends at event ${last} but an anchor from ${when(a.at)} records event ${a.seq}: the newest events were removed`
          : `event ${a.seq}, recorded by an anchor from ${when(a.at)}, is no longer in the log: the newest events of one of its chains were removed`;
    return { seq: a.seq, reason };
  };

  const flush = async (): Promise<{ seq: number; reason: string } | null> => {
    const pending = [...batch.values()].sort((x, y) => x.seq - y.seq);
    batch = new Map();
    const rows = new Map(
      (
        await auditRowsBySeq(
          db,
          pending.map((a) => a.seq),
        )
      ).map((r) => [r.seq, r]),
    );
    for (const a of pending) {
      const row = rows.get(a.seq);
      if (!row) return missing(a);
      if (row.lane !== a.lane || row.hash !== a.hash)
        return {
          seq: a.seq,
          reason: `event ${a.seq} is not the one an anchor from ${when(a.at)} recorded: it was replaced`,
        };
    }
    return null;
  };

  let lineNo = 0;
  for await (const line of completeLines(file, size)) {
    lineNo += 1;
    if (line.trim() === '') continue;
    const read = readAuditAnchor(key, line);
    if (!read.ok) {
      if (read.problem === 'unreadable') {
        result.unreadable += 1;
        continue;
      }
      result.problem = {
        seq: 0,
        reason: `line ${lineNo} of the anchor file does not carry a valid signature: it was altered, or written with another secret key`,
      };
      return result;
    }
    const { anchor } = read;
    result.checked += 1;
    if (result.lastAt === null || anchor.at > result.lastAt) result.lastAt = anchor.at;
    for (const head of anchor.heads) {
      const key = `${head.seq}:${head.hash}`;
      if (lastOfLane.get(head.lane) === key) continue;
      lastOfLane.set(head.lane, key);
      const earlier = batch.get(head.seq);
      if (earlier && (earlier.lane !== head.lane || earlier.hash !== head.hash)) {
        result.problem = {
          seq: head.seq,
          reason: `two anchors disagree about event ${head.seq} (from ${when(earlier.at)} and ${when(anchor.at)})`,
        };
        return result;
      }
      batch.set(head.seq, { ...head, at: anchor.at });
    }
    if (batch.size >= 1000) {
      result.problem = await flush();
      if (result.problem) return result;
    }
  }
  result.problem = await flush();
  return result;
}
