/**
 * acme-dns compatible update API (joohoi/acme-dns README, "Update endpoint"):
 * `POST /update` with headers `X-Api-User` / `X-Api-Key` and the JSON body
 * `{"subdomain": "...", "txt": "<43-character validation token>"}`; replies
 * `{"txt": "<the value>"}`, or `{"error": "forbidden"}` (401), `{"error": "bad_txt"}` /
 * `{"error": "bad_subdomain"}` (400). In dynzone `subdomain` is the host's name and the
 * value is served at `_acme-challenge.<host>`; `X-Api-User` is the owner's user name and
 * `X-Api-Key` a token (one made by `/register` is `acme`-scoped and bound to the host).
 *
 * Unlike acme-dns, which keeps the two newest values, every value lives for
 * `update.txt_ttl_seconds` on its own. Not implemented: `allowfrom` source ranges.
 */
import { parseTxtText } from '../../core/update/acme-txt.ts'
import { err, ok, type Result } from '../../core/result.ts'
import { Secret } from '../../core/auth/secret.ts'
import type { UpdateIntent, UpdateResult } from '../../core/update/update-intent.ts'
import {
  jsonReply,
  type DialectError,
  type DialectResponse,
  type UpdateDialect,
  type UpdateRequest,
} from '../dialect.ts'

// RFC 8555 §8.4: the TXT value is the base64url SHA-256 digest of the key authorization.
const VALIDATION = /^[A-Za-z0-9_-]{43}$/

/** Creates the acme-dns update dialect (mounted on `POST /update` through the dispatcher). */
export function createAcmeDns(): UpdateDialect {
  return { name: 'acme-dns', routes: [], parse, render }
}

/** True when a request to `/update` is acme-dns's: it carries `X-Api-User`. */
export function isAcmeDnsRequest(req: UpdateRequest): boolean {
  return req.headers['x-api-user'] !== undefined
}

function parse(req: UpdateRequest): Result<UpdateIntent, DialectError> {
  const user = req.headers['x-api-user'] ?? ''
  const key = req.headers['x-api-key'] ?? ''
  if (user === '' || key === '') return err({ code: 'badauth', message: 'missing API headers' })
  const value = req.params.get('txt') ?? ''
  const txt = parseTxtText(value)
  if (!VALIDATION.test(value) || !txt.ok) {
    return err({ code: 'badrequest', message: 'txt must be a 43-character validation token' })
  }
  const subdomain = (req.params.get('subdomain') ?? '').trim().replace(/^_acme-challenge\./i, '')
  if (subdomain === '') return err({ code: 'notfqdn', message: 'missing subdomain' })
  return ok({
    dialect: 'acme-dns',
    credentials: { kind: 'basic', username: user, secret: new Secret(key) },
    hostnames: [subdomain],
    ipv4: { kind: 'keep' },
    ipv6: { kind: 'keep' },
    txt: { kind: 'add', value: txt.value },
    clientIp: req.clientIp,
    ...(req.headers['user-agent'] === undefined ? {} : { userAgent: req.headers['user-agent'] }),
  })
}

const problem = (status: number, error: string): DialectResponse =>
  jsonReply(status, JSON.stringify({ error }))

function render(result: UpdateResult | DialectError, req: UpdateRequest): DialectResponse {
  if (!('kind' in result)) {
    switch (result.code) {
      case 'badauth':
        return problem(401, 'forbidden')
      case 'notfqdn':
        return problem(400, 'bad_subdomain')
      case 'badip':
      case 'badsys':
      case 'badrequest':
        return problem(400, 'bad_txt')
    }
  }
  if (result.kind === 'rejected') {
    switch (result.code) {
      case 'badauth':
        return problem(401, 'forbidden')
      case 'notfqdn':
      case 'numhost':
      case 'badip': // only prefix updates are refused so; acme-dns sends none
        return problem(400, 'bad_subdomain')
      case '911':
        return problem(500, 'db_error')
      case 'abuse':
        return problem(429, 'too_many_requests')
    }
  }
  const o = result.outcomes[0]
  switch (o?.status) {
    case 'good':
    case 'nochg':
      return jsonReply(200, JSON.stringify({ txt: req.params.get('txt') ?? '' }))
    case '!yours':
      return problem(401, 'forbidden')
    case 'nohost':
    case 'notfqdn':
    case undefined:
      return problem(400, 'bad_subdomain')
    case 'dnserr':
      // Stored; the publisher keeps trying. The client retries, which renews the value.
      return problem(500, 'dns_error')
  }
}
