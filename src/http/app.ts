/**
 * The HTTP side: Fastify with the update dialects (check-IP among them) mounted from the
 * registry, a health endpoint, and the files browsers ask for (`site-files.ts`). One
 * structured log line per update; request URLs are never logged (they may carry
 * `password=`), and neither are headers.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Server } from 'node:https'
import type { IpAddress } from '../core/addresses/addresses.ts'
import type { UpdateService } from '../core/update/update-service.ts'
import type {
  DialectResponse,
  ServiceRoute,
  UpdateDialect,
  UpdateRequest,
} from '../dialects/dialect.ts'
import type { Logger } from '../observability/logger.ts'
import type { AuditTrail } from '../core/audit.ts'
import { registerAuditHook } from './audit-hook.ts'
import { parseBasicAuth } from './basic-auth.ts'
import type { ClientIp } from './client-ip.ts'
import { registerRequestLimits, registerSecurityHeaders } from './security-headers.ts'
import { isApiPath, registerSiteFiles } from './site-files.ts'
import { ALPN_PROTOCOLS, TLS_MIN_VERSION, type TlsFiles } from './tls.ts'

/** What the HTTP app needs. */
export interface HttpAppOptions {
  readonly dialects: readonly UpdateDialect[]
  /** The update path (core's `UpdateService`); only its `update` is called. */
  readonly updates: Pick<UpdateService, 'update'>
  readonly logger: Logger
  /** The client address of a request (src/http/client-ip.ts). */
  readonly clientIp: ClientIp
  /** Log one line per request (method, route pattern, status, duration; never the URL). */
  readonly logRequests?: boolean
  /** Serve HTTPS with this certificate instead of plain HTTP. */
  readonly https?: TlsFiles
  /** Called once per update request with each host's (or the request's) result. */
  readonly onUpdate?: (dialect: string, results: readonly string[], seconds: number) => void
  /** Routes that are not updates (acme-dns `/register`). */
  readonly services?: readonly ServiceRoute[]
  /** Where audited requests go (src/http/audit-hook.ts); absent: none are audited. */
  readonly audit?: AuditTrail
}

/** Builds the Fastify app (not listening yet). */
export function buildHttpApp(options: HttpAppOptions): FastifyInstance {
  const app = createFastify(options.https)
  registerRequestLimits(app)
  registerSecurityHeaders(app, options.https !== undefined)
  registerSiteFiles(app)
  if (options.logRequests === true) {
    app.addHook('onResponse', (req, reply, done) => {
      options.logger.info(
        {
          method: req.method,
          route: req.routeOptions.url ?? '(no route)',
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request',
      )
      done()
    })
  }
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => {
      done(null, typeof body === 'string' ? new URLSearchParams(body) : new URLSearchParams())
    },
  )
  const ipOf = options.clientIp
  if (options.audit !== undefined) registerAuditHook(app, options.audit, ipOf)

  for (const dialect of options.dialects) {
    for (const route of dialect.routes) {
      app.route({
        method: route.method,
        url: route.path,
        // HEAD must not update (a link preview of a secret URL would otherwise fire it).
        exposeHeadRoute: false,
        // Updates are in update_history, not the audit trail (src/http/audit-hook.ts).
        config: { audit: false },
        handler: (req, reply) =>
          handleUpdate(dialect, toUpdateRequest(req, ipOf(req)), reply, options),
      })
    }
  }
  for (const service of options.services ?? []) {
    app.route({
      method: service.method,
      url: service.path,
      exposeHeadRoute: false,
      handler: async (req, reply) => {
        const r = await service.handle(toUpdateRequest(req, ipOf(req)))
        options.logger.info({ route: service.path, status: r.status }, 'service request')
        return reply.status(r.status).headers(r.headers).send(r.body)
      },
    })
  }
  app.setErrorHandler((error: Error & { statusCode?: number }, req, reply) => {
    const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500
    if (status >= 500)
      options.logger.error(
        { err: error, route: req.routeOptions.url, id: req.id },
        'request failed',
      )
    const message = status >= 500 ? 'internal error' : error.message
    if (isApiPath(req.url)) {
      const code = status >= 500 ? 'internal' : 'invalid_request'
      void reply
        .status(status)
        .header('cache-control', 'no-store')
        .send({ error: { code, message } })
      return
    }
    void reply
      .status(status)
      .header('content-type', 'text/plain; charset=utf-8')
      .send(`${message}\n`)
  })
  return app
}

// Built for every router ping: no copies where the request's own objects already fit.
function toUpdateRequest(req: FastifyRequest, clientIp: IpAddress): UpdateRequest {
  const params = new Map<string, string>()
  addParams(params, req.query as object, true)
  if (req.body instanceof URLSearchParams) {
    for (const [k, v] of req.body) if (!params.has(k)) params.set(k, v)
  }
  // JSON bodies (acme-dns): their string fields, like form fields.
  else if (typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body))
    addParams(params, req.body, false)
  const headers = joinedHeaders(req.headers)
  const at = req.url.indexOf('?')
  const path = at === -1 ? req.url : req.url.slice(0, at)
  return {
    method: req.method === 'POST' ? 'POST' : 'GET',
    path: path.includes('%') ? decodePath(path) : path,
    rawUrl: req.url,
    params,
    headers,
    clientIp,
    basic: parseBasicAuth(headers.authorization),
  }
}

// The string fields of `source` not yet in `params` (a repeated query parameter: its first).
function addParams(params: Map<string, string>, source: object, firstOfArray: boolean): void {
  for (const key in source) {
    if (!Object.hasOwn(source, key) || params.has(key)) continue
    const v = (source as Record<string, unknown>)[key]
    const value: unknown = firstOfArray && Array.isArray(v) ? v[0] : v
    if (typeof value === 'string') params.set(key, value)
  }
}

// Node joins repeated request headers itself except a few (set-cookie): those are joined
// here; without them the request's own header object is handed on as it is.
function joinedHeaders(raw: FastifyRequest['headers']): Record<string, string | undefined> {
  for (const key in raw) {
    if (!Array.isArray(raw[key])) continue
    const headers: Record<string, string | undefined> = {}
    for (const [k, v] of Object.entries(raw)) headers[k] = Array.isArray(v) ? v.join(', ') : v
    return headers
  }
  return raw as Record<string, string | undefined>
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

async function handleUpdate(
  dialect: UpdateDialect,
  req: UpdateRequest,
  reply: FastifyReply,
  options: HttpAppOptions,
): Promise<FastifyReply> {
  if (dialect.unknownPath?.(req) === true) {
    reply.callNotFound()
    return reply
  }
  const immediate = dialect.answer?.(req)
  if (immediate !== undefined) {
    return reply.status(immediate.status).headers(immediate.headers).send(immediate.body)
  }
  const started = performance.now()
  const intent = dialect.parse(req)
  let response: DialectResponse
  let summary: object
  let results: string[]
  if (!intent.ok) {
    response = dialect.render(intent.error, req)
    summary = { result: intent.error.code }
    results = [intent.error.code]
  } else {
    try {
      // The request as sent goes along for the router inspector (core redacts it).
      const wire = { method: req.method, path: req.path, params: req.params }
      const result = await options.updates.update({ ...intent.value, wire })
      response = dialect.render(result, req)
      // Every dialect's rate-limit or lockout reply says when to come back (RFC 9110 §10.2.3).
      if (result.kind === 'rejected' && result.retryAfterSeconds !== undefined) {
        const retry = { 'retry-after': String(result.retryAfterSeconds) }
        response = { ...response, headers: { ...response.headers, ...retry } }
      }
      results = result.kind === 'rejected' ? [result.code] : result.outcomes.map((o) => o.status)
      summary =
        result.kind === 'rejected'
          ? { result: result.code }
          : {
              hosts: result.outcomes.map((o) => ({ host: o.fqdn ?? o.hostname, result: o.status })),
            }
    } catch (e) {
      // The client gets the dialect's own failure reply; the id ties this line to the request.
      options.logger.error(
        { err: e, dialect: dialect.nameFor?.(req) ?? dialect.name, id: reply.request.id },
        'update failed',
      )
      response = dialect.render({ kind: 'rejected', code: '911', message: 'internal error' }, req)
      summary = { result: '911' }
      results = ['911']
    }
  }
  const name = dialect.nameFor?.(req) ?? dialect.name
  const ms = performance.now() - started
  options.onUpdate?.(name, results, ms / 1000)
  options.logger.info(
    {
      dialect: name,
      client: req.clientIp.text,
      status: response.status,
      ms: Math.round(ms * 10) / 10,
      ...summary,
    },
    'update',
  )
  return reply.status(response.status).headers(response.headers).send(response.body)
}

// Limits against slow and oversized requests; router matching lenient for odd router URLs.
function serverOptions() {
  return {
    logger: false,
    bodyLimit: 64 * 1024,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    // Idle keep-alive sockets go after 5 s; a slowloris sending headers a byte at a time
    // is cut off after 10 s (checked every 2 s); request line plus headers may not exceed
    // 16 KiB (431).
    keepAliveTimeout: 5_000,
    http: { headersTimeout: 10_000, maxHeaderSize: 16 * 1024, connectionsCheckingInterval: 2_000 },
    // Routers send odd URLs (`?hostname=a,b` unescaped, `%2C`); keep matching lenient.
    routerOptions: {
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
      maxParamLength: 1024,
    },
    trustProxy: false,
  }
}

// The HTTPS instance serves the same routes; its raw server type (https.Server) is accepted
// where the default instance type is expected, as the handlers never touch the raw server.
function createFastify(https: TlsFiles | undefined): FastifyInstance {
  if (https === undefined) return Fastify(serverOptions())
  return Fastify<Server>({
    ...serverOptions(),
    https: {
      ...https,
      minVersion: TLS_MIN_VERSION,
      ALPNProtocols: [...ALPN_PROTOCOLS],
      headersTimeout: 10_000,
      maxHeaderSize: 16 * 1024,
      connectionsCheckingInterval: 2_000,
    },
  })
}
