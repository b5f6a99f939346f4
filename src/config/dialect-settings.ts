/**
 * Turns the loaded config into the settings the dialect registry needs. It lives in config/
 * so the dialects stay free of the whole config (which imports every part's schema).
 */
import type { Config } from './schema.ts'
import { DEMO_ZONE } from './schema.ts'
import type { Fqdn } from '../core/names.ts'
import { DEFAULT_ALIASES, type Dyndns2Aliases } from '../dialects/dyndns2/aliases.ts'
import { DEFAULT_ENDPOINTS, type DialectSettings } from '../dialects/registry.ts'

/** Dialect settings from the config: configured endpoints (else the defaults), prefixes, zones. */
export function dialectSettings(config: Config, now: () => Date): DialectSettings {
  const endpoints =
    config.endpoints.length === 0
      ? DEFAULT_ENDPOINTS
      : config.endpoints.map((e) => ({
          path: e.path,
          aliases: Object.fromEntries(
            (Object.keys(DEFAULT_ALIASES) as (keyof Dyndns2Aliases)[]).map((field) => [
              field,
              e[field] ?? DEFAULT_ALIASES[field],
            ]),
          ) as unknown as Dyndns2Aliases,
        }))
  return {
    endpoints,
    sftdynPrefix: config.dialects.sftdyn.prefix,
    duckdnsZone: config.dialects.duckdns.zone ?? config.zones[0]?.name ?? (DEMO_ZONE as Fqdn),
    now,
  }
}
