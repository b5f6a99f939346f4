/**
 * What the API handlers share: their dependencies, and the visibility rule every resource
 * follows. A non-admin sees only their own user, hosts and tokens; anything else answers
 * "not found" exactly like a missing one, so no other account's names leak.
 */
import type { FastifyRequest } from 'fastify'
import type { AccountService } from '../core/accounts/accounts.ts'
import type { AuditLog } from '../core/audit.ts'
import type { AccountStore, HostSummary } from '../core/accounts/account-store.ts'
import type { LockoutAdmin } from '../core/accounts/lockout-admin.ts'
import type { ZoneAdmin } from '../core/accounts/zone-admin.ts'
import type { IpAddress } from '../core/addresses/addresses.ts'
import type { CredentialGate } from '../core/auth/credential-gate.ts'
import type { AbuseGuard } from '../core/rate-limit/rate-limit-guard.ts'
import { parseName } from '../core/names.ts'
import type { Clock, PasswordHasher, UpdateStore } from '../core/ports.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { UpdateService } from '../core/update/update-service.ts'
import type { RequestReads } from '../core/update/request-trace.ts'
import type { ZoneRecordService } from '../core/zone-records/zone-record-service.ts'
import type { Logger } from '../observability/logger.ts'
import type { ApiCaller, ApiSessions } from './auth.ts'
import { apiError, type ApiError } from './errors.ts'

/** Everything the API needs, built by the composition root. */
export interface ApiDeps {
  readonly accounts: AccountService
  readonly lockouts: LockoutAdmin
  readonly zoneAdmin: ZoneAdmin
  readonly auditLog: AuditLog
  readonly accountStore: AccountStore
  readonly updateStore: UpdateStore
  /** The guarded credential check every door shares. */
  readonly gate: CredentialGate
  readonly passwords: PasswordHasher
  readonly updates: UpdateService
  readonly clock: Clock
  readonly logger: Logger
  readonly clientIp: (req: FastifyRequest) => IpAddress
  /** The web UI's sessions, accepted for API calls (with CSRF on changes). */
  readonly sessions?: ApiSessions
  /** Static records of every type (`/zones/{zone}/records`); absent: those routes are not mounted. */
  readonly zoneRecords?: ZoneRecordService
  /** The update path's rate limits, applied to record changes too; absent means none. */
  readonly guard?: Pick<AbuseGuard, 'admitAuthenticated' | 'settled'>
  /** The router inspector's reads (`/hosts/{fqdn}/requests`). */
  readonly requests: RequestReads
}

/** The host named `fqdn` when the caller may see it. */
export async function visibleHost(
  deps: ApiDeps,
  caller: ApiCaller,
  fqdn: string,
): Promise<Result<HostSummary, ApiError>> {
  const name = parseName(fqdn)
  const found = name.ok ? await deps.accountStore.hostByName(name.value) : undefined
  if (found === undefined || (!caller.isAdmin && found.owner !== caller.userName)) {
    return err(apiError('host_not_found', `host "${fqdn.slice(0, 255)}" not found`))
  }
  return ok(found)
}

/** Only admins pass. */
export function requireAdmin(caller: ApiCaller): Result<void, ApiError> {
  return caller.isAdmin
    ? ok(undefined)
    : err(apiError('forbidden', 'only an administrator may do this'))
}

/** The owner a caller acts for: themselves, or anyone when admin. */
export function ownerFor(caller: ApiCaller, owner: string | undefined): Result<string, ApiError> {
  if (owner === undefined || owner === caller.userName) return ok(caller.userName)
  return caller.isAdmin
    ? ok(owner)
    : err(apiError('forbidden', 'only an administrator may act for another user'))
}

/** Maps an account-service failure to an API error of the resource at hand. */
export function accountError(
  e: { readonly code: 'invalid' | 'exists' | 'not-found'; readonly message: string },
  resource: 'user' | 'host' | 'token' | 'group',
): ApiError {
  switch (e.code) {
    case 'invalid':
      return apiError('invalid_value', e.message)
    case 'exists':
      return apiError(resource === 'host' ? 'host_exists' : 'user_exists', e.message)
    case 'not-found':
      return apiError(notFoundCode(e.message, resource), e.message)
  }
}

// The account service names what it did not find first ("user "x" not found").
function notFoundCode(
  message: string,
  resource: 'user' | 'host' | 'token' | 'group',
): ApiError['code'] {
  if (message.startsWith('user ')) return 'user_not_found'
  if (message.startsWith('host ')) return 'host_not_found'
  if (message.startsWith('token ')) return 'token_not_found'
  if (message.startsWith('group ')) return 'group_not_found'
  return `${resource}_not_found`
}

/** An object without its `undefined` fields (zod's optional output → exact optional input). */
export function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>
  }
}
