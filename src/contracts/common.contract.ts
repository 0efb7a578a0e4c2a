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

/** A record's id as this server makes them (UUID, ADR 0003), for routes that put it in a header. */
export const RecordIdParam = Type.Object({
  id: Type.String({
    pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
    description: 'a record id (UUID)',
  }),
});
export type RecordIdParam = Static<typeof RecordIdParam>;

/** The largest offset a list accepts: past a national registry's size, and an integer both databases take. */
export const MAX_PAGE_OFFSET = 10_000_000;

/** `limit` of a list: a whole number from 1 to `maximum` (a schema bound, so 1e308 is a 400). */
export const PageLimit = (maximum: number) =>
  Type.Integer({ minimum: 1, maximum, description: `rows per page, 1 to ${maximum}` });

/** `offset` of a list: a whole number from 0 to MAX_PAGE_OFFSET (never Infinity or 1e308). */
export const PageOffset = Type.Integer({
  minimum: 0,
  maximum: MAX_PAGE_OFFSET,
  description: `rows to skip, 0 to ${MAX_PAGE_OFFSET}`,
});

/** A cursor that is a stored sequence number: a positive integer JavaScript holds exactly. */
export const SeqCursor = (description: string) =>
  Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description });

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
