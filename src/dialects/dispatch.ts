/**
 * One path, several dialects: `/update` is DynDNS2 (routers), DuckDNS (`domains=`) and
 * acme-dns (`X-Api-User`) at once. A dispatcher picks the dialect per request from what
 * the request carries; `render` picks again from the same request, so it always matches.
 */
import type { DialectResponse, UpdateDialect, UpdateRequest } from './dialect.ts'

/** A dialect and the test that routes a request to it. */
export interface DispatchRule {
  readonly when: (req: UpdateRequest) => boolean
  readonly dialect: UpdateDialect
}

/** A dialect that delegates each request to the first matching rule, else `fallback`. */
export function createDispatch(
  routes: UpdateDialect['routes'],
  rules: readonly DispatchRule[],
  fallback: UpdateDialect,
): UpdateDialect {
  const pick = (req: UpdateRequest): UpdateDialect =>
    rules.find((r) => r.when(req))?.dialect ?? fallback
  return {
    name: fallback.name,
    routes,
    nameFor: (req) => pick(req).name,
    parse: (req) => pick(req).parse(req),
    render: (result, req) => pick(req).render(result, req),
    answer: (req): DialectResponse | undefined => pick(req).answer?.(req),
    unknownPath: (req) => pick(req).unknownPath?.(req) === true,
  }
}
