/**
 * Record-level updates (what an RFC 2136 UPDATE asks, already read off the wire): check the
 * prerequisites against the whole content at the names (RFC 2136 §3.2), the key's grants
 * (§3.3), apply the changes in order to a copy (§3.4.2, `zone-changes.ts`), then write the
 * difference and publish it, like every other writer.
 *
 * Two kinds of data, one zone: a host's own A, AAAA and TXT (and TXT at
 * `_acme-challenge.<host>`, the same expiring values the HTTP ACME endpoints write) stay
 * dynamic and go the host path (TTL the host's; the TTL an UPDATE sends is ignored there);
 * every other name and type is a static record, written through the zone record service
 * (`static-records.ts`), which checks the zone's rules and the backend's types. Static edits
 * are written first (they are what the rules can refuse), then the host writes; a refusal
 * leaves everything as it was. Every A and AAAA added passes the zone's address policy.
 */
import { acmeText, hostManaged, hostWrites, isRecordType, splitChanges } from './host-writes.ts'
import { parseIpOf } from '../addresses/addresses.ts'
import type { AddressPolicy } from '../addresses/address-policy.ts'
import { isInZone, type Fqdn } from '../names.ts'
import type { ChangePublisher, Clock, RecordStore, RecordWrite, UpdateContext } from '../ports.ts'
import { err, ok, type Result } from '../result.ts'
import { grantAllows, type UpdatePrincipal } from './update-policy.ts'
import { readRecordState, type NameState } from './record-state.ts'
import { checkPrerequisite, type Prerequisite } from './prerequisites.ts'
import type { StaticEdit, StaticRecordPort, StaticRefusal } from './static-records.ts'
import {
  applyZoneChanges,
  changedRRsets,
  copyState,
  type NameRRsets,
  type RRsetState,
  type ZoneChange,
} from './zone-changes.ts'

export type { Prerequisite } from './prerequisites.ts'

/** One change of the update section (RFC 2136 §2.5); values in canonical presentation form. */
export type RecordChange = ZoneChange

/** One record-level update request. */
export interface RecordUpdate {
  readonly zone: Fqdn
  readonly prerequisites: readonly Prerequisite[]
  readonly changes: readonly RecordChange[]
  readonly principal: UpdatePrincipal
  readonly dialect: string
  readonly clientIp: string
}

/** Why an update was not carried out; each code is one RFC 2136 rcode. */
export interface RecordUpdateError {
  readonly code:
    'nxdomain' | 'yxdomain' | 'nxrrset' | 'yxrrset' | 'refused' | 'notauth' | 'notzone' | 'servfail'
  readonly message: string
  /** The owner name and type the error is about, when it is about one record. */
  readonly name?: Fqdn
  readonly type?: string
}

/** Options of the record update service. */
export interface RecordUpdateServiceOptions {
  readonly store: RecordStore
  readonly publisher: ChangePublisher
  readonly clock: Clock
  readonly answerDeadlineMs: number
  /** Which addresses a zone takes: the one policy every writer applies. */
  readonly addressPolicy: AddressPolicy
  /** How long an `_acme-challenge` TXT value lives (as for the HTTP path; default one hour). */
  readonly txtTtlSeconds?: number
  /** The zone's static records; without, UPDATE changes hosts' records only. */
  readonly statics?: StaticRecordPort
}

/** What an UPDATE did: `changed` false when nothing needed to change; notes of ignored adds. */
export interface RecordUpdateResult {
  readonly changed: boolean
  readonly ignored: readonly string[]
}

/** Runs record-level updates. */
export class RecordUpdateService {
  readonly #options: RecordUpdateServiceOptions

  constructor(options: RecordUpdateServiceOptions) {
    this.#options = options
  }

  /** Applies one update all or nothing. */
  async update(u: RecordUpdate): Promise<Result<RecordUpdateResult, RecordUpdateError>> {
    if (!this.#options.store.zoneNames().includes(u.zone)) {
      return fail('notauth', `zone ${u.zone} is not served here`)
    }
    const mentioned = [...u.prerequisites, ...u.changes]
    const outside = mentioned.find((x) => !isInZone(x.name, u.zone))
    if (outside !== undefined) {
      return err({
        code: 'notzone',
        message: `${outside.name} is outside zone ${u.zone}`,
        name: outside.name,
        ...('type' in outside ? { type: outside.type } : {}),
      })
    }
    const names = mentioned.map((x) => x.name)
    const now = this.#options.clock.now()
    const hosts = await readRecordState(this.#options.store, u.zone, names, now)
    const before = await this.#content(u.zone, hosts)
    for (const p of u.prerequisites) {
      const failed = checkPrerequisite(p, before.get(p.name))
      if (failed !== undefined) {
        return err({ ...failed, name: p.name, ...('type' in p ? { type: p.type } : {}) })
      }
    }
    const denied = this.#permission(u, hosts, before)
    if (denied !== undefined) return err(denied)
    const after = copyState(before)
    const ignored = applyZoneChanges(u.zone, after, u.changes)
    const split = splitChanges(changedRRsets(before, after), hosts)
    const context: UpdateContext = {
      dialect: u.dialect,
      clientIp: u.clientIp,
      actor: `key ${u.principal.keyName}`,
      at: now.toISOString(),
    }
    const writes = hostWrites(
      split.host,
      hosts,
      u.changes,
      now,
      this.#options.txtTtlSeconds ?? 3600,
    )
    if (split.statics.length === 0 && writes.length === 0) return ok({ changed: false, ignored })
    if (split.statics.length > 0) {
      const statics = this.#options.statics
      if (statics === undefined) return fail('refused', 'static records are not writable here')
      const written = await statics.write(u.principal.keyName, u.zone, split.statics, context)
      if (!written.ok) return err(staticError(written.error, split.statics))
    }
    const published = await this.#commitHosts(writes, context)
    return published.ok ? ok({ changed: true, ignored }) : published
  }

  // Host records, static records and the apex SOA/NS at each name: what the RFC calls the zone.
  async #content(zone: Fqdn, hosts: ReadonlyMap<Fqdn, NameState>): Promise<Map<Fqdn, NameRRsets>> {
    const statics: ReadonlyMap<Fqdn, NameRRsets> =
      (await this.#options.statics?.read(zone, [...hosts.keys()])) ?? new Map()
    const content = new Map<Fqdn, NameRRsets>()
    for (const [name, s] of hosts) {
      const rrsets: NameRRsets = new Map()
      for (const [type, values] of s.rrsets) rrsets.set(type, { ttl: 0, values: [...values] })
      for (const [type, set] of statics.get(name) ?? new Map<string, RRsetState>()) {
        rrsets.set(type, { ttl: set.ttl, values: [...set.values] })
      }
      content.set(name, rrsets)
    }
    return content
  }

  async #commitHosts(
    writes: readonly RecordWrite[],
    context: UpdateContext,
  ): Promise<Result<void, RecordUpdateError>> {
    if (writes.length === 0) return ok(undefined)
    const changes = await this.#options.store.commitRecords(writes, context)
    if (changes.length === 0) return ok(undefined)
    const published = await this.#options.publisher.publish(changes, this.#options.answerDeadlineMs)
    return published.ok
      ? ok(undefined)
      : fail('servfail', `saved, but DNS is not updated yet: ${published.error.message}`)
  }

  #permission(
    u: RecordUpdate,
    hosts: ReadonlyMap<Fqdn, NameState>,
    content: ReadonlyMap<Fqdn, NameRRsets>,
  ): RecordUpdateError | undefined {
    for (const c of u.changes) {
      const at = content.get(c.name)
      const types = c.kind === 'delete-name' ? [...(at?.keys() ?? [])] : [c.type]
      const refused = types.find((t) => !grantAllows(u.principal, c.name, t))
      const about = { name: c.name, ...(c.kind === 'delete-name' ? {} : { type: c.type }) }
      if (refused !== undefined) {
        const message = `key ${u.principal.keyName} may not change ${refused} at ${c.name}`
        return { code: 'refused', message, ...about, type: refused }
      }
      if (c.kind !== 'add') continue
      const why = this.#addRefusal(c, hosts.get(c.name))
      if (why !== undefined) return { code: 'refused', message: why, ...about }
    }
    return undefined
  }

  // Why an added record cannot be taken, before the zone's rules see it.
  #addRefusal(
    c: Extract<RecordChange, { kind: 'add' }>,
    s: NameState | undefined,
  ): string | undefined {
    if (c.type === 'SOA') return `${c.name} SOA: the SOA comes from the config`
    if (!isRecordType(c.type)) return `${c.name} ${c.type}: not a record type a zone holds here`
    const managed = s !== undefined && hostManaged(s, c.type)
    if (!managed && this.#options.statics === undefined) {
      return `${c.name} is not a dynzone host (add it with \`dynzone host add\`)`
    }
    if (managed && s.kind === 'acme' && acmeText(c.value) === undefined) {
      return `${c.name}: an ACME TXT value is one string of printable ASCII`
    }
    return this.#addressRefusal(c.name, c.type, c.value)
  }

  // An A or AAAA value of its own family that the zone's address policy accepts.
  #addressRefusal(name: Fqdn, type: string, value: string): string | undefined {
    if (type !== 'A' && type !== 'AAAA') return undefined
    const ip = parseIpOf(value, type === 'A' ? 4 : 6)
    if (!ip.ok) return `${name} ${type}: ${ip.error.message}`
    return this.#options.addressPolicy.refusal(name, this.#options.store.zoneNames(), ip.value)
  }
}

// The service's error as an rcode, about the record its message names (`www.x. CNAME: …`),
// or the one record written.
function staticError(e: StaticRefusal, edits: readonly StaticEdit[]): RecordUpdateError {
  const named = /^(\S+?)\.? ([A-Z0-9]+): /.exec(e.message)
  const only = edits.length === 1 ? edits[0] : undefined
  const about =
    named?.[1] !== undefined && named[2] !== undefined
      ? { name: named[1] as Fqdn, type: named[2] }
      : only === undefined
        ? {}
        : { name: only.name, type: only.type }
  switch (e.code) {
    case 'not-served':
      return { code: 'notauth', message: e.message, ...about }
    case 'publish-failed':
      return { code: 'servfail', message: `saved, but DNS is not updated yet: ${e.message}` }
    case 'invalid':
    case 'forbidden':
    case 'not-found':
    case 'unsupported-type':
      return { code: 'refused', message: e.message, ...about }
  }
}

function fail(code: RecordUpdateError['code'], message: string): Result<never, RecordUpdateError> {
  return err({ code, message })
}
