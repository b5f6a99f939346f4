/**
 * Rackspace Identity v2.0 token auth, as django-dynamic-dns's Rackspace plugin used it:
 * `POST /v2.0/tokens` with `RAX-KSKEY:apiKeyCredentials` (username + API key) returns a
 * token, its expiry, the tenant id and a service catalog naming the Cloud DNS endpoint.
 * The token is cached until shortly before it expires, or until the DNS API refuses it.
 */
import { err, ok, type Result } from '../../core/result.ts'
import type { Secret } from '../../core/auth/secret.ts'
import type { BackendError } from '../backend.ts'
import { callApi, type FetchLike } from '../shared/http-client.ts'

/** An authenticated session: the token and the Cloud DNS base URL (`…/v1.0/{tenant}`). */
export interface RackspaceSession {
  readonly token: string
  readonly dnsUrl: string
}

/** How to authenticate. */
export interface IdentityOptions {
  readonly identityUrl: string
  readonly username: string
  readonly apiKey: Secret
  /** Cloud DNS URL without the tenant; empty: take it from the service catalog. */
  readonly dnsUrl: string
  readonly fetch: FetchLike
  readonly now?: () => number
}

interface Access {
  token?: { id?: string; expires?: string; tenant?: { id?: string } }
  serviceCatalog?: { type?: string; name?: string; endpoints?: { publicURL?: string }[] }[]
}

// Renew this long before the token expires, so a request never carries a dying token.
const RENEW_EARLY_MS = 5 * 60_000

/** Hands out a cached session, authenticating when there is none or it is about to expire. */
export class RackspaceIdentity {
  private session: { value: RackspaceSession; expiresAt: number } | null = null

  constructor(private readonly o: IdentityOptions) {}

  /** A valid session. */
  async get(signal: AbortSignal): Promise<Result<RackspaceSession, BackendError>> {
    const now = (this.o.now ?? Date.now)()
    if (this.session !== null && this.session.expiresAt - RENEW_EARLY_MS > now) {
      return ok(this.session.value)
    }
    const r = await callApi(
      this.o.fetch,
      {
        method: 'POST',
        url: `${this.o.identityUrl}/v2.0/tokens`,
        body: {
          auth: {
            'RAX-KSKEY:apiKeyCredentials': {
              username: this.o.username,
              apiKey: this.o.apiKey.reveal(),
            },
          },
        },
        signal,
      },
      'rackspace identity POST /v2.0/tokens',
    )
    if (!r.ok) return r
    const access = (r.value.body as { access?: Access } | null)?.access
    const token = access?.token
    if (r.value.status !== 200 || token?.id === undefined || token.tenant?.id === undefined) {
      return err({
        code: 'not-auth',
        retryable: false,
        message: `rackspace identity: no token for user ${this.o.username} (HTTP ${r.value.status})`,
      })
    }
    const dnsUrl =
      this.o.dnsUrl === ''
        ? access?.serviceCatalog?.find((s) => s.type === 'rax:dns')?.endpoints?.[0]?.publicURL
        : `${this.o.dnsUrl}/v1.0/${token.tenant.id}`
    if (dnsUrl === undefined) {
      return err({
        code: 'refused',
        retryable: false,
        message: 'rackspace identity: no rax:dns endpoint in the service catalog',
      })
    }
    const expires = Date.parse(token.expires ?? '')
    const value = { token: token.id, dnsUrl: dnsUrl.replace(/\/+$/, '') }
    this.session = { value, expiresAt: Number.isNaN(expires) ? now + 3600_000 : expires }
    return ok(value)
  }

  /** Forgets the session (the DNS API refused its token). */
  invalidate(): void {
    this.session = null
  }
}
