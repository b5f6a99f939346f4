/**
 * Request budgets: at most `max` events per `window` for a key (a client address, an
 * account, a host), counted with a sliding window estimated from two fixed windows (the
 * previous window's count weighted by how much of it still overlaps). Two numbers per key,
 * so memory stays bounded: a sweep drops idle keys and a hard cap evicts the least recently
 * counted (`lru-cache`).
 *
 * The counters sit behind `WindowCounters` so several instances can later share them; the
 * clock is injected so tests step through windows without waiting.
 */
import ipaddr from 'ipaddr.js'
import type { LRUCache } from 'lru-cache'
import { lru } from '../lru.ts'
import type { IpAddress } from '../addresses/addresses.ts'
import type { Clock } from '../ports.ts'

/** A budget: at most `max` events in any `windowSeconds`. */
export interface Budget {
  readonly windowSeconds: number
  readonly max: number
}

/** The two fixed-window counts of one key. */
export interface WindowState {
  /** Start (ms) of the window `current` counts. */
  readonly start: number
  readonly previous: number
  readonly current: number
}

/** Where window counts live (in memory here; a shared store could implement it too). */
export interface WindowCounters {
  /** The counts of `key` for the fixed window that contains `nowMs`. */
  get(key: string, windowMs: number, nowMs: number): WindowState
  /** Counts one event for `key` at `nowMs`. */
  add(key: string, windowMs: number, nowMs: number): void
  /** Drops keys without events in their last two windows; returns how many. */
  sweep(nowMs: number): number
}

interface Entry {
  start: number
  previous: number
  current: number
  readonly windowMs: number
}

/** In-memory counters with a cap on the number of keys (least recently counted evicted first). */
export class MemoryWindowCounters implements WindowCounters {
  readonly #entries: LRUCache<string, Entry>

  constructor(maxEntries: number) {
    this.#entries = lru(maxEntries)
  }

  /** How many keys are held. */
  get size(): number {
    return this.#entries.size
  }

  get(key: string, windowMs: number, nowMs: number): WindowState {
    const start = Math.floor(nowMs / windowMs) * windowMs
    const e = this.#entries.peek(key)
    if (e === undefined) return { start, previous: 0, current: 0 }
    return roll(e, start)
  }

  add(key: string, windowMs: number, nowMs: number): void {
    const start = Math.floor(nowMs / windowMs) * windowMs
    const found = this.#entries.get(key)
    // The common case, counted in place: a key already counting in this window.
    if (found !== undefined && found.start === start) {
      found.current += 1
      return
    }
    const state = found === undefined ? { start, previous: 0, current: 0 } : roll(found, start)
    this.#entries.set(key, { ...state, current: state.current + 1, windowMs })
  }

  sweep(nowMs: number): number {
    // Oldest first, as counted; collected first, as the cache is not changed while walked.
    const idle: string[] = []
    this.#entries.rforEach((e, key) => {
      if (e.start + 2 * e.windowMs <= nowMs) idle.push(key)
    })
    for (const key of idle) this.#entries.delete(key)
    return idle.length
  }
}

function roll(e: Entry, start: number): WindowState {
  if (e.start === start) return { start, previous: e.previous, current: e.current }
  if (e.start === start - e.windowMs) return { start, previous: e.current, current: 0 }
  return { start, previous: 0, current: 0 }
}

/** One key checked against one budget. */
export interface Limited {
  readonly key: string
  readonly budget: Budget
}

/** Budgets over window counters with an injected clock. */
export class RateLimiter {
  readonly #counters: WindowCounters
  readonly #clock: Clock

  constructor(counters: WindowCounters, clock: Clock) {
    this.#counters = counters
    this.#clock = clock
  }

  /** Seconds to wait when any key is over its budget (the longest wait), else undefined. */
  check(limits: readonly Limited[]): number | undefined {
    const now = this.#clock.now().getTime()
    let wait: number | undefined
    for (const { key, budget } of limits) {
      const w = this.#waitMs(key, budget, now)
      if (w !== undefined && (wait === undefined || w > wait)) wait = w
    }
    return wait === undefined ? undefined : Math.max(1, Math.ceil(wait / 1000))
  }

  /** Counts one event against each key. */
  record(limits: readonly Limited[]): void {
    const now = this.#clock.now().getTime()
    for (const { key, budget } of limits) this.#counters.add(key, budget.windowSeconds * 1000, now)
  }

  /** Drops idle keys; returns how many. */
  sweep(): number {
    return this.#counters.sweep(this.#clock.now().getTime())
  }

  // How long until the sliding estimate falls below `max` again (undefined: it is below now).
  #waitMs(key: string, budget: Budget, now: number): number | undefined {
    const w = budget.windowSeconds * 1000
    const { start, previous, current } = this.#counters.get(key, w, now)
    const estimate = previous * (1 - (now - start) / w) + current
    if (estimate < budget.max) return undefined
    // This window alone is full: wait for the next one, then for enough of this one to fade.
    if (current >= budget.max) return start + w - now + w * (1 - budget.max / current) + 1
    return start + w * (1 - (budget.max - current) / previous) - now + 1
  }
}

/**
 * The rate-limit key of a client address: IPv4 as is, IPv6 by its /64 (one subscriber
 * gets a whole /64, so single IPv6 addresses cost an attacker nothing).
 */
export function sourceKey(address: IpAddress): string {
  if (address.family === 4) return address.text
  const parts = ipaddr.IPv6.parse(address.text).parts.slice(0, 4)
  const net = new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toRFC5952String()
  return `${net}/64`
}
