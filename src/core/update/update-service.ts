/**
 * The one update path every writer goes through: authenticate, resolve each hostname to a
 * host the principal may change, apply the dual-stack rules, commit changed records and
 * history in one transaction, then wait (bounded) for the publisher to make DNS match.
 *
 * Dual-stack rules: a family the client did not mention is kept; `auto` fills only the
 * family of the request's source address; a family is removed only on an explicit delete.
 * An update committed but not published in time answers `dnserr`: the desired state stays
 * and the publisher keeps trying, so the client's next ping is `nochg` once DNS catches up.
 */
import { addTxt, liveTxt, sameTxtValues, type TxtValue } from './acme-txt.ts'
import { intentRefusal, type AddressPolicy } from '../addresses/address-policy.ts'
import type { IpAddress } from '../addresses/addresses.ts'
import type { Principal } from '../auth/auth.ts'
import type { CredentialGate } from '../auth/credential-gate.ts'
import { parseName } from '../names.ts'
import type { ChangePublisher, Clock, HostWrite, Notifier, UpdateStore } from '../ports.ts'
import { checkPrefixLength, prefixGroupFor, reprefixGroup } from './prefix-update.ts'
import type { AbuseGuard } from '../rate-limit/rate-limit-guard.ts'
import { scopeAllows } from '../auth/token-scope.ts'
import { credentialRefusal, restrictionsAllow } from '../auth/token-restrictions.ts'
import { authFailureEvent, changeEvents, namedFamilies } from './update-notify.ts'
import { failuresOf, type UpdateFailureLog } from './update-failures.ts'
import { tracesOf, type RequestTraceLog } from './request-trace.ts'
import type {
  AddressWish,
  Credentials,
  HostOutcome,
  TxtWish,
  UpdateIntent,
  UpdateResult,
} from './update-intent.ts'

/** Options of the update service. */
export interface UpdateServiceOptions {
  readonly store: UpdateStore
  /** The guarded credential check (lockouts, failure budgets) every door shares. */
  readonly gate: CredentialGate
  readonly publisher: ChangePublisher
  readonly clock: Clock
  readonly maxHosts: number
  readonly answerDeadlineMs: number
  /** How long an ACME TXT value lives after it was last set (default one hour). */
  readonly txtTtlSeconds?: number
  /** Told of every change and of failed logins; never awaited. */
  readonly notifier?: Notifier
  /** Rate limits and lockouts (`rate-limit-guard.ts`); absent means none. */
  readonly guard?: AbuseGuard
  /** Which addresses each zone accepts (`address-policy.ts`); absent means any. */
  readonly addressPolicy?: AddressPolicy
  /** Where failed updates are kept per host (`update-failures.ts`); absent means nowhere. */
  readonly failures?: UpdateFailureLog
  /** The router inspector's log (`request-trace.ts`): every request, buffered; absent: none. */
  readonly requests?: RequestTraceLog
}

/** Runs update intents from every dialect. */
export class UpdateService {
  readonly #options: UpdateServiceOptions
  // Who each authenticated intent ran as, for the failure log's actor.
  readonly #principals = new WeakMap<UpdateIntent, Principal>()

  constructor(options: UpdateServiceOptions) {
    this.#options = options
  }

  /** Applies one intent and returns per-host outcomes or a request-level refusal. */
  async update(intent: UpdateIntent): Promise<UpdateResult> {
    const result = await this.#update(intent)
    // Every door ends here, so every request reaches the inspector, redacted in core.
    this.#options.requests?.note(
      tracesOf(
        intent,
        result,
        this.#principals.get(intent),
        this.#options.clock.now().toISOString(),
      ),
    )
    if (this.#options.failures === undefined || intent.credentials === null) return result
    const failed = failuresOf(intent, result, await this.#actor(intent, intent.credentials))
    if (failed.length > 0)
      await this.#options.failures.record(failed, this.#options.clock.now().toISOString())
    return result
  }

  // The user's name once authenticated; else the gate's subject, never the name as typed.
  async #actor(intent: UpdateIntent, credentials: Credentials): Promise<string> {
    const principal = this.#principals.get(intent)
    if (principal !== undefined) return principal.userName
    const subject = await this.#options.gate.subjectOf(credentials)
    return subject.startsWith('user:') ? subject.slice(5) : subject
  }

  async #update(intent: UpdateIntent): Promise<UpdateResult> {
    if (intent.credentials === null) return reject('badauth', 'no credentials')
    const guard = this.#options.guard
    const held = guard?.admit(intent)
    if (held !== undefined) return held
    const checked = await this.#options.gate.check({
      door: 'update',
      credentials: intent.credentials,
      source: intent.clientIp,
    })
    // The gate counted the failure (lockout, address and account budgets): not again here.
    if (!checked.ok && checked.error.code === 'abuse') {
      const { message, retryAfterSeconds } = checked.error
      return { kind: 'rejected', code: 'abuse', message, retryAfterSeconds }
    }
    if (!checked.ok) {
      this.#options.notifier?.authFailed(
        authFailureEvent(intent, this.#options.clock.now().toISOString()),
      )
      return reject('badauth', 'bad credentials')
    }
    const principal = checked.value
    this.#principals.set(intent, principal)
    // REST API tokens are no update credentials here: every dialect answers its own auth
    // failure. (A token used from outside its source ranges did not authenticate at all.)
    const refused = credentialRefusal(principal)
    if (refused !== undefined) return settle(guard, intent, principal, reject('badauth', refused))
    const limited = guard?.authenticated(intent, principal)
    if (limited !== undefined) return limited
    return settle(guard, intent, principal, await this.updateAs(principal, intent))
  }

  /** Applies one intent for a principal already authenticated (the REST API, the web UI). */
  async updateAs(principal: Principal, intent: UpdateIntent): Promise<UpdateResult> {
    if (intent.hostnames.length > this.#options.maxHosts) {
      return reject('numhost', `more than ${String(this.#options.maxHosts)} hostnames`)
    }
    const hostnames = await this.#defaultHostnames(intent, principal)
    if (hostnames.length === 0) return reject('notfqdn', 'no hostname given')
    const badPrefix = await checkPrefixLength(this.#options.store, hostnames, intent, principal)
    if (badPrefix !== undefined) return reject('badip', badPrefix)
    const policy = this.#options.addressPolicy
    const badAddress =
      policy && intentRefusal(policy, hostnames, this.#options.store.zoneNames(), intent)
    if (badAddress !== undefined) return reject('badip', badAddress)

    // Per host: the state as found and as it will be; a host named twice builds on its first plan.
    const writes = new Map<number, HostWrite>()
    const plans: HostOutcome[] = []
    for (const hostname of hostnames) {
      plans.push(await this.#plan(hostname, intent, principal, writes))
    }
    const all = [...writes.values()]
    // A renewed TXT expiry is written too, though DNS does not change (the store decides).
    const changed = all.filter(
      (w) => w.ipv4 !== w.host.ipv4 || w.ipv6 !== w.host.ipv6 || w.txt !== undefined,
    )
    const unchanged = all.filter((w) => !changed.includes(w)).map((w) => w.host)
    let outcomes = plans
    if (all.length > 0) {
      const context = {
        dialect: intent.dialect,
        clientIp: intent.clientIp.text,
        actor:
          principal.tokenId === undefined
            ? principal.userName
            : `${principal.userName} (token ${String(principal.tokenId)})`,
        at: this.#options.clock.now().toISOString(),
      }
      const refreshed = new Map(all.map((w) => [w.host.id, namedFamilies(intent)]))
      const changes = await this.#options.store.commitUpdate(changed, unchanged, context, refreshed)
      // Every change is told; the notifier weighs the owner's choice and `notify_change=1`.
      const requested = intent.notifyChange === true
      for (const event of changeEvents(changed, context, requested))
        this.#options.notifier?.changed(event)
      if (changes.length > 0) {
        const published = await this.#options.publisher.publish(
          changes,
          this.#options.answerDeadlineMs,
        )
        if (!published.ok) {
          outcomes = outcomes.map((o) => (o.status === 'good' ? { ...o, status: 'dnserr' } : o))
        }
      }
    }
    return { kind: 'hosts', outcomes }
  }

  // A token bound to one host needs no hostname (secret URLs, `/register_ip`).
  async #defaultHostnames(intent: UpdateIntent, principal: Principal): Promise<readonly string[]> {
    if (intent.hostnames.length > 0 || principal.hostId == null) return intent.hostnames
    const fqdn = await this.#hostFqdnById(principal.hostId)
    return fqdn === undefined ? [] : [fqdn]
  }

  async #hostFqdnById(hostId: number): Promise<string | undefined> {
    return (await this.#options.store.findHostById(hostId))?.fqdn
  }

  async #plan(
    hostname: string,
    intent: UpdateIntent,
    principal: Principal,
    writes: Map<number, HostWrite>,
  ): Promise<HostOutcome> {
    const name = parseName(hostname)
    if (!name.ok) return { hostname, status: 'notfqdn' }
    const fqdn = name.value
    const found = await this.#options.store.findHost(fqdn)
    if (found === undefined) return { hostname, fqdn, status: 'nohost' }
    if (found.ownerId !== principal.userId && !principal.isAdmin) {
      return { hostname, fqdn, status: '!yours' }
    }
    if (principal.hostId != null && principal.hostId !== found.id) {
      return { hostname, fqdn, status: '!yours' }
    }
    // A scoped token answers as for a host it does not own: nothing about the host leaks.
    if (!scopeAllows(principal.scope ?? 'all', intent)) {
      return { hostname, fqdn, status: '!yours' }
    }
    // So does a host or record type outside a scoped token's limits.
    if (!restrictionsAllow(principal, found.id, intent)) {
      return { hostname, fqdn, status: '!yours' }
    }
    // A prefix for a group of another user's is refused like a host of theirs.
    const group = await prefixGroupFor(this.#options.store, found, intent, principal)
    if (group === 'refused') return { hostname, fqdn, status: '!yours' }
    const before = writes.get(found.id) ?? { host: found, ipv4: found.ipv4, ipv6: found.ipv6 }
    const ipv4 = resolve(intent.ipv4, before.ipv4, 4, intent.clientIp)
    const wished6 = resolve(intent.ipv6, before.ipv6, 6, intent.clientIp)
    const txt = this.#txt(intent.txt, before.txt ?? found.txt ?? [])
    writes.set(found.id, {
      host: found,
      ipv4,
      ipv6: wished6,
      ...(txt === undefined ? {} : { txt }),
    })
    // A group member's AAAA follows the group's prefix, and so do the other members'.
    const prefixed = group === undefined ? undefined : reprefixGroup(group, found, intent, writes)
    const ipv6 = prefixed === undefined ? wished6 : prefixed.ipv6
    // Against the stored state, so a host named twice answers the same twice (and both
    // become `dnserr` if publishing fails, instead of the second claiming `nochg`).
    const now = this.#options.clock.now()
    const txtChanged = txt !== undefined && !sameTxtValues(txt, liveTxt(found.txt ?? [], now))
    const changed =
      ipv4 !== found.ipv4 || ipv6 !== found.ipv6 || txtChanged || prefixed?.changed === true
    return {
      hostname,
      fqdn,
      status: changed ? 'good' : 'nochg',
      ...touched(intent, 4, ipv4),
      ...(prefixed === undefined || ipv6 === null ? touched(intent, 6, ipv6) : { ipv6 }),
      ...(txt === undefined ? {} : { txt: txt.map((v) => v.value) }),
    }
  }

  // The host's TXT values after the wish: expired ones dropped, one added or renewed, or none.
  #txt(wish: TxtWish | undefined, current: readonly TxtValue[]): TxtValue[] | undefined {
    if (wish === undefined) return undefined
    if (wish.kind === 'clear') return []
    const now = this.#options.clock.now()
    const ttl = this.#options.txtTtlSeconds ?? 3600
    return addTxt(
      liveTxt(current, now),
      wish.value,
      new Date(now.getTime() + ttl * 1000).toISOString(),
    )
  }
}

function resolve(
  wish: AddressWish,
  current: string | null,
  family: 4 | 6,
  client: IpAddress,
): string | null {
  switch (wish.kind) {
    case 'keep':
      return current
    case 'auto':
      return client.family === family ? client.text : current
    case 'set':
      return wish.address.family === family ? wish.address.text : current
    case 'delete':
      return null
  }
}

// Which families to report back: those the request set (or filled from its source address).
function touched(
  intent: UpdateIntent,
  family: 4 | 6,
  value: string | null,
): { ipv4?: string; ipv6?: string } {
  const wish = family === 4 ? intent.ipv4 : intent.ipv6
  const reported =
    wish.kind === 'set' || (wish.kind === 'auto' && intent.clientIp.family === family)
  if (!reported || value === null) return {}
  return family === 4 ? { ipv4: value } : { ipv6: value }
}

// Tells the guard what a request came to, and passes the result on.
function settle(
  guard: AbuseGuard | undefined,
  intent: UpdateIntent,
  principal: Principal | undefined,
  result: UpdateResult,
): UpdateResult {
  guard?.settled(intent, principal, result)
  return result
}

function reject(code: 'badauth' | 'numhost' | 'notfqdn' | 'badip', message: string): UpdateResult {
  return { kind: 'rejected', code, message }
}
