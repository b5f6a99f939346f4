/**
 * One API route as data: method, path, zod schemas of its path parameters, query, body and
 * answer, the error codes it may return, and its handler. The same list registers the
 * Fastify routes and generates the OpenAPI document, so the two cannot drift. Input is
 * validated before the handler runs; a mismatch answers `invalid_request` with every
 * problem's path, and nothing is changed.
 */
import type { FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { err, type Result } from '../core/result.ts'
import type { ApiCaller } from './auth.ts'
import { apiError, type ApiError, type ApiErrorCode } from './errors.ts'

/** HTTP methods the API uses. */
export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** What a handler gets: the caller and validated input. */
export interface RouteInput<P, Q, B> {
  readonly caller: ApiCaller
  readonly params: P
  readonly query: Q
  readonly body: B
  readonly req: FastifyRequest
}

/** A route definition with its schemas' types. */
export interface RouteDef<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly method: ApiMethod
  /** OpenAPI style, relative to `/api/v1`: `/hosts/{fqdn}`. */
  readonly path: string
  readonly summary: string
  readonly tag: string
  /** Answered without authentication (the OpenAPI document). */
  readonly public?: boolean
  readonly params?: P
  readonly query?: Q
  readonly body?: B
  /** The success status and body schema (`null` for 204). */
  readonly status: number
  readonly response: z.ZodType | null
  /** Error codes beyond those every authenticated route may answer. */
  readonly errors: readonly ApiErrorCode[]
  readonly handler: (
    input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>,
  ) => Promise<Result<unknown, ApiError>>
}

/** A route with its types erased, as the registry and the document generator see it. */
export interface ApiRoute {
  readonly method: ApiMethod
  readonly path: string
  readonly summary: string
  readonly tag: string
  readonly public: boolean
  readonly params: z.ZodType | undefined
  readonly query: z.ZodType | undefined
  readonly body: z.ZodType | undefined
  readonly status: number
  readonly response: z.ZodType | null
  readonly errors: readonly ApiErrorCode[]
  run(
    caller: ApiCaller,
    raw: { params: unknown; query: unknown; body: unknown },
    req: FastifyRequest,
  ): Promise<Result<unknown, ApiError>>
}

/** Defines a route; its handler sees only input its schemas accepted. */
export function defineRoute<
  P extends z.ZodType = z.ZodType<Record<string, never>>,
  Q extends z.ZodType = z.ZodType<Record<string, never>>,
  B extends z.ZodType = z.ZodType<undefined>,
>(def: RouteDef<P, Q, B>): ApiRoute {
  return {
    method: def.method,
    path: def.path,
    summary: def.summary,
    tag: def.tag,
    public: def.public ?? false,
    params: def.params,
    query: def.query,
    body: def.body,
    status: def.status,
    response: def.response,
    errors: def.errors,
    run: async (caller, raw, req) => {
      const problems: { path: string; message: string }[] = []
      const params = check(def.params, raw.params, 'path', problems)
      const query = check(def.query, raw.query ?? {}, 'query', problems)
      const body = check(def.body, raw.body, 'body', problems)
      if (problems.length > 0) {
        return err(apiError('invalid_request', describe(problems), problems))
      }
      return def.handler({
        caller,
        params: params as z.output<P>,
        query: query as z.output<Q>,
        body: body as z.output<B>,
        req,
      })
    },
  }
}

function check(
  schema: z.ZodType | undefined,
  value: unknown,
  where: string,
  problems: { path: string; message: string }[],
): unknown {
  if (schema === undefined) return where === 'body' ? undefined : {}
  const parsed = schema.safeParse(where === 'body' && value === undefined ? {} : value)
  if (parsed.success) return parsed.data
  for (const issue of parsed.error.issues) {
    problems.push({ path: [where, ...issue.path.map(String)].join('.'), message: issue.message })
  }
  return undefined
}

function describe(problems: readonly { path: string; message: string }[]): string {
  const first = problems[0]
  if (first === undefined) return 'invalid request'
  const more = problems.length > 1 ? ` (and ${String(problems.length - 1)} more)` : ''
  return `${first.path}: ${first.message}${more}`
}

/** The Fastify path of an OpenAPI path: `{fqdn}` becomes `:fqdn`. */
export function fastifyPath(path: string): string {
  return path.replace(/\{([a-zA-Z]+)\}/g, ':$1')
}
