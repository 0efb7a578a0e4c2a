/**
 * The row on which each score identity (a whole number below 2^53) was first seen,
 * in two typed arrays with open addressing, off the garbage-collected heap: 24 MB
 * for a 1.1M-row import, against some 60 MB for a Map of boxed numbers (ADR 0018).
 */
export class ScoreIdentities {
  private keys = new Float64Array(1024);
  private rows = new Int32Array(1024);
  private size = 0;

  /** The row recorded for `identity`, or undefined. */
  get(identity: number): number | undefined {
    const slot = this.find(this.keys, identity + 1);
    return this.keys[slot] === 0 ? undefined : this.rows[slot];
  }

  set(identity: number, row: number): void {
    // Grow at three quarters full: linear probing stays short, and the arrays small.
    if ((this.size + 1) * 4 > this.keys.length * 3) this.grow();
    const slot = this.find(this.keys, identity + 1);
    if (this.keys[slot] === 0) this.size += 1;
    this.keys[slot] = identity + 1;
    this.rows[slot] = row;
  }

  get count(): number {
    return this.size;
  }

  /** Linear probing from a mixed hash of the key's two 32-bit halves; 0 marks a free slot. */
  private find(keys: Float64Array, stored: number): number {
    const mask = keys.length - 1;
    const hi = Math.floor(stored / 4294967296);
    let slot = Math.imul((stored >>> 0) ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) & mask;
    for (;;) {
      const k = keys[slot];
      if (k === 0 || k === stored) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldRows = this.rows;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.rows = new Int32Array(oldKeys.length * 2);
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i] ?? 0;
      if (k === 0) continue;
      const slot = this.find(this.keys, k);
      this.keys[slot] = k;
      this.rows[slot] = oldRows[i] ?? 0;
    }
  }
}
