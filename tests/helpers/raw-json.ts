/**
 * A number written into the JSON text as it stands: `1e999` (which JSON.parse reads as
 * Infinity), `-0`, integers beyond 2^53. JSON.stringify cannot write these.
 */
export class RawJsonNumber {
  constructor(readonly text: string) {}
}

/** JSON text for a generated value, writing RawJsonNumber tokens verbatim. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJsonNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const parts = Object.keys(value).map(
      (k) => `${JSON.stringify(k)}:${toJsonText((value as Record<string, unknown>)[k])}`,
    );
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
