import { describe, expect, it } from 'vitest';
import { UploadSlots } from './upload-slots.js';

describe('UploadSlots', () => {
  it('hands out at most its limit, and a slot given back twice counts once', () => {
    const slots = new UploadSlots(2);
    const a = slots.tryTake();
    const b = slots.tryTake();
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(slots.tryTake()).toBeNull();
    a?.();
    a?.();
    expect(slots.inUse).toBe(1);
    const c = slots.tryTake();
    expect(c).not.toBeNull();
    expect(slots.tryTake()).toBeNull();
    b?.();
    c?.();
    expect(slots.inUse).toBe(0);
  });
});
