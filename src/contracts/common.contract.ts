import { Type, type Static } from 'typebox';

export const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

/** `T | null`, for fields that are present but may be empty. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);

// No control characters: an id is text, and a NUL or line break in one made PostgreSQL
// fail with a 500 or a header unwritable (hostile test).
export const IdParam = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\x00-\\x1f\\x7f]+$' }),
});
export type IdParam = Static<typeof IdParam>;

export const CalendarDate = (description: string) =>
  Type.String({ pattern: DATE_PATTERN, description: `${description} (YYYY-MM-DD)` });

export const Timestamp = Type.String({ description: 'UTC instant, ISO-8601' });

export const FieldProblemSchema = Type.Object({
  field: Type.String(),
  rule: Type.String(),
  message: Type.String(),
});

/** RFC 9457 problem details, as every /api error is returned. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldProblemSchema)),
  },
  { $id: 'Problem' },
);
export type Problem = Static<typeof Problem>;

export const Ok = Type.Object({ ok: Type.Literal(true) });
