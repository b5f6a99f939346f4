/**
 * Mounts the REST API under `/api/v1`: the ordered list of route groups, authentication
 * before every non-public handler, JSON errors from the catalogue for everything that goes
 * wrong inside the prefix (bad JSON, unknown route, a bug), and the OpenAPI document built
 * from the same list.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { ok } from '../core/result.ts'
import { noteAudit } from '../http/audit-hook.ts'
import { auditRoutes } from './audit.ts'
import { authenticateApi, type ApiCaller } from './auth.ts'
import type { ApiDeps } from './deps.ts'
import { apiError, sendError } from './errors.ts'
import { hostRoutes } from './hosts.ts'
import { lockoutRoutes } from './lockouts.ts'
import { API_PREFIX, openApiDocument } from './openapi.ts'
import { recordRoutes } from './records.ts'
import { requestRoutes } from './requests.ts'
import { defineRoute, fastifyPath, type ApiRoute } from './route.ts'
import { tokenRoutes } from './tokens.ts'
import { userRoutes } from './users.ts'
import { zoneRoutes } from './zones.ts'
import { zoneRecordRoutes } from './zone-records.ts'

export type { ApiDeps } from './deps.ts'

/** Methods the API's catch-all answers `route_not_found` to. */
const API_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

/** The version of the API document. */
export const API_VERSION = '1.0.0'

/** Every API route, in the order the document lists them. */
export function apiRoutes(deps: ApiDeps): ApiRoute[] {
  const routes = [
    ...userRoutes(deps),
    ...hostRoutes(deps),
    ...recordRoutes(deps),
    ...requestRoutes(deps),
    ...zoneRecordRoutes(deps),
    ...tokenRoutes(deps),
    ...zoneRoutes(deps),
    ...lockoutRoutes(deps),
    ...auditRoutes(deps),
  ]
  let document: Record<string, unknown> | undefined
  const self = defineRoute({
    method: 'GET',
    path: '/openapi.json',
    summary: 'This API’s OpenAPI 3.1 document',
    tag: 'meta',
    public: true,
    status: 200,
    response: z.looseObject({ openapi: z.literal('3.1.0') }),
    errors: [],
    handler: () => {
      document ??= openApiDocument([...routes, self], API_VERSION)
      return Promise.resolve(ok(document))
    },
  })
  return [...routes, self]
}

/** Registers the API routes on the HTTP app. */
export function registerApiRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const routes = apiRoutes(deps)
  void app.register(
    (api, _opts, done) => {
      for (const route of routes) {
        api.route({
          method: route.method,
          url: fastifyPath(route.path),
          exposeHeadRoute: false,
          handler: (req, reply) => handle(route, req, reply, deps),
        })
      }
      // The prefix is the API's: sftdyn's catch-all secret-URL route must not answer here.
      const notFound = (req: FastifyRequest, reply: FastifyReply) =>
        sendError(reply, apiError('route_not_found', `no ${req.method} ${API_PREFIX} route here`))
      for (const url of ['/', '/*']) {
        api.route({ method: API_METHODS, url, exposeHeadRoute: false, handler: notFound })
      }
      api.setNotFoundHandler(notFound)
      api.setErrorHandler((error: FastifyError, req, reply) => {
        const status = error.statusCode ?? 500
        if (status < 500) {
          const code = error.code.startsWith('FST_ERR_CTP_') && /JSON/i.test(error.code)
          return sendError(
            reply,
            apiError(code ? 'invalid_json' : 'invalid_request', error.message.slice(0, 300)),
          )
        }
        deps.logger.error({ err: error, id: req.id, route: req.routeOptions.url }, 'api failed')
        return sendError(reply, apiError('internal', `internal error (request ${req.id})`))
      })
      done()
    },
    { prefix: API_PREFIX },
  )
}

// Public routes (the document) run with no account at all.
const NOBODY: ApiCaller = { userId: 0, userName: '', isAdmin: false, via: 'token' }

async function handle(
  route: ApiRoute,
  req: FastifyRequest,
  reply: FastifyReply,
  deps: ApiDeps,
): Promise<FastifyReply> {
  let caller = NOBODY
  if (!route.public) {
    const who = await authenticateApi(req, {
      gate: deps.gate,
      source: deps.clientIp(req),
      isAdmin: (_id, name) => isAdmin(deps, name),
      ...(deps.sessions === undefined ? {} : { sessions: deps.sessions }),
    })
    if (!who.ok) return sendError(reply, who.error)
    caller = who.value
    const via = caller.tokenId === undefined ? '' : ` (token ${String(caller.tokenId)})`
    noteAudit(req, { actor: `${caller.userName}${via}` })
  }
  const result = await route.run(
    caller,
    { params: req.params, query: req.query, body: req.body },
    req,
  )
  if (!result.ok) {
    if (result.error.code === 'internal') {
      deps.logger.error(
        { id: req.id, route: route.path, message: result.error.message },
        'api failed',
      )
    }
    return sendError(reply, result.error)
  }
  reply.status(route.status).header('cache-control', 'no-store')
  return route.response === null ? reply.send() : reply.send(result.value)
}

async function isAdmin(deps: ApiDeps, name: string): Promise<boolean> {
  return (await deps.updateStore.findUserByName(name))?.isAdmin === true
}
