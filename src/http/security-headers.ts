/**
 * Security headers on every HTTP answer, and limits on what a request may carry.
 *
 * The headers are added in an `onSend` hook that never touches the body or the status: the
 * update dialects' answers (`good 192.0.2.1`, `OK`, JSON) are parsed by routers and must stay
 * byte-for-byte what each dialect renders. A header a route already set (the web UI's own
 * CSP, say) is left alone. The CSP goes on HTML only; HSTS only on the HTTPS listener, since
 * over plain HTTP it is meaningless and a browser ignores it (RFC 6797 §7.2).
 *
 * Not `@fastify/helmet` (13): it sets its headers in `onRequest`, before a reply has a
 * content type, so its CSP would go on every answer, the routers' `text/plain` included; by
 * default it sets twelve headers where these are at most five (seven more: COOP, CORP,
 * Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies, X-XSS-Protection), and its HSTS includes subdomains,
 * which are users' zones. Keeping today's answers would mean turning seven of its defaults
 * off and still keeping this hook for the HTML-only CSP: two mechanisms where one hook does it.
 */
import type { FastifyInstance } from 'fastify'
import type { Duplex } from 'node:stream'

/** Most query parameters one request may carry (routers send fewer than ten). */
export const MAX_QUERY_PARAMS = 100

/** The HSTS value on HTTPS answers: one year, subdomains not included (the zones are users'). */
export const HSTS_VALUE = 'max-age=31536000'

/** The CSP on HTML answers: same-origin content only, never framed. */
export const HTML_CSP = "default-src 'self'; frame-ancestors 'none'"

const ALWAYS: readonly (readonly [string, string])[] = [
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer'],
  ['x-frame-options', 'DENY'],
]

/** Adds the security headers to every answer of `app`; `https` adds HSTS. */
export function registerSecurityHeaders(app: FastifyInstance, https: boolean): void {
  app.addHook('onSend', (_req, reply, payload, done) => {
    for (const [name, value] of ALWAYS) if (!reply.hasHeader(name)) reply.header(name, value)
    if (https && !reply.hasHeader('strict-transport-security')) {
      reply.header('strict-transport-security', HSTS_VALUE)
    }
    const type = reply.getHeader('content-type')
    if (
      typeof type === 'string' &&
      type.toLowerCase().startsWith('text/html') &&
      !reply.hasHeader('content-security-policy')
    ) {
      reply.header('content-security-policy', HTML_CSP)
    }
    done(null, payload)
  })
}

/**
 * Refuses, with 400 before any route runs, a request with more than `MAX_QUERY_PARAMS`
 * query parameters: parsing thousands of keys costs time and no client needs them.
 */
export function registerRequestLimits(app: FastifyInstance): void {
  // Node closes a CONNECT (proxy tunnel) request without a word when nobody listens for it;
  // this is no proxy, so say so, the way any other refused method is answered.
  app.server.on('connect', (_req: unknown, socket: Duplex) => {
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
  })
  app.addHook('onRequest', (req, reply, done) => {
    const at = req.url.indexOf('?')
    if (at >= 0 && countParams(req.url, at + 1) > MAX_QUERY_PARAMS) {
      void reply
        .status(400)
        .header('content-type', 'text/plain; charset=utf-8')
        .send(`too many query parameters (at most ${MAX_QUERY_PARAMS})\n`)
      return
    }
    done()
  })
}

function countParams(url: string, from: number): number {
  let count = 1
  for (let i = url.indexOf('&', from); i >= 0; i = url.indexOf('&', i + 1)) count++
  return count
}
