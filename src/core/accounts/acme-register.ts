/**
 * acme-dns style registration: a signed-in user (account password, or an `all`-scope token)
 * gets a new `acme`-scoped token bound to one of their hosts. Registration is never open:
 * on a dynamic DNS server an anonymous `/register` would hand out names to anyone.
 *
 * The new token inherits the source ranges and expiry of a token that registers it, and must
 * be narrower than it (`credential-rights.ts`): a token limited to other hosts, or to record
 * types without TXT, cannot mint an ACME token at all.
 */
import type { AccountService } from './accounts.ts'
import { narrower, rightsOf, type CredentialRights } from '../auth/credential-rights.ts'
import { acmeName } from '../update/acme-txt.ts'
import type { IpAddress } from '../addresses/addresses.ts'
import type { CredentialGate, GateRefusal } from '../auth/credential-gate.ts'
import { parseName, type Fqdn } from '../names.ts'
import type { UpdateStore } from '../ports.ts'
import { err, ok, type Result } from '../result.ts'
import type { Credentials } from '../update/update-intent.ts'

/** A new ACME credential: the secret is shown once. */
export interface AcmeRegistration {
  readonly username: string
  readonly password: string
  readonly host: Fqdn
  readonly fulldomain: Fqdn
  /** The source ranges the new token is limited to (inherited); empty means none. */
  readonly allowfrom: readonly string[]
}

/** Why a registration was refused. */
export type AcmeRegisterError =
  | { readonly code: 'badauth' }
  /** Held by the credential gate (lockout or failure budget). */
  | Extract<GateRefusal, { readonly code: 'abuse' }>
  /** No host named and none implied by the credential. */
  | { readonly code: 'nohost'; readonly message: string }
  | { readonly code: '!yours'; readonly message: string }

/** Options of the registrar. */
export interface AcmeRegistrarOptions {
  /** The guarded credential check every door shares. */
  readonly gate: CredentialGate
  readonly store: Pick<UpdateStore, 'findHost' | 'findHostById'>
  readonly accounts: Pick<AccountService, 'createHostToken'>
}

/** Creates host-bound ACME credentials for authenticated users. */
export class AcmeRegistrar {
  readonly #options: AcmeRegistrarOptions

  constructor(options: AcmeRegistrarOptions) {
    this.#options = options
  }

  /** Registers an `acme` token for `hostname` (or the credential's own host). */
  async register(
    credentials: Credentials | null,
    hostname: string | undefined,
    source: IpAddress,
  ): Promise<Result<AcmeRegistration, AcmeRegisterError>> {
    if (credentials === null) return err({ code: 'badauth' })
    const checked = await this.#options.gate.check({ door: 'acme-register', credentials, source })
    if (!checked.ok) return checked
    const principal = checked.value
    // Only a full credential may mint others; an `acme` or `address` token may not.
    if ((principal.scope ?? 'all') !== 'all') return err({ code: 'badauth' })
    const host =
      hostname === undefined || hostname.trim() === ''
        ? principal.hostId == null
          ? undefined
          : await this.#options.store.findHostById(principal.hostId)
        : await this.#find(hostname)
    if (host === undefined) {
      return err({ code: 'nohost', message: 'name one of your hosts in "host"' })
    }
    if (!principal.isAdmin && host.ownerId !== principal.userId) {
      return err({ code: '!yours', message: `host "${host.fqdn}" is not yours` })
    }
    const parent = rightsOf(principal)
    const child: CredentialRights = {
      scope: 'acme',
      hostIds: [host.id],
      ...(parent.sources === undefined ? {} : { sources: parent.sources }),
      ...(parent.expiresAt === undefined ? {} : { expiresAt: parent.expiresAt }),
    }
    const narrow = narrower(child, parent)
    if (!narrow.ok) return err({ code: '!yours', message: narrow.error })
    const created = await this.#options.accounts.createHostToken(host.fqdn, {
      label: 'acme-dns',
      scope: 'acme',
      ...(child.sources === undefined ? {} : { sources: child.sources }),
      ...(child.expiresAt === undefined ? {} : { expiresAt: child.expiresAt }),
    })
    if (!created.ok) return err({ code: 'nohost', message: created.error.message })
    return ok({
      username: created.value.token.owner,
      password: created.value.secret,
      host: host.fqdn,
      fulldomain: acmeName(host.fqdn),
      allowfrom: (child.sources ?? []).map((c) => c.text),
    })
  }

  async #find(hostname: string) {
    const name = parseName(hostname)
    return name.ok ? this.#options.store.findHost(name.value) : undefined
  }
}
