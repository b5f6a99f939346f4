/**
 * A zone's journal for incremental transfers (RFC 1995): for every serial step, the SOA
 * before the step and the RRsets the step touched as they were before it. Because RRsets are
 * immutable `PreparedRRset`s replaced whole, an entry holds references, not copies.
 *
 * Answers are condensed (RFC 1995 §5 allows it): from a client's serial to now, the journal
 * gives each touched RRset's content at that serial; comparing it with the current content
 * yields one difference sequence, however many steps lie between. Bounded by a number of
 * entries and an approximate byte size; the oldest entries go first, and a client older than
 * the journal gets a full zone (RFC 1995 §4).
 */
import type { PreparedRRset } from './prepared-rrset.ts'

/** One serial step: the SOA before it and the touched RRsets before it (null: absent). */
export interface JournalEntry {
  readonly fromSerial: number
  readonly toSerial: number
  readonly fromSoa: PreparedRRset
  readonly before: ReadonlyMap<string, PreparedRRset | null>
}

/** What changed since a serial: the SOA then, and each touched RRset as it was then. */
export interface JournalDelta {
  readonly fromSoa: PreparedRRset
  /** Key `owner type` → the RRset at the client's serial (null: it did not exist). */
  readonly before: ReadonlyMap<string, PreparedRRset | null>
}

/** Limits of one zone's journal. */
export interface JournalLimits {
  readonly maxEntries: number
  readonly maxBytes: number
}

/** Defaults: enough for a day of five-minute updates of a few hundred hosts. */
export const DEFAULT_JOURNAL_LIMITS: JournalLimits = { maxEntries: 1000, maxBytes: 4 << 20 }

/** The key of an RRset in `before` maps. */
export function rrsetKey(owner: string, type: number): string {
  return `${owner} ${String(type)}`
}

/** One zone's bounded journal. */
export class ZoneJournal {
  private entries: JournalEntry[] = []
  private bytes = 0

  constructor(private readonly limits: JournalLimits = DEFAULT_JOURNAL_LIMITS) {}

  /** Number of entries held. */
  get size(): number {
    return this.entries.length
  }

  /** Adds a step; a step that does not continue the last one starts the journal afresh. */
  record(entry: JournalEntry): void {
    const last = this.entries.at(-1)
    if (last !== undefined && last.toSerial !== entry.fromSerial) this.clear()
    this.entries.push(entry)
    this.bytes += entrySize(entry)
    while (
      this.entries.length > this.limits.maxEntries ||
      (this.bytes > this.limits.maxBytes && this.entries.length > 0)
    ) {
      const dropped = this.entries.shift()
      if (dropped !== undefined) this.bytes -= entrySize(dropped)
    }
  }

  /** Forgets every step (a zone reloaded from a source that cannot be diffed). */
  clear(): void {
    this.entries = []
    this.bytes = 0
  }

  /** The condensed change from `serial` to now; undefined when the journal does not reach it. */
  since(serial: number): JournalDelta | undefined {
    const start = this.entries.findIndex((e) => e.fromSerial === serial)
    const first = this.entries[start]
    if (first === undefined) return undefined
    const before = new Map<string, PreparedRRset | null>()
    // The earliest step that touched a key holds its content at `serial`.
    for (const entry of this.entries.slice(start)) {
      for (const [key, rrset] of entry.before) if (!before.has(key)) before.set(key, rrset)
    }
    return { fromSoa: first.fromSoa, before }
  }
}

function entrySize(entry: JournalEntry): number {
  let size = 64
  for (const [key, rrset] of entry.before) {
    size += key.length + 16
    if (rrset !== null) for (const r of rrset.records) size += r.length + rrset.ownerWire.length
  }
  return size
}
