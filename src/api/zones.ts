/**
 * `/zones`: every zone in the database (every signed-in user may list them: they choose host
 * names inside them), `served: false` for one the config no longer names (no new hosts, no
 * resync), and, for admins, a resync request of a served zone. Like `dynzone zone resync`, the request is
 * stamped in the zones table and carried out by the server's zone sync within a second; its
 * report appears in the zone's `resync` fields.
 */
import { err, ok } from '../core/result.ts'
import { requireAdmin, type ApiDeps } from './deps.ts'
import { apiError } from './errors.ts'
import { pageOf, pageQuery } from './pagination.ts'
import { defineRoute, type ApiRoute } from './route.ts'
import { zoneView } from './views.ts'
import { nameParams, pageOfSchema, resyncRequested, zone } from './schemas.ts'

/** The zone routes. */
export function zoneRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/zones',
      summary: 'List served zones with serial, host count and last resync',
      tag: 'zones',
      query: pageQuery,
      status: 200,
      response: pageOfSchema(zone),
      errors: ['invalid_cursor'],
      handler: async ({ query }) => {
        const served = new Set<string>(await deps.accountStore.zoneNames())
        const page = pageOf(await deps.zoneAdmin.states(), (z) => z.name, query)
        if (!page.ok) return page
        const items = page.value.items.map((z) => zoneView(z, served))
        return ok({ items, next: page.value.next })
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/zones/{name}/resync',
      summary: 'Ask the server to resync a zone with its backend (admin)',
      tag: 'zones',
      params: nameParams,
      status: 202,
      response: resyncRequested,
      errors: ['forbidden', 'zone_not_found'],
      handler: async ({ caller, params }) => {
        const admin = requireAdmin(caller)
        if (!admin.ok) return admin
        const r = await deps.zoneAdmin.requestResync(params.name)
        if (!r.ok || r.value.zones[0] === undefined) {
          return err(apiError('zone_not_found', `zone "${params.name.slice(0, 255)}" not served`))
        }
        return ok({ zone: r.value.zones[0], requestedAt: r.value.requestedAt })
      },
    }),
  ]
}
