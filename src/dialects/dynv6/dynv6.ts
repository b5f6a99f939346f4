/**
 * dynv6 style (https://dynv6.com/docs/apis, "Update API"):
 * `GET /api/update?zone=…&token=…[&ipv4=][&ipv6=][&ipv6prefix=]`, `hostname`/`Hostname`
 * being alternative names for `zone`. `ipv4`: an address, `auto` (the source address) or
 * `-` (remove); `ipv6`: an address (a `/len` suffix is dropped), `auto` or `-`; empty or
 * unset keeps the record. `ipv6prefix`: `addr/len`, `auto` (the source address's prefix)
 * or `-` (remove): re-prefixes every AAAA of the host's IPv6 prefix group (core's rule).
 * Replies `addresses updated` / `addresses unchanged`.
 *
 * Not implemented: `6to4`.
 */
import { parseIp } from '../../core/addresses/addresses.ts'
import { err, ok, type Result } from '../../core/result.ts'
import { Secret } from '../../core/auth/secret.ts'
import type {
  AddressWish,
  PrefixWish,
  UpdateIntent,
  UpdateResult,
} from '../../core/update/update-intent.ts'
import { parsePrefix } from '../prefix.ts'
import {
  textReply,
  type DialectError,
  type DialectResponse,
  type UpdateDialect,
  type UpdateRequest,
} from '../dialect.ts'

/** Creates the dynv6 dialect. */
export function createDynv6(): UpdateDialect {
  return {
    name: 'dynv6',
    routes: [
      { method: 'GET', path: '/api/update' },
      { method: 'POST', path: '/api/update' },
    ],
    parse,
    render,
  }
}

function parse(req: UpdateRequest): Result<UpdateIntent, DialectError> {
  const p = req.params
  const zone = p.get('zone') ?? p.get('hostname') ?? p.get('Hostname') ?? ''
  const token = p.get('token')
  const prefix = prefixWish(p.get('ipv6prefix'))
  if (!prefix.ok) return prefix
  const ipv4 = wish(p.get('ipv4'), 4)
  if (!ipv4.ok) return ipv4
  const ipv6 = wish(p.get('ipv6'), 6)
  if (!ipv6.ok) return ipv6
  return ok({
    dialect: 'dynv6',
    credentials: token === undefined ? null : { kind: 'token', secret: new Secret(token) },
    hostnames: zone.trim() === '' ? [] : [zone.trim()],
    ipv4: ipv4.value,
    ipv6: ipv6.value,
    ...(prefix.value === undefined ? {} : { ipv6prefix: prefix.value }),
    clientIp: req.clientIp,
    ...(req.headers['user-agent'] === undefined ? {} : { userAgent: req.headers['user-agent'] }),
  })
}

function wish(value: string | undefined, family: 4 | 6): Result<AddressWish, DialectError> {
  const text = (value ?? '').trim()
  if (text === '') return ok({ kind: 'keep' })
  if (text === '-') return ok({ kind: 'delete' })
  // `auto` uses the source address only when it is of this family (core's rule).
  if (text.toLowerCase() === 'auto') return ok({ kind: 'auto' })
  const address = parseIp(family === 6 ? text.replace(/\/\d{1,3}$/, '') : text)
  if (!address.ok) return err({ code: 'badip', message: address.error.message })
  if (address.value.family !== family) {
    return err({
      code: 'badip',
      message: `"${address.value.text}" is not an IPv${String(family)} address`,
    })
  }
  return ok({ kind: 'set', address: address.value })
}

function prefixWish(value: string | undefined): Result<PrefixWish | undefined, DialectError> {
  const text = (value ?? '').trim()
  if (text === '') return ok(undefined)
  if (text === '-') return ok({ kind: 'delete' })
  if (text.toLowerCase() === 'auto') return ok({ kind: 'auto' })
  const prefix = parsePrefix(text)
  return prefix.ok ? ok({ kind: 'set', ...prefix.value }) : prefix
}

function render(result: UpdateResult | DialectError): DialectResponse {
  if (!('kind' in result)) return textReply(400, `invalid request: ${result.message}`)
  if (result.kind === 'rejected') {
    switch (result.code) {
      case 'badauth':
        return textReply(401, 'invalid authentication token')
      case 'notfqdn':
        return textReply(400, 'zone not specified')
      case 'badip':
        return textReply(400, `invalid request: ${result.message}`)
      case 'numhost':
      case '911':
        return textReply(500, 'internal error')
      case 'abuse':
        return textReply(429, 'too many requests')
    }
  }
  const o = result.outcomes[0]
  switch (o?.status) {
    case 'good':
      return textReply(200, 'addresses updated')
    case 'nochg':
      return textReply(200, 'addresses unchanged')
    case 'nohost':
    case 'notfqdn':
      return textReply(404, 'zone not found')
    case '!yours':
      return textReply(403, 'zone not allowed for this token')
    case 'dnserr':
    case undefined:
      return textReply(500, 'addresses saved, DNS not yet updated')
  }
}
