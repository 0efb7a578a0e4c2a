import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

/**
 * A check for a stored value whose shape a contract declares (compiled once): what it
 * returns has the contract's type because it was checked, not because a cast said so.
 * A stored value that does not match is a broken row or a writer that drifted from its
 * contract: it throws, naming what was read and the first mismatch (never the value: it
 * may be patient data), and the request fails with an opaque 500 rather than answer with
 * data its schema does not describe (or that the serializer would cut down to fit).
 */
export function storedValueCheck<const Schema extends TSchema>(schema: Schema, what: string) {
  const validator = Compile(schema);
  return (value: unknown) => {
    if (validator.Check(value)) return value;
    const first = validator.Errors(value)[0];
    throw new Error(
      `stored ${what} does not match its contract` +
        (first ? ` at '${first.instancePath}': ${first.message}` : ''),
    );
  };
}

/** `storedValueCheck` for a JSON text column. */
export function storedJsonReader<const Schema extends TSchema>(schema: Schema, what: string) {
  const check = storedValueCheck(schema, what);
  return (text: string) => check(JSON.parse(text));
}
