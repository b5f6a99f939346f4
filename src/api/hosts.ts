/**
 * `/hosts`: a user's dynamic hosts (admins: everyone's). Create, read, change the DNS TTL,
 * expiry TTL, LAN addresses (split horizon) and prefix group, delete. Changes go through the
 * account service the CLI uses; every input is checked first, and a change is written in one
 * transaction.
 */
import type { HostSummary } from '../core/accounts/account-store.ts'
import { parseLan } from '../core/addresses/lan-addresses.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { ApiCaller } from './auth.ts'
import { accountError, defined, ownerFor, visibleHost, type ApiDeps } from './deps.ts'
import { hostView } from './views.ts'
import { apiError, type ApiError } from './errors.ts'
import { pageOf, pageQuery } from './pagination.ts'
import { defineRoute, type ApiRoute } from './route.ts'
import { fqdnParams, host, hostCreate, hostPatch, pageOfSchema } from './schemas.ts'
import { z } from 'zod'

const listQuery = pageQuery.extend({ owner: z.string().min(1).max(64).optional() })

// A non-admin may only name their own groups: another user's group answers "not found".
async function checkGroup(
  deps: ApiDeps,
  caller: ApiCaller,
  group: string,
): Promise<Result<void, ApiError>> {
  if (caller.isAdmin) return ok(undefined)
  const mine = await deps.accounts.listGroups(caller.userName)
  return mine.some((g) => g.name === group)
    ? ok(undefined)
    : err(apiError('group_not_found', `group "${group.slice(0, 64)}" not found`))
}

async function createHost(
  deps: ApiDeps,
  caller: ApiCaller,
  body: z.output<typeof hostCreate>,
): Promise<Result<HostSummary, ApiError>> {
  const owner = ownerFor(caller, body.owner)
  if (!owner.ok) return owner
  const lan = parseLan(defined(body.lan ?? {}))
  if (!lan.ok) return err(apiError('invalid_value', lan.error))
  if (body.group !== undefined) {
    const g = await checkGroup(deps, caller, body.group.name)
    if (!g.ok) return g
  }
  const added = await deps.accounts.addHost({
    fqdn: body.fqdn,
    owner: owner.value,
    ...(body.dnsTtl === undefined ? {} : { ttl: body.dnsTtl }),
    ...(body.expiryTtl === undefined ? {} : { expiryTtl: body.expiryTtl }),
  })
  if (!added.ok) return err(accountError(added.error, 'host'))
  const fqdn = added.value.fqdn
  if (body.group !== undefined) {
    const joined = await deps.accounts.joinGroup({
      host: fqdn,
      group: body.group.name,
      iid: body.group.iid,
    })
    if (!joined.ok) {
      // Bad input changes nothing: the host goes again.
      await deps.accounts.deleteHost(fqdn)
      return err(accountError(joined.error, 'group'))
    }
  }
  const set = await deps.accounts.setHostLan(fqdn, lan.value)
  if (!set.ok) return err(accountError(set.error, 'host'))
  return ok(added.value)
}

// Every part is checked before the one transaction that writes them all.
async function patchHost(
  deps: ApiDeps,
  caller: ApiCaller,
  found: HostSummary,
  body: z.output<typeof hostPatch>,
): Promise<Result<void, ApiError>> {
  if (body.group != null) {
    const g = await checkGroup(deps, caller, body.group.name)
    if (!g.ok) return g
  }
  const changed = await deps.accounts.changeHost(found.fqdn, {
    lan: defined(body.lan ?? {}),
    ...(body.group === undefined ? {} : { group: body.group }),
    ...(body.dnsTtl === undefined ? {} : { dnsTtl: body.dnsTtl }),
    ...(body.expiryTtl === undefined ? {} : { expiryTtl: body.expiryTtl }),
  })
  return changed.ok ? ok(undefined) : err(accountError(changed.error, 'group'))
}

/** The host routes. */
export function hostRoutes(deps: ApiDeps): ApiRoute[] {
  const reread = async (caller: ApiCaller, fqdn: string) => {
    const h = await visibleHost(deps, caller, fqdn)
    return h.ok ? ok(await hostView(deps.accounts, h.value)) : h
  }
  return [
    defineRoute({
      method: 'GET',
      path: '/hosts',
      summary: 'List hosts: one’s own; admins everyone’s, or one owner’s with ?owner=',
      tag: 'hosts',
      query: listQuery,
      status: 200,
      response: pageOfSchema(host),
      errors: ['invalid_cursor'],
      handler: async ({ caller, query }) => {
        const owner = caller.isAdmin ? query.owner : caller.userName
        if (!caller.isAdmin && query.owner !== undefined && query.owner !== caller.userName) {
          return ok({ items: [], next: null })
        }
        const page = pageOf(await deps.accounts.listHosts(owner), (h) => h.fqdn, query)
        if (!page.ok) return page
        const items = await Promise.all(page.value.items.map((h) => hostView(deps.accounts, h)))
        return ok({ items, next: page.value.next })
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/hosts',
      summary: 'Create a host in a served zone (owner other than oneself: admin)',
      tag: 'hosts',
      body: hostCreate,
      status: 201,
      response: host,
      errors: ['forbidden', 'host_exists', 'user_not_found', 'group_not_found', 'invalid_value'],
      handler: async ({ caller, body }) => {
        const created = await createHost(deps, caller, body)
        return created.ok ? reread(caller, created.value.fqdn) : created
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/hosts/{fqdn}',
      summary: 'Read a host with its addresses, settings and last update',
      tag: 'hosts',
      params: fqdnParams,
      status: 200,
      response: host,
      errors: ['host_not_found'],
      handler: ({ caller, params }) => reread(caller, params.fqdn),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/hosts/{fqdn}',
      summary: 'Change dnsTtl, expiryTtl, LAN addresses or prefix group',
      tag: 'hosts',
      params: fqdnParams,
      body: hostPatch,
      status: 200,
      response: host,
      errors: ['host_not_found', 'group_not_found', 'invalid_value'],
      handler: async ({ caller, params, body }) => {
        const found = await visibleHost(deps, caller, params.fqdn)
        if (!found.ok) return found
        const patched = await patchHost(deps, caller, found.value, body)
        return patched.ok ? reread(caller, found.value.fqdn) : patched
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/hosts/{fqdn}',
      summary: 'Delete a host and its records',
      tag: 'hosts',
      params: fqdnParams,
      status: 204,
      response: null,
      errors: ['host_not_found'],
      handler: async ({ caller, params }) => {
        const found = await visibleHost(deps, caller, params.fqdn)
        if (!found.ok) return found
        const r = await deps.accounts.deleteHost(found.value.fqdn)
        return r.ok ? ok(null) : err(accountError(r.error, 'host'))
      },
    }),
  ]
}
