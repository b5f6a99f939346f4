/**
 * DuckDNS style: `GET /update?domains=a,b&token=…[&ip=][&ipv6=][&clear=true][&verbose=true]`
 * and the path form `GET /update/{domain}/{token}[/{ip}]` for routers that cannot send
 * parameters (https://www.duckdns.org/spec.jsp). `domains` are labels under the configured
 * zone (a trailing `.duckdns.org` is dropped, a full name in the zone is kept). Replies
 * `OK` / `KO`; with `verbose=true` four lines: `OK`, IPv4, IPv6, `UPDATED|NOCHANGE`.
 *
 * `txt=<value>` adds an ACME value at `_acme-challenge.<domain>` (addresses untouched), and
 * `txt=&clear=true` removes them: acme.sh's `dns_duckdns` sends exactly these and needs a
 * bare `OK`. Unlike DuckDNS, several values can be live at once, each expiring on its own;
 * `verbose=true` answers `OK`, the live values (space-separated) and `UPDATED|NOCHANGE`.
 */
import { parseTxtText } from '../../core/update/acme-txt.ts'
import { parseIp } from '../../core/addresses/addresses.ts'
import { joinName, type Fqdn } from '../../core/names.ts'
import { err, ok, type Result } from '../../core/result.ts'
import { Secret } from '../../core/auth/secret.ts'
import type {
  AddressWish,
  TxtWish,
  UpdateIntent,
  UpdateResult,
} from '../../core/update/update-intent.ts'
import {
  textReply,
  type DialectError,
  type DialectResponse,
  type UpdateDialect,
  type UpdateRequest,
} from '../dialect.ts'

/** Options of the DuckDNS dialect. */
export interface DuckdnsOptions {
  /** The zone `domains` labels live in. */
  readonly zone: Fqdn
}

/** Creates the DuckDNS dialect (its `/update` query form is mounted through the dispatcher). */
export function createDuckdns(options: DuckdnsOptions): UpdateDialect {
  return {
    name: 'duckdns',
    routes: [
      { method: 'GET', path: '/update/:domain/:token' },
      { method: 'GET', path: '/update/:domain/:token/:ip' },
    ],
    parse: (req) => parse(req, options.zone),
    render,
  }
}

/** True when a request to `/update` is DuckDNS's rather than DynDNS2's. */
export function isDuckdnsRequest(req: UpdateRequest): boolean {
  return req.params.has('domains')
}

interface Fields {
  domains: string
  token: string | undefined
  ip: string
  ipv6: string
}

function fields(req: UpdateRequest): Fields {
  const segments = req.path.split('/').filter((s) => s !== '')
  if (segments[0] === 'update' && segments.length >= 3 && !req.params.has('domains')) {
    return { domains: segments[1] ?? '', token: segments[2], ip: segments[3] ?? '', ipv6: '' }
  }
  const p = req.params
  return {
    domains: p.get('domains') ?? '',
    token: p.get('token'),
    ip: p.get('ip') ?? '',
    ipv6: p.get('ipv6') ?? '',
  }
}

function parse(req: UpdateRequest, zone: Fqdn): Result<UpdateIntent, DialectError> {
  const f = fields(req)
  const clear = (req.params.get('clear') ?? '').toLowerCase() === 'true'
  const hostnames = f.domains
    .split(',')
    .map((d) =>
      d
        .trim()
        .toLowerCase()
        .replace(/\.duckdns\.org$/, ''),
    )
    .filter((d) => d !== '')
    .map((d) => (d === zone || d.endsWith(`.${zone}`) ? d : joinName(d, zone)))
  if (hostnames.length === 0) return err({ code: 'notfqdn', message: 'no domains' })
  const txt = txtWish(req.params.get('txt'), clear)
  if (!txt.ok) return txt
  const keep: AddressWish = { kind: 'keep' }
  const addresses =
    txt.value === undefined ? wishes(f, clear) : ok({ ipv4: keep, ipv6: keep, txt: txt.value })
  if (!addresses.ok) return addresses
  return ok({
    dialect: 'duckdns',
    credentials: f.token === undefined ? null : { kind: 'token', secret: new Secret(f.token) },
    hostnames,
    ...addresses.value,
    clientIp: req.clientIp,
    ...(req.headers['user-agent'] === undefined ? {} : { userAgent: req.headers['user-agent'] }),
  })
}

// `txt` present means an ACME request: a value to add, or `clear=true` to remove them all.
function txtWish(
  value: string | undefined,
  clear: boolean,
): Result<TxtWish | undefined, DialectError> {
  if (value === undefined) return ok(undefined)
  if (clear) return ok({ kind: 'clear' })
  const text = parseTxtText(value)
  if (!text.ok) return err({ code: 'badrequest', message: text.error })
  return ok({ kind: 'add', value: text.value })
}

// `ip` may be either family; `ipv6` only IPv6. With neither, the source address fills its
// own family; `clear=true` removes both.
function wishes(
  f: Fields,
  clear: boolean,
): Result<{ ipv4: AddressWish; ipv6: AddressWish }, DialectError> {
  if (clear) return ok({ ipv4: { kind: 'delete' }, ipv6: { kind: 'delete' } })
  let ipv4: AddressWish = { kind: 'keep' }
  let ipv6: AddressWish = { kind: 'keep' }
  for (const [text, onlyV6] of [
    [f.ip, false],
    [f.ipv6, true],
  ] as const) {
    if (text.trim() === '') continue
    const address = parseIp(text)
    if (!address.ok) return err({ code: 'badip', message: address.error.message })
    if (onlyV6 && address.value.family !== 6) {
      return err({ code: 'badip', message: `"${address.value.text}" is not an IPv6 address` })
    }
    if (address.value.family === 4) ipv4 = { kind: 'set', address: address.value }
    else ipv6 = { kind: 'set', address: address.value }
  }
  if (f.ip.trim() === '' && f.ipv6.trim() === '') {
    ipv4 = { kind: 'auto' }
    ipv6 = { kind: 'auto' }
  }
  return ok({ ipv4, ipv6 })
}

const KO = textReply(200, 'KO')

function render(result: UpdateResult | DialectError, req: UpdateRequest): DialectResponse {
  // DuckDNS has one failure word; `abuse` keeps it, with 429 so clients back off.
  if ('kind' in result && result.kind === 'rejected' && result.code === 'abuse') {
    return textReply(429, 'KO')
  }
  if (!('kind' in result) || result.kind === 'rejected') return KO
  const failed = result.outcomes.some((o) => o.status !== 'good' && o.status !== 'nochg')
  if (failed || result.outcomes.length === 0) return KO
  if ((req.params.get('verbose') ?? '').toLowerCase() !== 'true') return textReply(200, 'OK')
  const first = result.outcomes[0]
  const changed = result.outcomes.some((o) => o.status === 'good')
  if (first?.txt !== undefined) {
    return textReply(200, ['OK', first.txt.join(' '), changed ? 'UPDATED' : 'NOCHANGE'].join('\n'))
  }
  return textReply(
    200,
    ['OK', first?.ipv4 ?? '', first?.ipv6 ?? '', changed ? 'UPDATED' : 'NOCHANGE'].join('\n'),
  )
}
