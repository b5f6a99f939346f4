/**
 * The router inspector: what each update request that named a host looked like and how
 * dynzone read it (dialect, parameters, what it took per family and for the prefix, the
 * answer, and why a refusal happened). Built here, in the update service's one exit every
 * door passes through, so no dialect can skip it or forget a secret: every trace is redacted
 * (`request-redact.ts`) before it leaves core. The log behind the port keeps it in memory and
 * writes it in batches; nothing here costs a database write per request.
 */
import type { Principal } from '../auth/auth.ts'
import { redactWire } from './request-redact.ts'
import type {
  AddressWish,
  PrefixWish,
  RequestWire,
  UpdateIntent,
  UpdateResult,
} from './update-intent.ts'

/** How many requests are kept per host. */
export const INSPECTOR_PER_HOST = 50
/** How many days a request is kept at most. */
export const INSPECTOR_DAYS = 7

/** One request as the inspector keeps it for one host; never a secret. */
export interface RequestTrace {
  /** The host: by name as requested, or by id when the credential named it. */
  readonly host: { readonly fqdn: string } | { readonly id: number }
  readonly at: string
  readonly dialect: string
  readonly clientIp: string
  readonly method: string
  /** The path, secret parts replaced by `[redacted]`. */
  readonly path: string
  /** Query and form parameters as sent, secret values replaced by `[redacted]`. */
  readonly params: Readonly<Record<string, string>>
  /** How it authenticated: `basic`, `token` or `none`, and as whom once known. */
  readonly credentials: string
  readonly userAgent: string
  /** What the request asked and what it took, per family and for the group's prefix. */
  readonly taken: { readonly ipv4: string; readonly ipv6: string; readonly prefix?: string }
  /** The result code the client got: `good`, `nochg`, `badauth`, `!yours`… */
  readonly result: string
  /** The answer as DynDNS2 words it (`good 203.0.113.7`); each dialect renders its own. */
  readonly reply: string
  /** Why a refusal happened; empty for `good` and `nochg`. */
  readonly reason: string
}

/** Where traces go (the store buffers them and writes in batches). */
export interface RequestTraceLog {
  note(traces: readonly RequestTrace[]): void
}

/** A stored trace, as the host page and the API read it. */
export interface StoredRequest extends Omit<RequestTrace, 'host'> {
  readonly id: number
}

/** The inspector's reads. */
export interface RequestReads {
  /** A host's latest requests, newest first (waiting ones written first). */
  recent(hostId: number, limit: number): Promise<StoredRequest[]>
}

const REASONS: Partial<Record<string, string>> = {
  '!yours': 'the credential may not change this host (another owner, token scope or limits)',
  nohost: 'no such host',
  notfqdn: 'not a valid host name',
  dnserr: 'saved, but DNS did not confirm in time; retrying',
}

/** The traces one request means, one per host it named (or the credential's host). */
export function tracesOf(
  intent: UpdateIntent,
  result: UpdateResult,
  principal: Principal | undefined,
  at: string,
): RequestTrace[] {
  const base = baseOf(intent, principal, at)
  if (result.kind === 'rejected') {
    const reply = result.code
    const reason = result.message.slice(0, 200)
    const hosts =
      intent.hostnames.length > 0
        ? intent.hostnames.slice(0, 20).map((fqdn) => ({ fqdn }))
        : principal?.hostId != null
          ? [{ id: principal.hostId }]
          : []
    return hosts.map((host) => ({ ...base, host, result: result.code, reply, reason }))
  }
  return result.outcomes.slice(0, 20).map((o) => {
    const addresses = [o.ipv4, o.ipv6].filter((a) => a !== undefined).join(',')
    return {
      ...base,
      host: { fqdn: o.fqdn ?? o.hostname },
      result: o.status,
      reply: addresses === '' ? o.status : `${o.status} ${addresses}`,
      reason: REASONS[o.status] ?? '',
    }
  })
}

function baseOf(
  intent: UpdateIntent,
  principal: Principal | undefined,
  at: string,
): Omit<RequestTrace, 'host' | 'result' | 'reply' | 'reason'> {
  const wire: RequestWire = intent.wire ?? { method: '', path: '', params: new Map() }
  const redacted = redactWire(wire, intent.credentials, principal?.userName)
  const who = principal === undefined ? '' : ` as ${principal.userName}`
  const prefix = intent.ipv6prefix && prefixTaken(intent.ipv6prefix, intent)
  return {
    at,
    dialect: intent.dialect.slice(0, 32),
    clientIp: intent.clientIp.text,
    method: wire.method,
    path: redacted.path,
    params: redacted.params,
    credentials: `${intent.credentials?.kind ?? 'none'}${who}`,
    userAgent: (intent.userAgent ?? '').slice(0, 200),
    taken: {
      ipv4: familyTaken(intent.ipv4, 4, intent),
      ipv6: familyTaken(intent.ipv6, 6, intent),
      ...(prefix === undefined ? {} : { prefix }),
    },
  }
}

// In words: what the request asked of one family, and where the address came from.
function familyTaken(wish: AddressWish, family: 4 | 6, intent: UpdateIntent): string {
  switch (wish.kind) {
    case 'keep':
      return 'not sent: kept'
    case 'auto':
      return intent.clientIp.family === family
        ? `${intent.clientIp.text} (the request's source address)`
        : `not sent: kept (the source address is IPv${String(intent.clientIp.family)})`
    case 'set':
      return wish.address.family === family ? wish.address.text : 'not sent: kept'
    case 'delete':
      return 'removed'
  }
}

function prefixTaken(wish: PrefixWish, intent: UpdateIntent): string {
  switch (wish.kind) {
    case 'set':
      return `${wish.prefix.text}/${String(wish.length)}`
    case 'auto':
      return intent.clientIp.family === 6
        ? `from ${intent.clientIp.text} (the request's source address)`
        : 'not taken: the source address is IPv4'
    case 'delete':
      return 'removed'
  }
}
