import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { unsafeCharacterProblem } from '../../domain/text/unsafe-characters.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Fastify's name of the request part a schema checks: body, querystring, params or headers. */
type HttpPart = string | undefined;

/** The checks every request part gets, whatever its schema says (ADR 0023). */
export function partProblems(part: HttpPart, data: unknown): ErrorObject[] {
  if (part === 'querystring' || part === 'params') return textProblems(data);
  if (part === 'body') return nulProblems(data, '');
  return [];
}

/**
 * A query string or path parameter is text a person typed or a link carries: a control,
 * line-separator or bidirectional formatting character in one (`?q=a%00b`) is refused as a
 * 400 naming the field and the character's code point, here, for every route at once,
 * rather than reaching the database (PostgreSQL cannot store NUL: it was a 500).
 */
function textProblems(data: unknown): ErrorObject[] {
  if (data === null || typeof data !== 'object') return [];
  const problems: ErrorObject[] = [];
  for (const [key, raw] of Object.entries(data)) {
    for (const value of Array.isArray(raw) ? (raw as unknown[]) : [raw]) {
      const bad = typeof value === 'string' ? unsafeCharacterProblem(key, value) : null;
      if (bad !== null) {
        problems.push(problemAt(`/${key}`, bad.rule, bad.message));
        break;
      }
    }
  }
  return problems;
}

/** Coerced numbers that are not finite, or whole but past 2^53 (`1e308`, `Infinity`). */
function numberProblems(data: unknown): ErrorObject[] {
  if (data === null || typeof data !== 'object') return [];
  const problems: ErrorObject[] = [];
  for (const [key, raw] of Object.entries(data)) {
    for (const value of Array.isArray(raw) ? (raw as unknown[]) : [raw]) {
      if (
        typeof value === 'number' &&
        (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value)))
      ) {
        problems.push(
          problemAt(`/${key}`, 'finite', 'must be a finite number within ±9007199254740991'),
        );
        break;
      }
    }
  }
  return problems;
}

/** Deepest nesting a JSON body may have: no contract nests near this. */
const MAX_JSON_DEPTH = 32;

/**
 * NUL anywhere in a JSON body's strings: no text column of either database can hold it.
 * Walked with a stack of its own, so a body of thousands of nested brackets is refused
 * rather than exhausting the call stack.
 */
function nulProblems(data: unknown, path: string): ErrorObject[] {
  const problems: ErrorObject[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [
    { value: data, path, depth: 0 },
  ];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, depth } = item;
    if (typeof value === 'string') {
      if (value.includes('\u0000'))
        problems.push(
          problemAt(item.path, 'no-nul-character', 'must not contain the NUL character'),
        );
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) {
      problems.push(
        problemAt(item.path, 'max-depth', `must not nest deeper than ${MAX_JSON_DEPTH} levels`),
      );
      continue;
    }
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((v: unknown, i) => [String(i), v])
      : Object.entries(value as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      stack.push({ value: child, path: `${item.path}/${key}`, depth: depth + 1 });
    }
  }
  return problems;
}

function problemAt(instancePath: string, keyword: string, message: string): ErrorObject {
  return { instancePath, schemaPath: '#', keyword, params: {}, message };
}

/**
 * Two validators: query strings and path params arrive as text and are
 * coerced to their declared types; JSON bodies are never coerced ("70" is not
 * a weight) and unknown fields are refused rather than silently dropped.
 * Around both, the checks of `partProblems` that no schema has to remember.
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const common = {
    allErrors: true,
    strict: false,
    useDefaults: false,
    removeAdditional: false,
  } as const;
  const coercing = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
  const exact = addFormats(new Ajv({ ...common, coerceTypes: false }));
  return ({ schema, httpPart }) => {
    const coerces = httpPart === 'querystring' || httpPart === 'params';
    const validate = (coerces ? coercing : exact).compile(schema as object);
    return guarded(validate, httpPart, coerces);
  };
}

function guarded(validate: ValidateFunction, part: HttpPart, coerces: boolean): ValidateFunction {
  const check = (data: unknown, context?: Parameters<ValidateFunction>[1]): boolean => {
    const before = partProblems(part, data);
    const valid = validate(data, context);
    const after = valid === true && coerces ? numberProblems(data) : [];
    const problems = [...before, ...(validate.errors ?? []), ...after];
    check.errors = problems.length > 0 ? problems : null;
    return problems.length === 0;
  };
  // Fastify passes the parent object (so coercion can replace a root value) when it sees this.
  check.schemaEnv = validate.schemaEnv;
  check.schema = validate.schema;
  check.errors = null as ErrorObject[] | null;
  return check as unknown as ValidateFunction;
}
