/**
 * Resync of one zone: read back what the backend holds, diff the managed RRsets against the
 * store (drift.ts), and apply the repair as one change set. It runs in the zone's exclusive
 * turn of the publisher, and reads the store inside that turn: a change committed before the
 * read is in the repair (and its queued push re-applies the same RRsets, harmlessly); one
 * committed after it is pushed after the repair. So a repair never undoes a newer change.
 * With an `owner` check (ownership.ts), nothing is written into a zone another cluster marked
 * as its own, and a zone without a marker gets this cluster's with the repair.
 */
import type { DnsBackend } from '../backends/backend.ts'
import type { Fqdn } from '../core/names.ts'
import type { RecordSet } from '../core/records.ts'
import { err, ok, type Result } from '../core/result.ts'
import { diffZone, managedKeys, type Drift } from './drift.ts'
import type { Publisher, PublisherLogger, PublisherObserver } from './publisher.ts'

/** What the store wants a zone to hold, read at one serial. */
export interface DesiredZone {
  readonly serial: number
  readonly records: readonly RecordSet[]
  /** Every host name of the zone, with or without records. */
  readonly hosts: readonly Fqdn[]
}

/** What one resync found and did. */
export interface ResyncReport {
  readonly zone: Fqdn
  readonly serial: number
  readonly drift: readonly Drift[]
}

/** The zone's ownership marker, judged on what was read back (ZoneOwnership, bound to a zone). */
export interface OwnerCheck {
  /** The marker RRset to write along, none when it is ours already, or why not to write. */
  judge(held: readonly RecordSet[]): Promise<Result<RecordSet | undefined, string>>
  /** The marker written (or found ours). */
  settled(wrote: RecordSet | undefined, held: readonly RecordSet[]): Promise<void>
}

/** Inputs of one resync. */
export interface ResyncOptions {
  readonly zone: Fqdn
  readonly backend: DnsBackend
  readonly publisher: Publisher
  readonly desired: () => Promise<DesiredZone>
  /** Host names seen earlier in this process; grows, so a deleted host's records go too. */
  readonly known: Set<Fqdn>
  /**
   * Owners the backend holds that count as host names for this resync only, for a backend
   * that holds nothing dynzone did not put there (the built-in index): a deleted host's
   * records are then found without remembering every host name seen.
   */
  readonly heldHosts?: (held: readonly RecordSet[]) => Iterable<Fqdn>
  /**
   * `name type` of every RRset the store wanted earlier in this process; grows, so a deleted
   * static RRset is removed from a backend that also holds records dynzone did not write.
   */
  readonly knownKeys?: Set<string>
  readonly logger: PublisherLogger
  readonly observer?: PublisherObserver
  /** False when the differences are expected (following a CLI change): logged, not counted. */
  readonly countDrift: boolean
  readonly owner?: OwnerCheck
}

/** Reads back, diffs and repairs one zone; the error says which step failed. */
export function resyncZone(o: ResyncOptions): Promise<Result<ResyncReport, string>> {
  const { zone, backend } = o
  const read = backend.read?.bind(backend)
  if (read === undefined) return Promise.resolve(err(`${backend.kind} backend cannot read back`))
  return o.publisher.exclusive(zone, async (signal) => {
    const desired = await o.desired()
    for (const host of desired.hosts) o.known.add(host)
    const held = await read(zone, signal)
    if (!held.ok) return err(`${backend.kind} backend: reading back failed: ${held.error.message}`)
    const marker = o.owner === undefined ? ok(undefined) : await o.owner.judge(held.value)
    if (!marker.ok) return marker
    const heldHosts = o.heldHosts === undefined ? [] : [...o.heldHosts(held.value)]
    const managed = managedKeys(both(o.known, heldHosts), desired.records)
    for (const key of o.knownKeys ?? []) managed.add(key)
    // A backend that holds only what dynzone wrote: every RRset it holds at those names is
    // dynzone's (a deleted static RRset too).
    if (o.heldHosts !== undefined)
      for (const key of heldKeys(heldHosts, held.value)) managed.add(key)
    for (const set of desired.records) o.knownKeys?.add(`${set.name} ${set.type}`)
    const repair = diffZone(zone, desired.serial, desired.records, held.value, managed)
    if (repair.drift.length > 0 || marker.value !== undefined) {
      const { change } = repair
      const replace =
        marker.value === undefined ? change.replace : [...change.replace, marker.value]
      const applied = await backend.apply({ ...change, replace }, signal)
      if (!applied.ok)
        return err(`${backend.kind} backend: repair failed: ${applied.error.message}`)
    }
    await o.owner?.settled(marker.value, held.value)
    o.publisher.markLoaded(zone, desired.serial)
    for (const d of repair.drift) {
      const fields = { zone, backend: backend.kind, name: d.name, type: d.type, kind: d.kind }
      const values = { held: d.held, wanted: d.wanted }
      if (o.countDrift) o.logger.warn({ ...fields, ...values }, 'drift repaired')
      else o.logger.info({ ...fields, ...values }, 'synced from store')
    }
    if (o.countDrift && repair.drift.length > 0) o.observer?.drifted?.(zone, repair.drift.length)
    return ok({ zone, serial: desired.serial, drift: repair.drift })
  })
}

function* heldKeys(hosts: readonly Fqdn[], held: readonly RecordSet[]): Generator<string> {
  const names = new Set<string>(hosts)
  for (const set of held) {
    const name = set.name.toLowerCase()
    if (names.has(name)) yield `${name} ${set.type}`
  }
}

function* both(a: Iterable<Fqdn>, b: Iterable<Fqdn>): Generator<Fqdn> {
  yield* a
  yield* b
}

/** One line for the CLI and the log: what a resync did. */
export function describeResync(report: ResyncReport): string {
  const n = report.drift.length
  if (n === 0) return `in sync at serial ${String(report.serial)}`
  const list = report.drift.map((d) => `${d.name} ${d.type} (${d.kind})`).join(', ')
  return `repaired ${String(n)} RRset${n === 1 ? '' : 's'} at serial ${String(report.serial)}: ${list}`
}
