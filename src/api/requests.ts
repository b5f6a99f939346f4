/**
 * `/hosts/{fqdn}/requests`: the router inspector. A host's last requests (at most 50, at most
 * seven days old), each as dynzone read it, secrets already removed in core before storing.
 */
import { ok } from '../core/result.ts'
import { visibleHost, type ApiDeps } from './deps.ts'
import { defineRoute, type ApiRoute } from './route.ts'
import { fqdnParams, requestEntry } from './schemas.ts'
import { z } from 'zod'

/** The inspector route. */
export function requestRoutes(deps: ApiDeps): ApiRoute[] {
  const reads = deps.requests
  return [
    defineRoute({
      method: 'GET',
      path: '/hosts/{fqdn}/requests',
      summary:
        'The router inspector: a host’s last update requests (redacted), how each was read, newest first',
      tag: 'records',
      params: fqdnParams,
      status: 200,
      response: z.object({ items: z.array(requestEntry) }),
      errors: ['host_not_found'],
      handler: async ({ caller, params }) => {
        const found = await visibleHost(deps, caller, params.fqdn)
        if (!found.ok) return found
        return ok({ items: await reads.recent(found.value.id, 50) })
      },
    }),
  ]
}
