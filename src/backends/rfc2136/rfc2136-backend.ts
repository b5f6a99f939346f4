/**
 * The `rfc2136` backend: publishes into a primary name server (BIND, Knot, PowerDNS, …) with
 * TSIG-signed RFC 2136 UPDATE messages, one message per change set, and reads the zone back
 * with a signed AXFR (RFC 5936).
 *
 * Concurrent writers: every RRset we replace or remove carries a prerequisite that it still
 * holds what we last wrote or read (RFC 2136 §2.4.2/§2.4.3), so a message never overwrites a
 * change it has not seen. When another writer got there first the server answers
 * YXRRSET/NXRRSET and nothing changes; we re-read the zone and report a retryable error, and
 * the publisher's retry makes the server match the database, which is the truth.
 */
import { readFileSync } from 'node:fs'
import type { Fqdn } from '../../core/names.ts'
import {
  RECORD_TYPES,
  type ChangeSet,
  type RecordSet,
  type RecordType,
  type ZoneSnapshot,
} from '../../core/records.ts'
import { err, ok, type Result } from '../../core/result.ts'
import { Flag, RRType } from '../../dns/constants.ts'
import { encodeQuery } from '../../dns/encode-query.ts'
import { encodeRdata } from '../../zone/record-value.ts'
import type { TsigKey } from '../../dns/tsig.ts'
import type { BackendError, DnsBackend } from '../backend.ts'
import type { BackendLogger, BackendZone } from '../define.ts'
import { signedExchange, signedTransfer, type ClientError, type ClientOptions } from './client.ts'
import { resolveKey, type ReadText, type Rfc2136Settings } from './settings.ts'
import {
  encodeUpdate,
  type RrsetChange,
  type RrsetRequired,
  type RrsetState,
} from './update-message.ts'
import { rcodeError } from './rcodes.ts'

/** Side effects the backend uses, replaceable in tests. */
export interface Rfc2136Deps {
  readonly logger: BackendLogger
  readonly readText?: ReadText
  /** Seconds since the epoch. */
  readonly now?: () => number
}

// Most RRsets and octets in one UPDATE. A whole-zone load or a backlog coalesced during an
// outage can hold thousands of RRsets, more than one DNS message carries (64 KiB over TCP);
// such a change goes out as several UPDATEs, each atomic on the server. Smaller messages also
// keep each of the server's journal writes short.
const MAX_RRSETS_PER_UPDATE = 500
const MAX_UPDATE_OCTETS = 32_000

/** A `DnsBackend` over RFC 2136 UPDATE + TSIG to one primary. */
export class Rfc2136Backend implements DnsBackend {
  readonly kind = 'rfc2136'
  #key: TsigKey | undefined
  // What the server holds, per `name type`, as far as we know (written or read by us).
  readonly #view = new Map<string, RrsetState | null>()

  constructor(
    private readonly zone: BackendZone,
    private readonly settings: Rfc2136Settings,
    private readonly deps: Rfc2136Deps,
  ) {}

  /** Start-up check (key accepted, server authoritative), then publishes the whole zone. */
  async load(snapshot: ZoneSnapshot, signal: AbortSignal): Promise<Result<void, BackendError>> {
    const client = this.#client()
    if (!client.ok) return client
    const soa = await signedExchange(
      client.value,
      (id) => fromWire(encodeQuery(this.zone.name, RRType.SOA, { id, edns: false })),
      signal,
    )
    if (!soa.ok) return err(clientError(soa.error, this.#where()))
    const { header } = soa.value
    if (header.rcode !== 0)
      return err(
        rcodeError(header.rcode, `SOA query for ${this.zone.name}${unsigned(soa.value.signed)}`),
      )
    if ((header.flags & Flag.AA) === 0 || !soa.value.answers.some((a) => a.type === RRType.SOA)) {
      return err({
        code: 'not-auth',
        retryable: false,
        message: `${this.#where()} is not authoritative for ${this.zone.name}`,
      })
    }
    const read = await this.read(this.zone.name, signal)
    if (!read.ok)
      this.deps.logger.warn(
        { zone: this.zone.name, error: read.error.message },
        'rfc2136: zone transfer failed, publishing without prerequisites',
      )
    return this.apply(
      { zone: this.zone.name, serial: snapshot.soa.serial, replace: snapshot.records, remove: [] },
      signal,
    )
  }

  /** Sends one UPDATE replacing and removing whole RRsets; nothing when DNS already matches. */
  apply(change: ChangeSet, signal: AbortSignal): Promise<Result<void, BackendError>> {
    return this.#apply(change, undefined, signal)
  }

  /**
   * As `apply`, each UPDATE also requiring that the zone's ownership marker holds exactly
   * `marker`'s values (RFC 2136 §2.4.2, "RRset exists (value dependent)"): a zone another
   * cluster claimed answers NXRRSET and nothing changes.
   */
  applyIfMarked(
    change: ChangeSet,
    marker: RecordSet,
    signal: AbortSignal,
  ): Promise<Result<void, BackendError>> {
    return this.#apply(change, marker, signal)
  }

  async #apply(
    change: ChangeSet,
    marker: RecordSet | undefined,
    signal: AbortSignal,
  ): Promise<Result<void, BackendError>> {
    const client = this.#client()
    if (!client.ok) return client
    const required = marker === undefined ? undefined : toState(marker)
    if (required !== undefined && !required.ok) return required
    const guard =
      marker === undefined || required === undefined
        ? undefined
        : { name: marker.name, type: marker.type, rdata: required.value.rdata }
    const changes: RrsetChange[] = []
    for (const set of change.replace) {
      const next = toState(set)
      if (!next.ok) return next
      changes.push({
        name: set.name,
        type: set.type,
        expect: this.#view.get(key(set)),
        next: next.value,
      })
    }
    for (const k of change.remove)
      changes.push({ name: k.name, type: k.type, expect: this.#view.get(key(k)), next: null })
    const needed = changes.filter((c) => !sameState(c.expect, c.next))
    const chunks = chunkUpdate(this.zone.name, needed)
    if (!chunks.ok) return err({ code: 'invalid-record', retryable: false, message: chunks.error })
    // In order; a failure stops here, and the retry skips what the view shows as done.
    for (const chunk of chunks.value) {
      const r = await this.#send(client.value, chunk, guard, signal)
      if (!r.ok) return r
    }
    return ok(undefined)
  }

  async #send(
    client: ClientOptions,
    needed: readonly RrsetChange[],
    guard: RrsetRequired | undefined,
    signal: AbortSignal,
  ): Promise<Result<void, BackendError>> {
    const reply = await signedExchange(
      client,
      (id) => encodeUpdate(this.zone.name, id, needed, guard === undefined ? [] : [guard]),
      signal,
    )
    if (!reply.ok) return err(clientError(reply.error, this.#where()))
    const rcode = reply.value.header.rcode
    if (rcode === 7 || rcode === 8) {
      this.#view.clear()
      const fresh = await this.read(this.zone.name, signal)
      // The marker moved (another cluster claimed the zone): not a race to retry.
      if (guard !== undefined && !(fresh.ok && holdsRequired(fresh.value, guard)))
        return err({
          code: 'not-owner',
          retryable: false,
          message: `${guard.name} TXT no longer names this dynzone cluster; nothing was changed`,
        })
      const again = fresh.ok
        ? 'the next retry uses what it holds now'
        : 'the zone could not be re-read'
      return err({
        code: 'refused',
        retryable: true,
        message: `another writer changed ${described(needed)} since dynzone last wrote it; ${again}`,
      })
    }
    if (rcode !== 0)
      return err(rcodeError(rcode, `UPDATE of ${this.zone.name}${unsigned(reply.value.signed)}`))
    for (const c of needed) this.#view.set(key(c), c.next)
    return ok(undefined)
  }

  /** The zone's managed RRsets (SOA excluded) by a signed AXFR. */
  async read(zone: Fqdn, signal: AbortSignal): Promise<Result<RecordSet[], BackendError>> {
    const client = this.#client()
    if (!client.ok) return client
    const records = await signedTransfer(
      client.value,
      (id) => fromWire(encodeQuery(zone, RRType.AXFR, { id, edns: false })),
      signal,
    )
    if (!records.ok) return err(clientError(records.error, this.#where()))
    const sets = new Map<string, { name: Fqdn; type: RecordType; ttl: number; values: string[] }>()
    for (const rr of records.value) {
      const type = RECORD_TYPES.find((t) => RRType[t] === rr.type)
      if (type === undefined) continue
      const name = rr.name.toLowerCase() as Fqdn
      const k = `${name} ${type}`
      const set = sets.get(k) ?? { name, type, ttl: rr.ttl, values: [] }
      set.values.push(rr.data)
      sets.set(k, set)
    }
    if (zone === this.zone.name) {
      this.#view.clear()
      for (const [k, set] of sets) {
        const state = toState(set)
        if (state.ok) this.#view.set(k, state.value)
      }
    }
    return ok([...sets.values()])
  }

  /** No sockets stay open between exchanges. */
  close(): Promise<void> {
    return Promise.resolve()
  }

  #client(): Result<ClientOptions, BackendError> {
    if (this.#key === undefined) {
      const key = resolveKey(this.settings, this.deps.readText ?? ((p) => readFileSync(p, 'utf8')))
      if (!key.ok) return err({ code: 'bad-tsig', retryable: false, message: key.error })
      this.#key = key.value
    }
    return ok({
      host: this.settings.server,
      port: this.settings.port,
      timeoutMs: this.settings.timeout_ms,
      tcp: this.settings.tcp,
      key: this.#key,
      now: this.deps.now ?? (() => Date.now() / 1000),
    })
  }

  #where(): string {
    return `${this.settings.server}:${this.settings.port}`
  }
}

/** Splits RRset changes into UPDATE-sized groups, in order (halving until each one fits). */
export function chunkUpdate(
  zone: Fqdn,
  changes: readonly RrsetChange[],
): Result<RrsetChange[][], string> {
  const out: RrsetChange[][] = []
  const split = (part: readonly RrsetChange[]): Result<void, string> => {
    if (part.length === 0) return ok(undefined)
    const fits = part.length <= MAX_RRSETS_PER_UPDATE
    const encoded = fits || part.length === 1 ? encodeUpdate(zone, 0, part) : undefined
    if (encoded !== undefined && !encoded.ok) return encoded
    // One RRset always goes alone, however large (the encoder refuses what cannot fit).
    if (encoded !== undefined && (part.length === 1 || encoded.value.length <= MAX_UPDATE_OCTETS)) {
      out.push([...part])
      return ok(undefined)
    }
    const half = Math.ceil(part.length / 2)
    const first = split(part.slice(0, half))
    return first.ok ? split(part.slice(half)) : first
  }
  const r = split(changes)
  return r.ok ? ok(out) : r
}

function described(changes: readonly RrsetChange[]): string {
  const named = changes.slice(0, 5).map((c) => `${c.name} ${c.type}`)
  const more = changes.length > 5 ? ` and ${String(changes.length - 5)} more` : ''
  return named.join(', ') + more
}

function unsigned(signed: boolean): string {
  return signed ? '' : ' (unsigned reply)'
}

function key(k: { name: string; type: string }): string {
  return `${k.name} ${k.type}`
}

function toState(
  set: Omit<RecordSet, 'values'> & { values: readonly string[] },
): Result<RrsetState, BackendError> {
  const rdata: Buffer[] = []
  for (const v of set.values) {
    const r = encodeRdata(set.type, v)
    if (!r.ok)
      return err({
        code: 'invalid-record',
        retryable: false,
        message: `${set.name} ${set.type}: ${r.error.message}`,
      })
    rdata.push(r.value)
  }
  rdata.sort((a, b) => Buffer.compare(a, b))
  return ok({
    ttl: set.ttl,
    rdata: rdata.filter((b, i) => i === 0 || !b.equals(rdata[i - 1] ?? Buffer.alloc(0))),
  })
}

// True when `held` has the RRset `required` names with exactly its values (TTL aside).
function holdsRequired(held: readonly RecordSet[], required: RrsetRequired): boolean {
  const name = required.name.toLowerCase()
  const set = held.find((s) => s.type === required.type && s.name.toLowerCase() === name)
  const state = set === undefined ? undefined : toState(set)
  return state?.ok === true && sameState(state.value, { ttl: 0, rdata: required.rdata }, false)
}

function sameState(a: RrsetState | null | undefined, b: RrsetState | null, ttl = true): boolean {
  if (a === undefined) return false
  if (a === null || b === null) return a === b
  return (
    (!ttl || a.ttl === b.ttl) &&
    a.rdata.length === b.rdata.length &&
    a.rdata.every((r, i) => r.equals(b.rdata[i] ?? Buffer.alloc(0)))
  )
}

function fromWire(r: Result<Buffer, { message: string }>): Result<Buffer, string> {
  return r.ok ? r : err(r.error.message)
}

function clientError(e: ClientError, where: string): BackendError {
  switch (e.code) {
    case 'timeout':
      return { code: 'timeout', retryable: true, message: e.message }
    case 'unavailable':
      return { code: 'unavailable', retryable: true, message: e.message }
    case 'bad-tsig':
      return { code: 'bad-tsig', retryable: false, message: `${where}: ${e.message}` }
    case 'bad-reply':
      return { code: 'unavailable', retryable: true, message: `${where}: ${e.message}` }
  }
}
