/**
 * The update routes' app as `src/start/start-http.ts` builds it, for in-process tests through
 * `inject()`: the real dialects from the registry, the real client-address resolver (one
 * trusted proxy), the real logger writing into an array, and fakes for the rest: the update
 * service (`update-service.ts`), the audit trail, the metrics callback and a `/register`
 * service route. Every part a test may look at is returned beside the app.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import type { AuditEvent } from '../../src/core/audit.ts'
import type { Fqdn } from '../../src/core/names.ts'
import {
  jsonReply,
  textReply,
  type ServiceRoute,
  type UpdateRequest,
} from '../../src/dialects/dialect.ts'
import { createDialects, DEFAULT_ENDPOINTS } from '../../src/dialects/registry.ts'
import { buildHttpApp } from '../../src/http/app.ts'
import { createClientIp } from '../../src/http/client-ip.ts'
import { createLogger } from '../../src/observability/logger.ts'
import { FakeUpdateService } from './update-service.ts'

/** The zone of the app's hosts (DuckDNS labels live in it). */
export const ZONE = 'dyn.example.test'
/** A host name in the zone. */
export const HOST = `home.${ZONE}`
/** The dialects' clock (django's `last_change`). */
export const NOW = new Date('2024-05-01T12:00:00.000Z')
/** A token as dynzone makes them (32 characters of a-z2-7): also a valid sftdyn key. */
export const TOKEN = 'abcdefghijklmnopqrstuvwxyz234567'
/** An ACME validation value (43 characters of base64url). */
export const TXT = 'XKrxpRBosdIKFzxW_CT3KLZNf6q0HG9i01zxXp5CPBs'
/** Where `send` comes from unless told otherwise. */
export const CLIENT = '192.0.2.10'
/** The one proxy whose `X-Forwarded-For` is believed. */
export const PROXY = '10.0.0.7'
/** The content type of a form body. */
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const

/** An `Authorization: Basic` value. */
export function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`
}

/** One parsed log line. */
export interface LogLine {
  readonly level: number
  readonly msg: string
  readonly [field: string]: unknown
}

/** `/register` stand-in: 201 for the password `TOKEN`, else 401; `?host=explode` throws. */
function registerRoute(seen: UpdateRequest[]): ServiceRoute {
  return {
    method: 'POST',
    path: '/register',
    handle: (req) => {
      seen.push(req)
      if (req.params.get('host') === 'explode') return Promise.reject(new Error('registrar gone'))
      return Promise.resolve(
        req.basic?.password === TOKEN
          ? jsonReply(201, '{"subdomain":"home"}')
          : textReply(401, 'forbidden', { 'www-authenticate': 'Basic realm="dynzone"' }),
      )
    },
  }
}

/** Builds the app over fakes; `send` injects a request from `CLIENT`. */
export function updateApp(options: { logRequests?: boolean } = {}) {
  const updates = new FakeUpdateService()
  const lines: LogLine[] = []
  const events: AuditEvent[] = []
  const updated: [string, readonly string[]][] = []
  const services: UpdateRequest[] = []
  const app = buildHttpApp({
    dialects: createDialects({
      endpoints: DEFAULT_ENDPOINTS,
      sftdynPrefix: '/',
      duckdnsZone: ZONE as Fqdn,
      now: () => NOW,
    }),
    updates,
    logger: createLogger('info', { write: (l: string) => lines.push(JSON.parse(l) as LogLine) }),
    clientIp: createClientIp({ header: 'X-Forwarded-For', trusted: [`${PROXY}/32`] }),
    logRequests: options.logRequests ?? true,
    audit: { record: (e) => events.push(e) },
    onUpdate: (dialect, results) => updated.push([dialect, results]),
    services: [registerRoute(services)],
  })
  const send = (o: InjectOptions): Promise<LightMyRequestResponse> =>
    app.inject({ remoteAddress: CLIENT, ...o })
  /** The log lines with this message. */
  const logged = (msg: string): LogLine[] => lines.filter((l) => l.msg === msg)
  return { app, updates, lines, logged, events, updated, services, send }
}
