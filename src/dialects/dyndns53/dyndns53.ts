/**
 * dyndns53: `GET /register_ip` with HTTP Basic auth where the user name is the hostname and
 * the password its secret (a token); the address is the request's source address. Replies
 * as dyndns53's Flask app: an empty `200`, and an empty `401` with
 * `WWW-Authenticate: Basic realm=""` (Flask-BasicAuth's default realm) for missing or wrong
 * credentials, an unknown hostname included. `/check_ip` is served by the checkip dialect.
 */
import { ok } from '../../core/result.ts'
import { Secret } from '../../core/auth/secret.ts'
import type { UpdateResult } from '../../core/update/update-intent.ts'
import {
  textReply,
  type DialectError,
  type DialectResponse,
  type UpdateDialect,
} from '../dialect.ts'

/** Creates the dyndns53 dialect. */
export function createDyndns53(): UpdateDialect {
  return {
    name: 'dyndns53',
    routes: [{ method: 'GET', path: '/register_ip' }],
    parse: (req) =>
      ok({
        dialect: 'dyndns53',
        credentials:
          req.basic === null
            ? null
            : {
                kind: 'basic',
                username: req.basic.username,
                secret: new Secret(req.basic.password),
              },
        hostnames: req.basic === null ? [] : [req.basic.username],
        ipv4: { kind: 'auto' },
        ipv6: { kind: 'auto' },
        clientIp: req.clientIp,
        ...(req.headers['user-agent'] === undefined
          ? {}
          : { userAgent: req.headers['user-agent'] }),
      }),
    render,
  }
}

const CHALLENGE = textReply(401, '', { 'www-authenticate': 'Basic realm=""' })

function render(result: UpdateResult | DialectError): DialectResponse {
  if (!('kind' in result)) return CHALLENGE
  if (result.kind === 'rejected') {
    if (result.code === 'abuse') return textReply(429, 'Too Many Requests')
    return result.code === '911' || result.code === 'numhost'
      ? textReply(500, 'Internal Server Error')
      : CHALLENGE
  }
  switch (result.outcomes[0]?.status) {
    case 'good':
    case 'nochg':
      return textReply(200, '')
    case 'dnserr':
    case undefined:
      return textReply(500, 'Internal Server Error')
    case 'nohost':
    case 'notfqdn':
    case '!yours':
      return CHALLENGE
  }
}
