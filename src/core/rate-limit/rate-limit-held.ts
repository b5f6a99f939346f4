/**
 * The per-key bookkeeping of shared rate-limit counters (src/core/rate-limit/rate-limit-shared.ts): for
 * each key its two fixed windows, each split into what the store last said (`shared`), what
 * was counted here and not yet sent (`pending`) and what a write under way carries
 * (`sending`), so a count is in exactly one place and is never lost or sent twice, whatever
 * the write's outcome. Keys are capped like the in-memory counters (least recently used
 * evicted first, `lru-cache`); counts of evicted keys and of windows rolled away are still sent.
 * Only counting moves a key up; the bookkeeping reads (`peek`) leave the order as it is.
 */
import type { LRUCache } from 'lru-cache'
import { lru } from '../lru.ts'
import type { WindowState } from './rate-limit.ts'

/** Events counted for one key in one fixed window. */
export interface CounterCell {
  readonly key: string
  readonly windowMs: number
  /** Start (ms since the epoch) of the fixed window. */
  readonly start: number
  readonly hits: number
}

/** Counts on their way to the store, with the key whose cell settles when the write ends. */
export interface Outgoing {
  /** Undefined for counts of keys or windows no longer held. */
  readonly key: string | undefined
  readonly cell: CounterCell
}

interface Cell {
  shared: number
  pending: number
  sending: number
}

interface Entry {
  readonly windowMs: number
  start: number
  previous: Cell
  current: Cell
  touched: boolean
}

/** Per-key window counts of one instance, split by where they stand with the store. */
export class HeldCounts {
  readonly #entries: LRUCache<string, Entry>
  readonly #maxEntries: number
  #orphans: CounterCell[] = []

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries
    this.#entries = lru(maxEntries, {
      // An evicted key's unsent counts are kept to be sent.
      dispose: (e, key, reason) => {
        if (reason === 'evict') this.#orphanPending(key, e, 2)
      },
    })
  }

  /** How many keys are held. */
  get size(): number {
    return this.#entries.size
  }

  /** The key's counts (store's, pending, sending) at `nowMs`; marks it for read-back. */
  state(key: string, windowMs: number, nowMs: number): WindowState {
    const e = this.#touch(key, windowMs, nowMs)
    return { start: e.start, previous: total(e.previous), current: total(e.current) }
  }

  /** Counts one event here. */
  count(key: string, windowMs: number, nowMs: number): void {
    this.#touch(key, windowMs, nowMs).current.pending++
  }

  /** Drops keys idle for two windows with nothing unsent; returns how many. */
  sweep(nowMs: number): number {
    // Oldest first, as counted; collected first, as the cache is not changed while walked.
    const idle: string[] = []
    this.#entries.rforEach((e, key) => {
      if (e.start + 2 * e.windowMs <= nowMs && unsent(e) === 0) idle.push(key)
    })
    for (const key of idle) this.#entries.delete(key)
    return idle.length
  }

  /** Moves every pending count into `sending` and returns it. */
  takePending(): Outgoing[] {
    const out: Outgoing[] = this.#orphans.map((cell) => ({ cell, key: undefined }))
    this.#orphans = []
    this.#entries.rforEach((e, key) => {
      for (const [c, start] of windows(e)) {
        if (c.pending === 0) continue
        out.push({ key, cell: { key, windowMs: e.windowMs, start, hits: c.pending } })
        c.sending += c.pending
        c.pending = 0
      }
    })
    return out
  }

  /** After a write: sent counts become the store's, or pending again when it failed. */
  settle(outgoing: readonly Outgoing[], written: boolean): void {
    for (const o of outgoing) {
      const c = o.key === undefined ? undefined : this.#cellOf(o.key, o.cell.start)
      if (c === undefined) {
        if (!written) this.#orphan(o.cell)
        continue
      }
      c.sending -= o.cell.hits
      if (written) c.shared += o.cell.hits
      else c.pending += o.cell.hits
    }
  }

  /** The keys used since the last call, rolled to the windows of `nowMs`. */
  takeTouched(nowMs: number): string[] {
    const keys: string[] = []
    this.#entries.rforEach((e, key) => {
      if (!e.touched) return
      keys.push(key)
      e.touched = false
      // Rolled now, so a window that began since the key's last use is read back too.
      this.#roll(key, e, windowStart(nowMs, e.windowMs))
    })
    return keys
  }

  /** Marks keys for the next read-back again (a failed sync). */
  markTouched(keys: readonly string[]): void {
    for (const k of keys) {
      const e = this.#entries.peek(k)
      if (e !== undefined) e.touched = true
    }
  }

  /** The start of the oldest window any of `keys` still counts (its previous one). */
  earliestStart(keys: readonly string[]): number {
    let since = Number.MAX_SAFE_INTEGER
    for (const k of keys) {
      const e = this.#entries.peek(k)
      if (e !== undefined) since = Math.min(since, e.start - e.windowMs)
    }
    return since
  }

  /** The store's totals replace what was shared; a window without a row has none there. */
  apply(keys: readonly string[], rows: readonly CounterCell[]): void {
    const found = new Map(rows.map((r) => [`${r.key} ${String(r.start)}`, r]))
    for (const key of keys) {
      const e = this.#entries.peek(key)
      if (e === undefined) continue
      for (const [c, start] of windows(e)) {
        const row = found.get(`${key} ${String(start)}`)
        c.shared = row?.windowMs === e.windowMs ? row.hits : 0
      }
    }
  }

  #cellOf(key: string, start: number): Cell | undefined {
    const e = this.#entries.peek(key)
    if (e === undefined) return undefined
    if (e.start === start) return e.current
    return e.start - e.windowMs === start ? e.previous : undefined
  }

  // The key's entry, rolled to the window of `nowMs`, marked for the next read-back and
  // moved to the most recently used end.
  #touch(key: string, windowMs: number, nowMs: number): Entry {
    const start = windowStart(nowMs, windowMs)
    let e = this.#entries.get(key)
    if (e !== undefined && e.windowMs !== windowMs) {
      this.#orphanPending(key, e, 2)
      e = undefined
    }
    if (e === undefined) {
      e = { windowMs, start, previous: cell(), current: cell(), touched: true }
      this.#entries.set(key, e)
    } else {
      this.#roll(key, e, start)
    }
    e.touched = true
    return e
  }

  #roll(key: string, e: Entry, start: number): void {
    if (e.start === start) return
    const adjacent = e.start === start - e.windowMs
    this.#orphanPending(key, e, adjacent ? 1 : 2)
    e.previous = adjacent ? e.current : cell()
    e.current = cell()
    e.start = start
  }

  // The pending counts of the entry's first `count` windows (oldest first), kept to be sent.
  #orphanPending(key: string, e: Entry, count: 1 | 2): void {
    for (const [c, start] of windows(e).slice(0, count)) {
      if (c.pending > 0) this.#orphan({ key, windowMs: e.windowMs, start, hits: c.pending })
    }
  }

  // Bounded like the entries: under a flood of new keys the oldest unsent counts go.
  #orphan(c: CounterCell): void {
    if (this.#orphans.length >= this.#maxEntries) this.#orphans.shift()
    this.#orphans.push(c)
  }
}

// The entry's two windows with their starts, previous first.
function windows(e: Entry): readonly (readonly [Cell, number])[] {
  return [
    [e.previous, e.start - e.windowMs],
    [e.current, e.start],
  ]
}

function windowStart(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs) * windowMs
}

function cell(): Cell {
  return { shared: 0, pending: 0, sending: 0 }
}

function total(c: Cell): number {
  return c.shared + c.pending + c.sending
}

function unsent(e: Entry): number {
  return e.previous.pending + e.previous.sending + e.current.pending + e.current.sending
}
