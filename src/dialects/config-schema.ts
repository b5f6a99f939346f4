/**
 * The config tables of the update dialects: `[dialects.sftdyn]`, `[dialects.duckdns]` and
 * ddns-service style `[[endpoints]]` (DynDNS2 paths with per-field parameter aliases).
 * Documented in src/config/README.md; turned into `DialectSettings` by `settings.ts`.
 */
import { domainName, list, table, text } from '../config/fields.ts'

// Fastify reads `:` and `*` as pattern syntax; a literal path is all an endpoint needs.
const LITERAL_PATH = /^\/[A-Za-z0-9._~!$&'()+,;=@%/-]*$/

function path(what: string) {
  return text(what).refine((value) => LITERAL_PATH.test(value), {
    error: (issue) =>
      `expected ${what} starting with "/" (no ":", "*", "?" or spaces), got ${JSON.stringify(issue.input)}`,
  })
}

const aliases = list(text('a parameter name').min(1), 'a list of parameter names').optional()

/** One `[[endpoints]]` table: a DynDNS2 path; an absent field keeps its default names. */
export const endpointSchema = table({
  path: path('an HTTP path'),
  hostname: aliases,
  myip: aliases,
  myipv4: aliases,
  myipv6: aliases,
  ipv6prefix: aliases,
  username: aliases,
  password: aliases,
  offline: aliases,
  system: aliases,
})

/** `[[endpoints]]`: empty means the built-in `/nic/update`, `/v3/update`, `/update`. */
export const endpointsSchema = list(endpointSchema, 'a list of [[endpoints]] tables').default([])

/** `[dialects]`: settings of individual dialects. */
export const dialectsSchema = table({
  sftdyn: table({ prefix: path('an HTTP path prefix').default('/') }).prefault({}),
  duckdns: table({ zone: domainName().optional() }).prefault({}),
}).prefault({})
