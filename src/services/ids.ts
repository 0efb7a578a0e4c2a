import { getRandomValues } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

// Random bytes are drawn 8 KiB at a time: the uuid package asks the system for 16
// bytes per id, which dominated a 100k-row import's profile (ADR 0018). Each byte
// is used once. The millisecond and counter follow the uuid package's own
// monotonic rule (RFC 9562, method 1), so ids from this process keep their order.
const pool = new Uint8Array(16 * 512);
let offset = pool.length;
const clock = { msecs: -Infinity, seq: 0 };

/** Time-ordered UUIDv7 ids (docs/adr/0003-ids.md). */
export function newId(): string {
  if (offset === pool.length) {
    getRandomValues(pool);
    offset = 0;
  }
  const random = pool.subarray(offset, offset + 16);
  offset += 16;
  const now = Date.now();
  if (now > clock.msecs) {
    clock.msecs = now;
    clock.seq =
      (((random[6] ?? 0) & 0x7f) << 24) |
      ((random[7] ?? 0) << 16) |
      ((random[8] ?? 0) << 8) |
      (random[9] ?? 0);
  } else {
    clock.seq = (clock.seq + 1) | 0;
    if (clock.seq === 0) clock.msecs += 1;
  }
  return uuidv7({ random, msecs: clock.msecs, seq: clock.seq });
}
