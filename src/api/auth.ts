/**
 * Who is calling the REST API. Two ways in: `Authorization: Bearer <token>` with a token of
 * scope `api`, or the web UI's session cookie. Update tokens (`address`, `acme`, `all`) are
 * refused here, so a router's leaked credential cannot administer its account; a
 * cookie-authenticated call that changes state must echo the session's CSRF token in
 * `x-csrf-token`. Admin rights come from the user row, not from the token.
 */
import type { FastifyRequest } from 'fastify'
import type { IpAddress } from '../core/addresses/addresses.ts'
import type { CredentialGate } from '../core/auth/credential-gate.ts'
import { rightsOf, type CredentialRights } from '../core/auth/credential-rights.ts'
import { err, ok, type Result } from '../core/result.ts'
import { Secret } from '../core/auth/secret.ts'
import { apiError, type ApiError } from './errors.ts'

/** An authenticated API caller. */
export interface ApiCaller {
  readonly userId: number
  readonly userName: string
  readonly isAdmin: boolean
  /** Set when the caller came with a token: the history names it. */
  readonly tokenId?: number
  readonly via: 'token' | 'session'
  /**
   * A token's limits (hosts, record types, sources, expiry): they hold on every route, and
   * what the token mints must be narrower. Absent for a session (a password has none).
   */
  readonly rights?: CredentialRights
}

/** A web session as the API needs it (`src/web/session.ts` provides one). */
export interface ApiSession {
  readonly userId: number
  readonly userName: string
  readonly isAdmin: boolean
}

/** The session store as the API needs it. */
export interface ApiSessions<S extends ApiSession = ApiSession> {
  fromRequest(req: {
    readonly headers: { readonly cookie?: string | undefined }
  }): Promise<S | undefined>
  checkCsrf(session: S, value: unknown): boolean
  /** Ends every session of a user (after a password change). */
  destroyAllOf?(userId: number): Promise<void>
  /** True when the account was proven in this session within the step-up window. */
  isFresh?(session: S): boolean
}

/** What authentication needs. */
export interface ApiAuthOptions<S extends ApiSession = ApiSession> {
  /** The guarded credential check: a bad bearer token counts like any bad credential. */
  readonly gate: CredentialGate
  /** The client's address (trusted proxies applied). */
  readonly source: IpAddress
  /** Whether a user is an administrator now (tokens do not carry the flag). */
  readonly isAdmin: (userId: number, userName: string) => Promise<boolean>
  readonly sessions?: ApiSessions<S>
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Resolves the caller of a request, or the error to answer. */
export async function authenticateApi<S extends ApiSession>(
  req: FastifyRequest,
  options: ApiAuthOptions<S>,
): Promise<Result<ApiCaller, ApiError>> {
  const header = req.headers.authorization
  if (header !== undefined) return byToken(header, options)
  const session = await options.sessions?.fromRequest(req)
  if (session === undefined) {
    return err(apiError('unauthenticated', 'send `Authorization: Bearer <api token>`'))
  }
  if (
    !SAFE_METHODS.has(req.method) &&
    !options.sessions?.checkCsrf(session, req.headers['x-csrf-token'])
  ) {
    return err(apiError('csrf_failed', 'x-csrf-token header missing or wrong'))
  }
  // A cookie's change needs what the web UI's forms need: a recent proof of the account.
  if (!SAFE_METHODS.has(req.method) && options.sessions?.isFresh?.(session) === false) {
    return err(
      apiError(
        'step_up_required',
        'confirm your account in the web UI first (second factor or password), or use an API token',
      ),
    )
  }
  return ok({
    userId: session.userId,
    userName: session.userName,
    isAdmin: session.isAdmin,
    via: 'session',
  })
}

// A malformed header is no credential guess, so it counts nowhere.
async function byToken<S extends ApiSession>(
  header: string,
  options: ApiAuthOptions<S>,
): Promise<Result<ApiCaller, ApiError>> {
  const match = /^Bearer +([^\s]+) *$/i.exec(header)
  const token = match?.[1]
  if (token === undefined) {
    return err(apiError('unauthenticated', 'the Authorization header must be `Bearer <token>`'))
  }
  const checked = await options.gate.check({
    door: 'api',
    credentials: { kind: 'token', secret: new Secret(token) },
    source: options.source,
    accepts: 'token',
  })
  if (!checked.ok && checked.error.code === 'abuse') {
    const { message, retryAfterSeconds } = checked.error
    return err({ ...apiError('rate_limited', message), retryAfterSeconds })
  }
  const principal = checked.ok ? checked.value : undefined
  if (principal?.tokenId === undefined) {
    return err(apiError('unauthenticated', 'unknown or expired token'))
  }
  if (principal.scope !== 'api') {
    return err(
      apiError('token_scope', `a token of scope "${principal.scope ?? 'all'}" cannot use the API`),
    )
  }
  return ok({
    userId: principal.userId,
    userName: principal.userName,
    isAdmin: await options.isAdmin(principal.userId, principal.userName),
    tokenId: principal.tokenId,
    via: 'token',
    rights: rightsOf(principal),
  })
}
