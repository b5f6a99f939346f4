/**
 * `/hosts/{fqdn}/records` and `/hosts/{fqdn}/history`. Record changes are update intents run
 * through core's update service, the path every dialect takes, so the dual-stack rules, the
 * history row, the serial bump, publishing and the rate limits (`rate_limited`, 429) happen
 * exactly as for a router's update. TXT values are the host's `_acme-challenge` values and
 * expire like those set by ACME clients.
 */
import { acmeName, parseTxtText } from '../core/update/acme-txt.ts'
import { parseIpOf, type IpFamily } from '../core/addresses/addresses.ts'
import type { HostSummary } from '../core/accounts/account-store.ts'
import { liveTxt } from '../core/update/acme-txt.ts'
import { err, ok, type Result } from '../core/result.ts'
import type {
  AddressWish,
  TxtWish,
  UpdateIntent,
  UpdateResult,
} from '../core/update/update-intent.ts'
import type { HistoryMark } from '../core/accounts/account-store.ts'
import type { ApiCaller } from './auth.ts'
import { visibleHost, type ApiDeps } from './deps.ts'
import { apiError, type ApiError } from './errors.ts'
import { decodeCursor, encodeCursor, pageOf, pageQuery } from './pagination.ts'
import { defineRoute, type ApiRoute, type RouteInput } from './route.ts'
import {
  fqdnParams,
  historyEntry,
  pageOfSchema,
  record,
  recordsChanged,
  recordsPut,
} from './schemas.ts'
import type { z } from 'zod'

type RecordView = z.output<typeof record>
type Wishes = Pick<UpdateIntent, 'ipv4' | 'ipv6'> & { txt?: TxtWish }

async function currentRecords(deps: ApiDeps, h: HostSummary): Promise<RecordView[]> {
  const found = await deps.updateStore.findHost(h.fqdn)
  if (found === undefined) return []
  const out: RecordView[] = []
  const base = { name: h.fqdn, ttl: h.ttl, expiresAt: null }
  if (found.ipv4 !== null) out.push({ ...base, type: 'A', value: found.ipv4 })
  if (found.ipv6 !== null) out.push({ ...base, type: 'AAAA', value: found.ipv6 })
  for (const t of liveTxt(found.txt ?? [], deps.clock.now())) {
    out.push({
      name: acmeName(h.fqdn),
      type: 'TXT',
      value: t.value,
      ttl: h.ttl,
      expiresAt: t.expiresAt,
    })
  }
  return out
}

function address(
  value: string | null | undefined,
  family: IpFamily,
): Result<AddressWish, ApiError> {
  if (value === undefined) return ok({ kind: 'keep' })
  if (value === null) return ok({ kind: 'delete' })
  const ip = parseIpOf(value, family)
  if (!ip.ok)
    return err(apiError('invalid_value', `${family === 4 ? 'A' : 'AAAA'}: ${ip.error.message}`))
  return ok({ kind: 'set', address: ip.value })
}

function wishes(body: z.output<typeof recordsPut>): Result<Wishes, ApiError> {
  const ipv4 = address(body.A, 4)
  if (!ipv4.ok) return ipv4
  const ipv6 = address(body.AAAA, 6)
  if (!ipv6.ok) return ipv6
  if (body.TXT === undefined) return ok({ ipv4: ipv4.value, ipv6: ipv6.value })
  if (body.TXT === null) return ok({ ipv4: ipv4.value, ipv6: ipv6.value, txt: { kind: 'clear' } })
  const txt = parseTxtText(body.TXT)
  if (!txt.ok) return err(apiError('invalid_value', `TXT: ${txt.error}`))
  return ok({
    ipv4: ipv4.value,
    ipv6: ipv6.value,
    txt: { kind: 'add', value: txt.value },
  })
}

async function change(
  deps: ApiDeps,
  input: RouteInput<unknown, unknown, unknown>,
  fqdn: string,
  w: Wishes,
): Promise<Result<z.output<typeof recordsChanged>, ApiError>> {
  const found = await visibleHost(deps, input.caller, fqdn)
  if (!found.ok) return found
  const principal = principalOf(input.caller)
  const intent: UpdateIntent = {
    dialect: 'api',
    credentials: null,
    hostnames: [found.value.fqdn],
    ...w,
    clientIp: deps.clientIp(input.req),
    ...(input.req.headers['user-agent'] === undefined
      ? {}
      : { userAgent: input.req.headers['user-agent'] }),
  }
  // The update path's budgets (address, account, host) hold here too.
  const limited = deps.guard?.admitAuthenticated(intent, principal)
  const result = limited ?? (await deps.updates.updateAs(principal, intent))
  deps.guard?.settled(intent, principal, result)
  if (result.kind === 'rejected' && result.code === 'abuse') {
    return err({ ...apiError('rate_limited', result.message), ...retryAfter(result) })
  }
  // An address the zone's policy refuses (a private address in a public zone) is bad input.
  if (result.kind === 'rejected' && result.code === 'badip') {
    return err(apiError('invalid_value', result.message))
  }
  const outcome = result.kind === 'hosts' ? result.outcomes[0] : undefined
  if (outcome === undefined || !['good', 'nochg', 'dnserr'].includes(outcome.status)) {
    const why = result.kind === 'rejected' ? result.message : (outcome?.status ?? 'no outcome')
    return err(apiError('internal', `update refused: ${why}`))
  }
  return ok({
    status: outcome.status === 'nochg' ? 'nochg' : 'good',
    published: outcome.status !== 'dnserr',
    records: await currentRecords(deps, found.value),
  })
}

function retryAfter(result: UpdateResult): { retryAfterSeconds?: number } {
  const seconds = result.kind === 'rejected' ? result.retryAfterSeconds : undefined
  return seconds === undefined ? {} : { retryAfterSeconds: seconds }
}

// The caller acts as the host's owner (or admin) with full rights over its records.
function principalOf(caller: ApiCaller) {
  return {
    userId: caller.userId,
    userName: caller.userName,
    isAdmin: caller.isAdmin,
    scope: 'all' as const,
    ...(caller.tokenId === undefined ? {} : { tokenId: caller.tokenId }),
  }
}

// A history cursor names the last entry sent: its time, kind (change or refusal) and row id.
function historyMark(cursor: string | undefined): Result<HistoryMark | undefined, ApiError> {
  const key = decodeCursor(cursor)
  if (!key.ok || key.value === undefined) return key.ok ? ok(undefined) : key
  const m = /^(\S+) ([cr]) (\d{1,15})$/.exec(key.value)
  if (m === null) return err(apiError('invalid_cursor', 'unknown cursor'))
  return ok({ at: m[1] ?? '', refused: m[2] === 'r', id: Number(m[3]) })
}

/** The record and history routes. */
export function recordRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/hosts/{fqdn}/records',
      summary: 'List a host’s records (A, AAAA, live ACME TXT)',
      tag: 'records',
      params: fqdnParams,
      query: pageQuery,
      status: 200,
      response: pageOfSchema(record),
      errors: ['host_not_found', 'invalid_cursor'],
      handler: async ({ caller, params, query }) => {
        const found = await visibleHost(deps, caller, params.fqdn)
        if (!found.ok) return found
        const all = await currentRecords(deps, found.value)
        return pageOf(all, (r) => `${r.type}\0${r.value}`, query)
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/hosts/{fqdn}/records',
      summary: 'Set A/AAAA (null removes) and add a TXT value (null clears), as an update',
      tag: 'records',
      params: fqdnParams,
      body: recordsPut,
      status: 200,
      response: recordsChanged,
      errors: ['host_not_found', 'invalid_value', 'rate_limited'],
      handler: async (input) => {
        const w = wishes(input.body)
        return w.ok ? change(deps, input, input.params.fqdn, w.value) : w
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/hosts/{fqdn}/records',
      summary: 'Remove every record of a host (offline), as an update',
      tag: 'records',
      params: fqdnParams,
      status: 200,
      response: recordsChanged,
      errors: ['host_not_found', 'rate_limited'],
      handler: (input) =>
        change(deps, input, input.params.fqdn, {
          ipv4: { kind: 'delete' },
          ipv6: { kind: 'delete' },
          txt: { kind: 'clear' },
        }),
    }),
    defineRoute({
      method: 'GET',
      path: '/hosts/{fqdn}/history',
      summary:
        'A host’s update history: changes and refused updates (with the reason), newest first',
      tag: 'records',
      params: fqdnParams,
      query: pageQuery,
      status: 200,
      response: pageOfSchema(historyEntry),
      errors: ['host_not_found', 'invalid_cursor'],
      handler: async ({ caller, params, query }) => {
        const found = await visibleHost(deps, caller, params.fqdn)
        if (!found.ok) return found
        const before = historyMark(query.cursor)
        if (!before.ok) return before
        const rows = await deps.accounts.history(found.value, query.limit + 1, before.value)
        const items = rows.slice(0, query.limit)
        const last = items.at(-1)
        const next =
          rows.length > query.limit && last !== undefined
            ? encodeCursor(`${last.at} ${last.refused ? 'r' : 'c'} ${String(last.id)}`)
            : null
        return ok({ items, next })
      },
    }),
  ]
}
