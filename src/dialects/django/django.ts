/**
 * django-dynamic-dns: `POST /update/<domain>/` with the form fields `key` (the domain's
 * secret: a token) and optional `ip` (else the request's source address). Replies are
 * django-dynamic-dns's JSON bodies, keys in its order, written as Python's `json.dumps`
 * writes them (`", "` and `": "` separators):
 * `{"domain": …, "ip": …, "last_change": …, "updated": true|false}` (200),
 * `{"error": "Bad request"}` (400), `{"error": "Authentication failure"}` (403, also for
 * an unknown domain, so replies do not reveal which domains exist).
 */
import { parseIp } from '../../core/addresses/addresses.ts'
import { err, ok } from '../../core/result.ts'
import { Secret } from '../../core/auth/secret.ts'
import type { AddressWish, UpdateResult } from '../../core/update/update-intent.ts'
import {
  jsonReply,
  type DialectError,
  type DialectResponse,
  type UpdateDialect,
  type UpdateRequest,
} from '../dialect.ts'

/** Options of the django-dynamic-dns dialect. */
export interface DjangoOptions {
  /** For `last_change`; injectable for tests. */
  readonly now: () => Date
}

/** Creates the django-dynamic-dns dialect. */
export function createDjango(options: DjangoOptions): UpdateDialect {
  return {
    name: 'django',
    routes: [{ method: 'POST', path: '/update/:domain' }],
    parse,
    render: (result, req) => render(result, req, options.now),
  }
}

function parse(req: UpdateRequest): ReturnType<UpdateDialect['parse']> {
  const key = req.params.get('key')
  if (key === undefined) return err({ code: 'badrequest', message: 'no key' })
  const domain = req.path.replace(/^\/update\//, '').replace(/\/+$/, '')
  const ip = req.params.get('ip')
  let ipv4: AddressWish = { kind: 'auto' }
  let ipv6: AddressWish = { kind: 'auto' }
  if (ip !== undefined) {
    const address = parseIp(ip)
    if (!address.ok) return err({ code: 'badip', message: address.error.message })
    // An explicit address sets its own family and leaves the other one alone.
    const set: AddressWish = { kind: 'set', address: address.value }
    ipv4 = address.value.family === 4 ? set : { kind: 'keep' }
    ipv6 = address.value.family === 6 ? set : { kind: 'keep' }
  }
  return ok({
    dialect: 'django',
    credentials: { kind: 'token', secret: new Secret(key) },
    hostnames: [domain],
    ipv4,
    ipv6,
    clientIp: req.clientIp,
    ...(req.headers['user-agent'] === undefined ? {} : { userAgent: req.headers['user-agent'] }),
  })
}

// Python's json.dumps: ", " between members and ": " after keys.
function pyJson(entries: readonly (readonly [string, string | boolean])[]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`
}

const BAD_REQUEST = jsonReply(400, pyJson([['error', 'Bad request']]))
const AUTH_FAILURE = jsonReply(403, pyJson([['error', 'Authentication failure']]))

function render(
  result: UpdateResult | DialectError,
  req: UpdateRequest,
  now: () => Date,
): DialectResponse {
  if (!('kind' in result)) {
    return result.code === 'badip'
      ? jsonReply(400, pyJson([['error', `Bad request: ${result.message}`]]))
      : BAD_REQUEST
  }
  if (result.kind === 'rejected') {
    if (result.code === 'abuse') return jsonReply(429, pyJson([['error', 'Too many requests']]))
    return result.code === '911' || result.code === 'numhost'
      ? jsonReply(500, pyJson([['error', 'Internal error']]))
      : AUTH_FAILURE
  }
  const o = result.outcomes[0]
  if (o === undefined) return AUTH_FAILURE
  switch (o.status) {
    case 'good':
    case 'nochg':
      return jsonReply(
        200,
        pyJson([
          ['domain', o.fqdn ?? o.hostname],
          ['ip', o.ipv4 ?? o.ipv6 ?? req.clientIp.text],
          ['last_change', now().toISOString()],
          ['updated', o.status === 'good'],
        ]),
      )
    case 'dnserr':
      return jsonReply(500, pyJson([['error', 'DNS update failed; dynzone keeps retrying']]))
    case 'nohost':
    case 'notfqdn':
    case '!yours':
      return AUTH_FAILURE
  }
}
