/**
 * DynDNS2 (`/nic/update`): the protocol of Dyn, spoken by ddclient, inadyn, routers and
 * ddns-service. Replies are `text/plain`, HTTP 200, one line per hostname in request order;
 * `badauth` comes with HTTP 401 and a Basic challenge (Wget and uclient-fetch send
 * credentials only after one). Error bodies never contain words inadyn reads as success.
 */
import { err, ok, type Result } from '../../core/result.ts'
import { Secret } from '../../core/auth/secret.ts'
import type {
  Credentials,
  HostOutcome,
  UpdateIntent,
  UpdateResult,
} from '../../core/update/update-intent.ts'
import type { DialectError, DialectResponse, UpdateDialect, UpdateRequest } from '../dialect.ts'
import { addressWishes } from './addresses.ts'
import { DEFAULT_ALIASES, first, type Dyndns2Aliases } from './aliases.ts'

/** Options of the DynDNS2 dialect. */
export interface Dyndns2Options {
  readonly paths: readonly string[]
  readonly realm?: string
  /** Parameter names per field (a configured `[[endpoints]]` entry); defaults otherwise. */
  readonly aliases?: Dyndns2Aliases
}

const SYSTEMS = new Set(['dyndns', 'statdns', 'custom'])

/** Creates the DynDNS2 dialect. */
export function createDyndns2(options: Dyndns2Options): UpdateDialect {
  const realm = options.realm ?? 'dynzone'
  const aliases = options.aliases ?? DEFAULT_ALIASES
  return {
    name: 'dyndns2',
    routes: options.paths.flatMap((path) => [
      { method: 'GET' as const, path },
      { method: 'POST' as const, path },
    ]),
    parse: (req) => parse(req, aliases),
    render: (result, req) => render(result, req, realm),
  }
}

function parse(req: UpdateRequest, aliases: Dyndns2Aliases): Result<UpdateIntent, DialectError> {
  const system = first(req.params, aliases.system)
  if (system !== undefined && system !== '' && !SYSTEMS.has(system.toLowerCase())) {
    return err({ code: 'badsys', message: `unknown system "${system.slice(0, 32)}"` })
  }
  const addresses = addressWishes(req.params, aliases)
  if (!addresses.ok) return addresses
  const hostnames = (first(req.params, aliases.hostname) ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '')
  return ok({
    dialect: 'dyndns2',
    credentials: credentials(req, aliases),
    hostnames,
    ipv4: addresses.value.ipv4,
    ipv6: addresses.value.ipv6,
    ...(addresses.value.ipv6prefix === undefined ? {} : { ipv6prefix: addresses.value.ipv6prefix }),
    clientIp: req.clientIp,
    ...(req.headers['user-agent'] === undefined ? {} : { userAgent: req.headers['user-agent'] }),
    // ddns-service's opt-in: mail/webhook the owner when this update changes an address.
    ...(/^(1|yes|true)$/i.test(first(req.params, ['notify_change']) ?? '')
      ? { notifyChange: true }
      : {}),
  })
}

// The Authorization header wins over query parameters (router URL templates).
function credentials(req: UpdateRequest, aliases: Dyndns2Aliases): Credentials | null {
  if (req.basic !== null) {
    return { kind: 'basic', username: req.basic.username, secret: new Secret(req.basic.password) }
  }
  const username = first(req.params, aliases.username)
  const secret = first(req.params, aliases.password)
  if (secret === undefined) return null
  return username === undefined
    ? { kind: 'token', secret: new Secret(secret) }
    : { kind: 'basic', username, secret: new Secret(secret) }
}

function render(
  result: UpdateResult | DialectError,
  req: UpdateRequest,
  realm: string,
): DialectResponse {
  const json = (req.headers.accept ?? '').includes('application/json')
  if (!('kind' in result))
    return refusal(result.code, result.code === 'badip' ? result.message : '', json, realm)
  // A core `badip` says why (a prefix length, the address policy); other refusals do not.
  if (result.kind === 'rejected')
    return refusal(result.code, result.code === 'badip' ? result.message : '', json, realm)
  if (json) {
    const items = result.outcomes.map(jsonOutcome)
    return reply(200, JSON.stringify(items.length === 1 ? items[0] : items), true)
  }
  return reply(200, result.outcomes.map(line).join('\n'), false)
}

function line(o: HostOutcome): string {
  const ips = [o.ipv4, o.ipv6].filter((x) => x !== undefined).join(',')
  return (o.status === 'good' || o.status === 'nochg') && ips !== ''
    ? `${o.status} ${ips}`
    : o.status
}

function jsonOutcome(o: HostOutcome): Record<string, string> {
  return {
    hostname: o.fqdn ?? o.hostname,
    status: o.status,
    ...(o.ipv4 === undefined ? {} : { ipv4: o.ipv4 }),
    ...(o.ipv6 === undefined ? {} : { ipv6: o.ipv6 }),
  }
}

// inadyn counts any body containing one of these words as success.
const SUCCESS_WORDS = /ok|good|true|updated|nochg/i

function refusal(code: string, message: string, json: boolean, realm: string): DialectResponse {
  // The detail may quote the client's input (`myip=token`): never let it say "success".
  const detail = SUCCESS_WORDS.test(message) ? '' : message
  // `abuse` as 429: clients that only read the status retry later instead of giving up.
  const status =
    code === 'badauth'
      ? 401
      : code === 'abuse'
        ? 429
        : code === 'badip' || code === 'badrequest'
          ? 400
          : 200
  const body = json
    ? JSON.stringify({ status: code, ...(detail === '' ? {} : { message: detail }) })
    : detail === ''
      ? code
      : `${code} ${detail}`
  const r = reply(status, body, json)
  return code === 'badauth'
    ? { ...r, headers: { ...r.headers, 'www-authenticate': `Basic realm="${realm}"` } }
    : r
}

function reply(status: number, body: string, json: boolean): DialectResponse {
  return {
    status,
    headers: {
      'content-type': json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
    },
    body,
  }
}
