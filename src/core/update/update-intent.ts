/**
 * What every update dialect produces (`UpdateIntent`) and what core answers per host
 * (`UpdateResult`). Dialects translate wire formats to and from these; they decide nothing.
 */
import type { TxtText } from './acme-txt.ts'
import type { IpAddress } from '../addresses/addresses.ts'
import type { Fqdn } from '../names.ts'
import type { Secret } from '../auth/secret.ts'

/** What the client asked for one address family. */
export type AddressWish =
  /** Not mentioned: keep what is there. */
  | { readonly kind: 'keep' }
  /** Use the request's source address if it is of this family, else keep. */
  | { readonly kind: 'auto' }
  | { readonly kind: 'set'; readonly address: IpAddress }
  /** Remove this family's record (offline, `-`, `0.0.0.0`, `::`). */
  | { readonly kind: 'delete' }

/** What the client asked for the host's `_acme-challenge` TXT values. */
export type TxtWish =
  /** Add one value (or renew it when present); the others stay until they expire. */
  | { readonly kind: 'add'; readonly value: TxtText }
  /** Remove every value now. */
  | { readonly kind: 'clear' }

/** What the client asked for the prefix of a host's IPv6 prefix group. */
export type PrefixWish =
  /** Every member's AAAA becomes this prefix plus the member's interface identifier. */
  | { readonly kind: 'set'; readonly prefix: IpAddress; readonly length: number }
  /** The group's prefix of the request's source address, if that is IPv6; else keep. */
  | { readonly kind: 'auto' }
  /** Remove every member's AAAA (dynv6 `ipv6prefix=-`). */
  | { readonly kind: 'delete' }

/** Credentials as the client sent them; core decides what they mean. */
export type Credentials =
  /** A user name with an account password or a token (Basic auth, query parameters). */
  | { readonly kind: 'basic'; readonly username: string; readonly secret: Secret }
  /** A bare token (secret URLs, `token=`), optionally naming who it is for. */
  | { readonly kind: 'token'; readonly secret: Secret }

/** The request as it came over the wire, as the HTTP layer hands it to core. */
export interface RequestWire {
  readonly method: string
  /** The path without the query string, percent-decoded. */
  readonly path: string
  /** Query and form parameters, first value wins. */
  readonly params: ReadonlyMap<string, string>
}

/** One update request, dialect-neutral. */
export interface UpdateIntent {
  readonly dialect: string
  readonly credentials: Credentials | null
  /** Hostnames as requested, in order; empty means "the host the credential is for". */
  readonly hostnames: readonly string[]
  readonly ipv4: AddressWish
  readonly ipv6: AddressWish
  /** ACME TXT change; absent means the request is about addresses only. */
  readonly txt?: TxtWish
  /** A new IPv6 prefix for the prefix group of the named hosts; absent means none. */
  readonly ipv6prefix?: PrefixWish
  readonly clientIp: IpAddress
  readonly userAgent?: string
  /** The client asked to be told of a change by mail/webhook (dyndns2 `notify_change=1`). */
  readonly notifyChange?: boolean
  /** The request as sent (the HTTP layer adds it for every dialect), for the router inspector. */
  readonly wire?: RequestWire
}

/** Per-host results, named as DynDNS2 names them; other dialects map from these. */
export type HostStatus = 'good' | 'nochg' | 'nohost' | 'notfqdn' | '!yours' | 'dnserr'

/** The result for one requested hostname. */
export interface HostOutcome {
  readonly hostname: string
  readonly fqdn?: Fqdn
  readonly status: HostStatus
  /** Addresses of the families this request touched, after the update. */
  readonly ipv4?: string
  readonly ipv6?: string
  /** The live `_acme-challenge` TXT values after the update, when the request touched them. */
  readonly txt?: readonly string[]
}

/**
 * Request-level refusals, answered once for the whole request. `abuse`: over a rate limit
 * or locked out after bad credentials; the reply carries `Retry-After`.
 */
export type RejectCode = 'badauth' | 'numhost' | 'notfqdn' | 'badip' | '911' | 'abuse'

/** What core answers for one intent. */
export type UpdateResult =
  | { readonly kind: 'hosts'; readonly outcomes: readonly HostOutcome[] }
  | {
      readonly kind: 'rejected'
      readonly code: RejectCode
      readonly message: string
      /** With `abuse`: seconds until the client may try again (`Retry-After`). */
      readonly retryAfterSeconds?: number
    }
