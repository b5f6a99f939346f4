/**
 * The OpenAPI 3.1 document of `/api/v1`, generated from the route list and its zod schemas
 * (JSON Schema 2020-12, which OpenAPI 3.1 uses as is), so the document describes exactly the
 * routes that are registered. Served at `GET /api/v1/openapi.json`.
 */
import { z } from 'zod'
import { API_ERRORS, type ApiErrorCode } from './errors.ts'
import type { ApiRoute } from './route.ts'
import { errorBody } from './schemas.ts'

/** The path prefix of every API route. */
export const API_PREFIX = '/api/v1'

type JsonSchema = Record<string, unknown>

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' })
  return rest
}

function parameters(route: ApiRoute): JsonSchema[] {
  const out: JsonSchema[] = []
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (schema === undefined) continue
    const s = jsonSchema(schema, 'input')
    const props = (s.properties ?? {}) as Record<string, JsonSchema>
    const required = new Set((s.required ?? []) as string[])
    for (const [name, prop] of Object.entries(props)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: prop })
    }
  }
  return out
}

// Codes any route of its kind may answer, beyond those it lists.
function errorCodes(route: ApiRoute): ApiErrorCode[] {
  const codes: ApiErrorCode[] = [...route.errors, 'internal']
  if (route.params !== undefined || route.query !== undefined || route.body !== undefined)
    codes.push('invalid_request')
  if (route.body !== undefined) codes.push('invalid_json')
  if (!route.public) codes.push('unauthenticated', 'token_scope', 'rate_limited')
  if (!route.public && route.method !== 'GET') codes.push('csrf_failed', 'step_up_required')
  return [...new Set(codes)]
}

function responses(route: ApiRoute): JsonSchema {
  const out: JsonSchema = {
    [String(route.status)]:
      route.response === null
        ? { description: 'done' }
        : {
            description: 'success',
            content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
          },
  }
  const byStatus = new Map<number, ApiErrorCode[]>()
  for (const code of errorCodes(route)) {
    const status = API_ERRORS[code][0]
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[String(status)] = {
      description: codes.join(', '),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    }
  }
  return out
}

function operation(route: ApiRoute): JsonSchema {
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^a-zA-Z]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: route.summary,
    tags: [route.tag],
    ...(route.public ? { security: [] } : {}),
    parameters: parameters(route),
    ...(route.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
          },
        }),
    responses: responses(route),
  }
}

/** Builds the document for these routes. */
export function openApiDocument(routes: readonly ApiRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {}
  for (const route of routes) {
    const path = `${API_PREFIX}${route.path}`
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'dynzone REST API',
      version,
      description:
        'Users, hosts, records, tokens, zones and history of a dynzone server. Authenticate with `Authorization: Bearer <token>` (a token of scope `api`) or the web session cookie (changes then need `x-csrf-token`). Lists take `limit` and `cursor` and answer `{ items, next }`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerToken: [] }, { webSession: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'a token of scope `api`' },
        webSession: { type: 'apiKey', in: 'cookie', name: 'dynzone_session' },
      },
      schemas: { Error: jsonSchema(errorBody, 'output') },
    },
  }
}
