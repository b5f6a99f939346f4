/**
 * sftdyn's secret update URL: `GET <prefix>/<key>`. The whole request target after the
 * prefix is the key (`?host=…&key=…` style keys included), taken raw as sftdyn takes it;
 * the key is a token bound to one host and the address is the request's source address.
 * Replies as sftdyn's: `OK`, `UPTODATE`, `403 BADKEY`, `500 FAIL` (`400 FAIL` for an address
 * the policy refuses), and the caller's address when no key is given. A path that cannot be
 * a key (`core/auth/sftdyn-keys.ts`: `favicon.ico`, `.env`, too long) is an unknown page, not a
 * bad key. Secret URLs are never logged (the HTTP layer logs no URLs).
 */
import { ok } from '../../core/result.ts'
import { Secret } from '../../core/auth/secret.ts'
import { sftdynKeyProblem } from '../../core/auth/sftdyn-keys.ts'
import type { UpdateResult } from '../../core/update/update-intent.ts'
import {
  textReply,
  type DialectError,
  type DialectResponse,
  type UpdateDialect,
  type UpdateRequest,
} from '../dialect.ts'

/** Options of the sftdyn dialect. */
export interface SftdynOptions {
  /** Mount prefix, `/` by default; every other route wins over it. */
  readonly prefix: string
}

/** Creates the sftdyn secret-URL dialect. */
export function createSftdyn(options: SftdynOptions): UpdateDialect {
  const prefix = options.prefix.replace(/\/+$/, '')
  return {
    name: 'sftdyn',
    routes: [
      { method: 'GET', path: prefix === '' ? '/' : prefix },
      { method: 'GET', path: `${prefix}/*` },
    ],
    answer: (req) => (keyOf(req, prefix) === '' ? textReply(200, req.clientIp.text) : undefined),
    unknownPath: (req) => {
      const key = keyOf(req, prefix)
      return key !== '' && sftdynKeyProblem(key) !== undefined
    },
    parse: (req) =>
      ok({
        dialect: 'sftdyn',
        credentials: { kind: 'token', secret: new Secret(keyOf(req, prefix)) },
        hostnames: [],
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

// sftdyn strips every leading slash from what follows the prefix.
function keyOf(req: UpdateRequest, prefix: string): string {
  const raw = req.rawUrl ?? req.path
  return raw.slice(prefix.length).replace(/^\/+/, '')
}

const BADKEY = textReply(403, 'BADKEY')
const FAIL = textReply(500, 'FAIL')
// sftdyn had one word for every failure; an address the policy refuses is the client's,
// so it keeps the word but not the 5xx that would send its owner looking at the server.
const REFUSED = textReply(400, 'FAIL')

function render(result: UpdateResult | DialectError): DialectResponse {
  if (!('kind' in result)) return BADKEY
  if (result.kind === 'rejected') {
    if (result.code === 'abuse') return textReply(429, 'ABUSE')
    if (result.code === 'badip') return REFUSED
    return result.code === 'badauth' || result.code === 'notfqdn' ? BADKEY : FAIL
  }
  switch (result.outcomes[0]?.status) {
    case 'good':
      return textReply(200, 'OK')
    case 'nochg':
      return textReply(200, 'UPTODATE')
    case 'dnserr':
    case undefined:
      return FAIL
    case 'nohost':
    case 'notfqdn':
    case '!yours':
      return BADKEY
  }
}
