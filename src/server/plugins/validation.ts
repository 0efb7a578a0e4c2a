import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Two validators: query strings and path params arrive as text and are
 * coerced to their declared types; JSON bodies are never coerced ("70" is not
 * a weight) and unknown fields are refused rather than silently dropped.
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
    const ajv = httpPart === 'querystring' || httpPart === 'params' ? coercing : exact;
    return ajv.compile(schema as object);
  };
}
