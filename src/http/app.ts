/**
 * The HTTP side: Fastify with the update dialects mounted from the registry, check-IP and
 * health endpoints. One structured log line per update; request URLs are never logged
 * (they may carry `password=`), and neither are headers.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Cidr, IpAddress } from '../core/addresses.ts'
import type { UpdateService } from '../core/update-service.ts'
import type { DialectResponse, UpdateDialect, UpdateRequest } from '../dialects/dialect.ts'
import type { Logger } from '../observability/logger.ts'
import { parseBasicAuth } from './basic-auth.ts'
import { clientAddress } from './client-ip.ts'

/** What the HTTP app needs. */
export interface HttpAppOptions {
  readonly dialects: readonly UpdateDialect[]
  readonly updates: UpdateService
  readonly logger: Logger
  readonly trustedProxies: readonly Cidr[]
}

/** Builds the Fastify app (not listening yet). */
export function buildHttpApp(options: HttpAppOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    // Routers send odd URLs (`?hostname=a,b` unescaped, `%2C`); keep matching lenient.
    routerOptions: {
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
      maxParamLength: 1024,
    },
    trustProxy: false,
  })
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => {
      done(null, typeof body === 'string' ? new URLSearchParams(body) : new URLSearchParams())
    },
  )
  const ipOf = (req: FastifyRequest): IpAddress =>
    clientAddress(req.socket.remoteAddress, req.headers, options.trustedProxies)

  for (const dialect of options.dialects) {
    for (const route of dialect.routes) {
      app.route({
        method: route.method,
        url: route.path,
        handler: (req, reply) =>
          handleUpdate(dialect, toUpdateRequest(req, ipOf(req)), reply, options),
      })
    }
  }
  for (const path of ['/checkip', '/check_ip', '/myip']) {
    app.get(path, (req, reply) => {
      void reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
      return ipOf(req).text
    })
  }
  app.get('/healthz', (_req, reply) =>
    reply.header('content-type', 'text/plain; charset=utf-8').send('alive\n'),
  )
  app.setErrorHandler((error: Error & { statusCode?: number }, req, reply) => {
    const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500
    if (status >= 500)
      options.logger.error(
        { err: error, route: req.routeOptions.url, id: req.id },
        'request failed',
      )
    void reply
      .status(status)
      .header('content-type', 'text/plain; charset=utf-8')
      .send(status >= 500 ? 'internal error\n' : `${error.message}\n`)
  })
  return app
}

function toUpdateRequest(req: FastifyRequest, clientIp: IpAddress): UpdateRequest {
  const params = new Map<string, string>()
  const add = (key: string, value: unknown): void => {
    if (!params.has(key) && typeof value === 'string') params.set(key, value)
  }
  const query = req.query as Record<string, unknown>
  for (const [k, v] of Object.entries(query)) add(k, Array.isArray(v) ? (v[0] as unknown) : v)
  if (req.body instanceof URLSearchParams) for (const [k, v] of req.body) add(k, v)
  const headers: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v
  return {
    method: req.method === 'POST' ? 'POST' : 'GET',
    path: req.url.split('?')[0] ?? '/',
    params,
    headers,
    clientIp,
    basic: parseBasicAuth(headers.authorization),
  }
}

async function handleUpdate(
  dialect: UpdateDialect,
  req: UpdateRequest,
  reply: FastifyReply,
  options: HttpAppOptions,
): Promise<FastifyReply> {
  const started = performance.now()
  const intent = dialect.parse(req)
  let response: DialectResponse
  let summary: object
  if (!intent.ok) {
    response = dialect.render(intent.error, req)
    summary = { result: intent.error.code }
  } else {
    try {
      const result = await options.updates.update(intent.value)
      response = dialect.render(result, req)
      summary =
        result.kind === 'rejected'
          ? { result: result.code }
          : {
              hosts: result.outcomes.map((o) => ({ host: o.fqdn ?? o.hostname, result: o.status })),
            }
    } catch (e) {
      options.logger.error({ err: e, dialect: dialect.name }, 'update failed')
      response = dialect.render({ kind: 'rejected', code: '911', message: 'internal error' }, req)
      summary = { result: '911' }
    }
  }
  options.logger.info(
    {
      dialect: dialect.name,
      client: req.clientIp.text,
      status: response.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ...summary,
    },
    'update',
  )
  return reply.status(response.status).headers(response.headers).send(response.body)
}
