/**
 * Which host a signed-in user may see (their own; an admin any) and the paging of host and
 * record tables: shared by the host routes and the record editor.
 */
import type { FastifyRequest } from 'fastify'
import type { WebSession } from './session.ts'
import { queryParam, type WebDeps } from './web-http.ts'
import type { HostDetail } from '../core/accounts/account-store.ts'

/** Hosts per page in host tables. */
export const PAGE_SIZE = 25

/** The page number from `?page=` (1 when absent or bad). */
export function pageNumber(req: FastifyRequest): number {
  const n = Number(queryParam(req, 'page') ?? '1')
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1
}

/** The host of an id (as the path gave it) when the session may see it. */
export async function hostById(
  deps: WebDeps,
  raw: unknown,
  s: WebSession,
): Promise<HostDetail | undefined> {
  const id = Number(raw)
  if (!Number.isSafeInteger(id) || id < 1) return undefined
  const host = await deps.store.host(id)
  return host !== undefined && (host.ownerId === s.userId || s.isAdmin) ? host : undefined
}
