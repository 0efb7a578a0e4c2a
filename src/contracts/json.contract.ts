import { Type, type Static } from 'typebox';

/**
 * Any JSON value: a string, a number, a boolean, null, or an array or object of these.
 * For fields whose shape is free-form by design (an audit event's details differ per
 * action). Objects are a record of JSON values, so the serializer writes every key
 * (fast-json-stringify drops keys an object schema does not declare).
 *
 * The definition carries `$id: 'JsonValue'` (its recursion refers to it by that id), and
 * ajv refuses one id defined twice in one schema: use it at most once per request or
 * response schema. Arrays of a schema that uses it (a list of audit events) are fine.
 */
export const JsonValue = Type.Cyclic(
  {
    JsonValue: Type.Union([
      Type.String(),
      Type.Number(),
      Type.Boolean(),
      Type.Null(),
      Type.Array(Type.Ref('JsonValue')),
      Type.Record(Type.String(), Type.Ref('JsonValue')),
    ]),
  },
  'JsonValue',
);
export type JsonValue = Static<typeof JsonValue>;
