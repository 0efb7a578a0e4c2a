/**
 * How many table uploads one server takes at once (KETATRACK_IMPORT_MAX_CONCURRENT,
 * ADR 0021). Each holds a file of up to KETATRACK_IMPORT_MAX_BYTES on disk from its
 * first byte until its import ends, and while it is checked a worker and its memory;
 * past the limit an upload is refused before its body is read.
 */
export class UploadSlots {
  private taken = 0;

  constructor(readonly limit: number) {}

  /** A slot and the function that gives it back (once, however often called), or null when all are taken. */
  tryTake(): (() => void) | null {
    if (this.taken >= this.limit) return null;
    this.taken += 1;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.taken -= 1;
    };
  }

  get inUse(): number {
    return this.taken;
  }
}
