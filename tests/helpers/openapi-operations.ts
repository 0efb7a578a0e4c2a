import type { JsonSchema } from './schema-arbitraries.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OperationParam {
  readonly name: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
}

/** One operation of the OpenAPI document, with what a client may send it. */
export interface Operation {
  /** `POST /api/v1/patients/{id}/archive`, as the document names it. */
  readonly key: string;
  readonly method: HttpMethod;
  /** The document's path template, `/api/v1/patients/{id}`. */
  readonly path: string;
  /** The same path as Fastify registers it, `/api/v1/patients/:id`. */
  readonly route: string;
  readonly pathParams: readonly OperationParam[];
  readonly queryParams: readonly OperationParam[];
  /** The JSON body's schema, when the operation takes one. */
  readonly jsonBody: JsonSchema | undefined;
}

interface OpenApiParameter {
  in: string;
  name: string;
  required?: boolean;
  schema: JsonSchema;
}
interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema: JsonSchema }> };
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Every operation of the document, in its order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      const method = m.toUpperCase() as HttpMethod;
      if (!METHODS.includes(method)) continue;
      const params = (where: string): OperationParam[] =>
        (op.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, required: p.required === true, schema: p.schema }));
      out.push({
        key: `${method} ${path}`,
        method,
        path,
        route: path.replace(/\{([^}]+)\}/g, ':$1'),
        pathParams: params('path'),
        queryParams: params('query'),
        jsonBody: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return out;
}
