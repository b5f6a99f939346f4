/**
 * The one place HTTP requests enter the audit trail (src/core/audit.ts), so a route added
 * later is audited without doing anything: every request that is not a plain read (any
 * method but GET, HEAD and OPTIONS) and every refused one (401, 403, 429, whatever the
 * method) becomes an event when its answer is decided. Update dialects' routes opt out
 * with `config: { audit: false }`: their acts are in `update_history` and their failures in
 * the `update` log line, and a router ping a minute per host would drown the trail.
 *
 * Handlers that know more say it with `noteAudit`: the web UI and the API name the signed-in
 * user, the login form names the act `login` and the account (only when it exists: a name
 * that names no user is never written in clear).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { resultOfStatus, type AuditTrail } from '../core/audit.ts'
import type { IpAddress } from '../core/addresses/addresses.ts'
import { SECRET_NAMES } from '../observability/logger.ts'

/** What a handler may add to its request's event. */
export interface AuditNote {
  readonly actor?: string
  readonly action?: string
  readonly target?: string
  /** Record this request even though it is a plain read. */
  readonly always?: boolean
}

const notes = new WeakMap<FastifyRequest, AuditNote>()
const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Adds to (or overrides parts of) the audit event of this request. */
export function noteAudit(req: FastifyRequest, note: AuditNote): void {
  notes.set(req, { ...notes.get(req), ...note })
}

/** Registers the hook on the app; routes with `config.audit === false` are left out. */
export function registerAuditHook(
  app: FastifyInstance,
  trail: AuditTrail,
  clientIp: (req: FastifyRequest) => IpAddress,
): void {
  // onSend, not onResponse: the answer is decided here, and a client that hangs up before it
  // is written (to hide a refused guess from the trail and fail2ban) is still recorded.
  app.addHook('onSend', (req, reply, payload, done) => {
    const route = req.routeOptions.url
    const config = req.routeOptions.config as { audit?: boolean } | undefined
    const note = notes.get(req)
    const status = reply.statusCode
    const refused = status === 401 || status === 403 || status === 429
    if (config?.audit !== false && (!READS.has(req.method) || refused || note?.always === true)) {
      trail.record({
        // A change sent to no route at all is recorded too, under no route's name.
        action: note?.action ?? `${req.method} ${route ?? '(unknown)'}`,
        result: resultOfStatus(status),
        actor: note?.actor ?? null,
        source: clientIp(req).text,
        target: note?.target ?? paramsOf(req.params),
        status,
      })
    }
    done(null, payload)
  })
}

// Route parameters as `name=value` pairs; a parameter named like a secret is left out, and so
// is a wildcard's `*`: the rest of a path (the not-found route's too, for a request sent to no
// route), which may be a secret URL such as an sftdyn key.
function paramsOf(params: unknown): string | null {
  if (typeof params !== 'object' || params === null) return null
  const pairs = Object.entries(params as Record<string, unknown>)
    .filter(
      ([k, v]) => typeof v === 'string' && k !== '*' && !SECRET_NAMES.includes(k.toLowerCase()),
    )
    .map(([k, v]) => `${k}=${String(v)}`)
  return pairs.length === 0 ? null : pairs.join(' ')
}
