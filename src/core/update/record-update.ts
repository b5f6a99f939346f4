/**
 * Record-level updates (what an RFC 2136 UPDATE asks, already read off the wire): check the
 * prerequisites against the store (RFC 2136 §3.2), the key's grants (§3.3), apply the changes
 * in order to a copy of the names' RRsets (§3.4.2), then commit the difference with history
 * and a serial bump in one transaction and publish it, like every other writer.
 *
 * What dynzone manages by this path: A, AAAA and TXT at a host's own name, and TXT at
 * `_acme-challenge.<host>` (the same expiring values the HTTP ACME endpoints write). Other
 * names and types are refused; record TTLs are the host's (the TTL an UPDATE sends is ignored).
 * Every A and AAAA added passes the same address policy as an HTTP update (address-policy.ts).
 */
import { addTxt, liveTxt, parseTxtText, quoteTxt } from './acme-txt.ts'
import { parseIpOf } from '../addresses/addresses.ts'
import type { AddressPolicy } from '../addresses/address-policy.ts'
import { isInZone, type Fqdn } from '../names.ts'
import type {
  ChangePublisher,
  Clock,
  HostRecord,
  RecordStore,
  RecordWrite,
  UpdateContext,
} from '../ports.ts'
import type { RecordType } from '../records.ts'
import { err, ok, type Result } from '../result.ts'
import { grantAllows, type UpdatePrincipal } from './update-policy.ts'
import { readRecordState, type NameState } from './record-state.ts'

/** A prerequisite (RFC 2136 §2.4); types are mnemonics (`A`, `TXT`, `TYPE65`). */
export type Prerequisite =
  | { readonly kind: 'name-in-use'; readonly name: Fqdn }
  | { readonly kind: 'name-not-in-use'; readonly name: Fqdn }
  | { readonly kind: 'rrset-exists'; readonly name: Fqdn; readonly type: string }
  | { readonly kind: 'rrset-absent'; readonly name: Fqdn; readonly type: string }
  | {
      readonly kind: 'rrset-equals'
      readonly name: Fqdn
      readonly type: string
      readonly values: readonly string[]
    }

/** One change of the update section (RFC 2136 §2.5); values in presentation form. */
export type RecordChange =
  | { readonly kind: 'add'; readonly name: Fqdn; readonly type: string; readonly value: string }
  | { readonly kind: 'delete-rrset'; readonly name: Fqdn; readonly type: string }
  | { readonly kind: 'delete-name'; readonly name: Fqdn }
  | {
      readonly kind: 'delete-value'
      readonly name: Fqdn
      readonly type: string
      readonly value: string
    }

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
}

/** Record types the UPDATE path may write at a host's own name. */
export const HOST_UPDATE_TYPES: readonly RecordType[] = ['A', 'AAAA', 'TXT']

/** Runs record-level updates. */
export class RecordUpdateService {
  readonly #options: RecordUpdateServiceOptions

  constructor(options: RecordUpdateServiceOptions) {
    this.#options = options
  }

  /** Applies one update all or nothing; `changed` is false when nothing needed to change. */
  async update(u: RecordUpdate): Promise<Result<{ changed: boolean }, RecordUpdateError>> {
    if (!this.#options.store.zoneNames().includes(u.zone)) {
      return fail('notauth', `zone ${u.zone} is not served here`)
    }
    const names = [...u.prerequisites, ...u.changes].map((x) => x.name)
    const outside = [...u.prerequisites, ...u.changes].find((x) => !isInZone(x.name, u.zone))
    if (outside !== undefined) {
      return err({
        code: 'notzone',
        message: `${outside.name} is outside zone ${u.zone}`,
        name: outside.name,
        ...('type' in outside ? { type: outside.type } : {}),
      })
    }
    const now = this.#options.clock.now()
    const state = await readRecordState(this.#options.store, u.zone, names, now)
    for (const p of u.prerequisites) {
      const failed = checkPrerequisite(p, state.get(p.name))
      if (failed !== undefined) {
        return err({ ...failed, name: p.name, ...('type' in p ? { type: p.type } : {}) })
      }
    }
    const denied = this.#permission(u, state)
    if (denied !== undefined) return err(denied)
    const next = new Map([...state].map(([name, s]) => [name, cloneState(s)]))
    for (const change of u.changes) this.#apply(change, next.get(change.name), now)
    const writes = diff(state, next)
    if (writes.length === 0) return ok({ changed: false })
    const context: UpdateContext = {
      dialect: u.dialect,
      clientIp: u.clientIp,
      actor: `key ${u.principal.keyName}`,
      at: now.toISOString(),
    }
    const changes = await this.#options.store.commitRecords(writes, context)
    if (changes.length > 0) {
      const published = await this.#options.publisher.publish(
        changes,
        this.#options.answerDeadlineMs,
      )
      if (!published.ok) {
        return fail('servfail', `saved, but DNS is not updated yet: ${published.error.message}`)
      }
    }
    return ok({ changed: true })
  }

  #permission(u: RecordUpdate, state: ReadonlyMap<Fqdn, NameState>): RecordUpdateError | undefined {
    for (const c of u.changes) {
      const s = state.get(c.name)
      const types = c.kind === 'delete-name' ? [...(s?.rrsets.keys() ?? [])] : [c.type]
      const refused = types.find((t) => !grantAllows(u.principal, c.name, t))
      if (refused !== undefined) {
        return {
          code: 'refused',
          message: `key ${u.principal.keyName} may not change ${refused} at ${c.name}`,
          name: c.name,
          type: refused,
        }
      }
      if (c.kind === 'delete-name' || c.kind === 'delete-rrset') continue
      if (s === undefined || s.kind === 'other') {
        return {
          code: 'refused',
          message: `${c.name} is not a dynzone host (add it with \`dynzone host add\`)`,
          name: c.name,
          type: c.type,
        }
      }
      if (s.kind === 'acme' && c.kind === 'add' && acmeText(c.value) === undefined) {
        return {
          code: 'refused',
          message: `${c.name}: an ACME TXT value is one string of printable ASCII`,
          name: c.name,
          type: c.type,
        }
      }
      if (s.kind === 'acme' ? c.type !== 'TXT' : !HOST_UPDATE_TYPES.some((t) => t === c.type)) {
        return {
          code: 'refused',
          message: `${c.type} records at ${c.name} are not managed by UPDATE`,
          name: c.name,
          type: c.type,
        }
      }
      const bad = c.kind === 'add' ? this.#addressRefusal(c.name, c.type, c.value) : undefined
      if (bad !== undefined) return { code: 'refused', message: bad, name: c.name, type: c.type }
    }
    return undefined
  }

  // An A or AAAA value of its own family that the zone's address policy accepts.
  #addressRefusal(name: Fqdn, type: string, value: string): string | undefined {
    if (type !== 'A' && type !== 'AAAA') return undefined
    const ip = parseIpOf(value, type === 'A' ? 4 : 6)
    if (!ip.ok) return `${name} ${type}: ${ip.error.message}`
    return this.#options.addressPolicy.refusal(name, this.#options.store.zoneNames(), ip.value)
  }

  #apply(change: RecordChange, s: NameState | undefined, now: Date): void {
    if (s === undefined || s.kind === 'other') return
    switch (change.kind) {
      case 'add': {
        if (s.kind === 'acme') {
          const ttl = this.#options.txtTtlSeconds ?? 3600
          const expires = new Date(now.getTime() + ttl * 1000).toISOString()
          s.acme = addTxt(liveTxt(s.acme, now), acmeText(change.value) ?? '', expires)
          s.rrsets.set(
            'TXT',
            s.acme.map((v) => quoteTxt(v.value)),
          )
          return
        }
        const values = s.rrsets.get(change.type) ?? []
        if (!values.includes(change.value)) s.rrsets.set(change.type, [...values, change.value])
        return
      }
      case 'delete-rrset':
        s.rrsets.delete(change.type)
        if (s.kind === 'acme' && change.type === 'TXT') s.acme = []
        return
      case 'delete-name':
        s.rrsets.clear()
        if (s.kind === 'acme') s.acme = []
        return
      case 'delete-value': {
        const values = (s.rrsets.get(change.type) ?? []).filter((v) => v !== change.value)
        if (values.length > 0) s.rrsets.set(change.type, values)
        else s.rrsets.delete(change.type)
        if (s.kind === 'acme' && change.type === 'TXT') {
          s.acme = s.acme.filter((v) => quoteTxt(v.value) !== change.value)
        }
        return
      }
    }
  }
}

// RFC 2136 §3.2.5: the rcode of the first prerequisite that does not hold.
function checkPrerequisite(
  p: Prerequisite,
  s: NameState | undefined,
): RecordUpdateError | undefined {
  const rrsets = s?.rrsets ?? new Map<string, string[]>()
  switch (p.kind) {
    case 'name-in-use':
      return rrsets.size > 0 ? undefined : { code: 'nxdomain', message: `${p.name} has no records` }
    case 'name-not-in-use':
      return rrsets.size === 0 ? undefined : { code: 'yxdomain', message: `${p.name} has records` }
    case 'rrset-exists':
      return rrsets.has(p.type)
        ? undefined
        : { code: 'nxrrset', message: `no ${p.type} at ${p.name}` }
    case 'rrset-absent':
      return rrsets.has(p.type)
        ? { code: 'yxrrset', message: `${p.type} exists at ${p.name}` }
        : undefined
    case 'rrset-equals': {
      const have = [...new Set(rrsets.get(p.type) ?? [])].sort()
      const want = [...new Set(p.values)].sort()
      const same = have.length === want.length && have.every((v, i) => v === want[i])
      return same ? undefined : { code: 'nxrrset', message: `${p.type} at ${p.name} differs` }
    }
  }
}

function cloneState(s: NameState): NameState {
  return { ...s, rrsets: new Map(s.rrsets), acme: [...s.acme] }
}

// The RRsets whose values changed, as writes for the store.
function diff(
  before: ReadonlyMap<Fqdn, NameState>,
  after: ReadonlyMap<Fqdn, NameState>,
): RecordWrite[] {
  const writes: RecordWrite[] = []
  for (const [name, next] of after) {
    const prev = before.get(name)
    if (prev === undefined || next.host === undefined) continue
    const host: HostRecord = next.host
    if (next.kind === 'acme') {
      const a = prev.acme
        .map((v) => `${v.value} ${v.expiresAt}`)
        .sort()
        .join('\n')
      const b = next.acme
        .map((v) => `${v.value} ${v.expiresAt}`)
        .sort()
        .join('\n')
      if (a !== b) writes.push({ kind: 'acme', host, values: next.acme })
      continue
    }
    for (const type of HOST_UPDATE_TYPES) {
      const a = prev.rrsets.get(type) ?? []
      const b = next.rrsets.get(type) ?? []
      if (a.length !== b.length || a.some((v, i) => v !== b[i])) {
        writes.push({ kind: 'host', host, type, values: b })
      }
    }
  }
  return writes
}

// One quoted TXT string back to its text, when it is a valid ACME value (else undefined).
function acmeText(value: string): string | undefined {
  const m = /^"((?:[^"\\]|\\["\\])*)"$/.exec(value)
  const text = m?.[1]?.replace(/\\(.)/g, '$1')
  return text !== undefined && parseTxtText(text).ok ? text : undefined
}

function fail(code: RecordUpdateError['code'], message: string): Result<never, RecordUpdateError> {
  return err({ code, message })
}
