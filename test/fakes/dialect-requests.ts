/** Builders shared by the dialect tests: requests, outcomes and core results. */
import type { IpAddress } from '../../src/core/addresses/addresses.ts'
import type { Credentials, HostOutcome, UpdateResult } from '../../src/core/update/update-intent.ts'
import type { UpdateRequest } from '../../src/dialects/dialect.ts'

/** The source address test requests come from. */
export const CLIENT: IpAddress = { family: 4, text: '198.51.100.7' }

/** A request with the given parts; everything else empty. */
export function testRequest(
  parts: Partial<UpdateRequest> & { query?: Record<string, string> },
): UpdateRequest {
  const { query, ...rest } = parts
  return {
    method: 'GET',
    path: '/',
    params: new Map(Object.entries(query ?? {})),
    headers: {},
    clientIp: CLIENT,
    basic: null,
    ...rest,
  }
}

/** Core's answer for one host. */
export function hosts(...outcomes: Partial<HostOutcome>[]): UpdateResult {
  return {
    kind: 'hosts',
    outcomes: outcomes.map((o) => ({ hostname: 'h.dyn.example', status: 'good', ...o })),
  }
}

/** Credentials as a comparable tuple. */
export function creds(c: Credentials | null): readonly string[] | null {
  if (c === null) return null
  return c.kind === 'basic'
    ? ['basic', c.username, c.secret.reveal()]
    : ['token', c.secret.reveal()]
}
