/** The ordered list of update dialects; adding one is a folder plus a line here. */
import type { Fqdn } from '../core/names.ts'
import { createAcmeDns, isAcmeDnsRequest } from './acme-dns/acme-dns.ts'
import { createCheckip } from './checkip/checkip.ts'
import type { UpdateDialect } from './dialect.ts'
import { createDispatch } from './dispatch.ts'
import { createDjango } from './django/django.ts'
import { createDuckdns, isDuckdnsRequest } from './duckdns/duckdns.ts'
import { DEFAULT_ALIASES, type Dyndns2Aliases } from './dyndns2/aliases.ts'
import { createDyndns2 } from './dyndns2/dyndns2.ts'
import { createDyndns53 } from './dyndns53/dyndns53.ts'
import { createDynv6 } from './dynv6/dynv6.ts'
import { createSftdyn } from './sftdyn/sftdyn.ts'

/** One DynDNS2 endpoint: a path and its parameter names. */
export interface Dyndns2Endpoint {
  readonly path: string
  readonly aliases: Dyndns2Aliases
}

/** Settings dialects may need. */
export interface DialectSettings {
  /** DynDNS2 endpoints; `/update` is shared with DuckDNS (see `createDialects`). */
  readonly endpoints: readonly Dyndns2Endpoint[]
  readonly sftdynPrefix: string
  /** The zone DuckDNS `domains` labels live in. */
  readonly duckdnsZone: Fqdn
  readonly now: () => Date
}

/** The DynDNS2 endpoints served when the config lists none. */
export const DEFAULT_ENDPOINTS: readonly Dyndns2Endpoint[] = [
  '/nic/update',
  '/v3/update',
  '/update',
].map((path) => ({ path, aliases: DEFAULT_ALIASES }))

/** The path DuckDNS clients call; a DynDNS2 endpoint there dispatches on `domains=`. */
export const DUCKDNS_PATH = '/update'

/**
 * Builds every enabled dialect. Fastify matches static paths before parametric ones and
 * those before the sftdyn wildcard, so the order here only matters for readers.
 */
export function createDialects(settings: DialectSettings): UpdateDialect[] {
  const duckdns = createDuckdns({ zone: settings.duckdnsZone })
  const acmeDns = createAcmeDns()
  const dyndns2 = settings.endpoints.map((endpoint): UpdateDialect => {
    const dialect = createDyndns2({ paths: [endpoint.path], aliases: endpoint.aliases })
    if (endpoint.path !== DUCKDNS_PATH) return dialect
    return createDispatch(
      dialect.routes,
      [
        { when: isAcmeDnsRequest, dialect: acmeDns },
        { when: isDuckdnsRequest, dialect: duckdns },
      ],
      dialect,
    )
  })
  const shared = settings.endpoints.some((e) => e.path === DUCKDNS_PATH)
  // Without a DynDNS2 endpoint on /update, DuckDNS (GET) and acme-dns (POST) get it alone.
  const duckdnsQuery: UpdateDialect[] = shared
    ? []
    : [
        { ...duckdns, routes: [{ method: 'GET', path: DUCKDNS_PATH }] },
        { ...acmeDns, routes: [{ method: 'POST', path: DUCKDNS_PATH }] },
      ]
  return [
    ...dyndns2,
    ...duckdnsQuery,
    duckdns,
    createDjango({ now: settings.now }),
    createDyndns53(),
    createDynv6(),
    createCheckip(),
    createSftdyn({ prefix: settings.sftdynPrefix }),
  ]
}
