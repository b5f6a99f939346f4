/**
 * The one bounded cache of the code base: `lru-cache` (least recently used entries go first),
 * with an expiry where entries expire. Every bounded map that clients can fill (caches, memos,
 * counters) is made here and holds at most `max` entries.
 *
 * `expireMs` is lru-cache's `ttl` read as "gone once this old" (lru-cache still serves an
 * entry exactly `ttl` old). The bound is lru-cache's `maxSize` with each entry of size 1, not
 * its `max`: with `max` it allocates its whole table up front (about 2.7 MB per 100,000
 * entries, some 19 MB over the default caps before the first request), where these caches
 * take memory as they fill, as the `Map`s they replaced did. RRL keeps plain `Map`s
 * (src/authoritative/answer/rrl.ts says why, with figures). A read costs a few ns more than a
 * `Map`'s (`npm run bench:caches`, 2026-12-07: parseName memo hit 14 → 19 ns, client-address
 * memo 17 → 29 ns, rate counter add 35 → 42 ns), nothing beside an update request's ~125 µs.
 */
import { LRUCache } from 'lru-cache'

/** A cache key. */
export type LruKey = string | number
/** A cached value (lru-cache holds no null or undefined). */
export type LruValue = object | string | number | boolean

/** What a cache may be told besides its bound. */
export interface LruOptions<K extends LruKey, V extends LruValue> {
  /** Entries this many milliseconds old (on `now`) are gone. */
  readonly expireMs?: number
  /** The clock of `expireMs` (default `performance.now`); tests inject theirs. */
  readonly now?: () => number
  /** Told of each entry that leaves (why: 'evict', 'set', 'delete', 'expire'). */
  readonly dispose?: LRUCache.Disposer<K, V>
}

/** A least-recently-used cache of at most `max` entries (`max` ≥ 1). */
export function lru<K extends LruKey, V extends LruValue>(
  max: number,
  options: LruOptions<K, V> = {},
): LRUCache<K, V> {
  const { expireMs, now, dispose } = options
  return new LRUCache<K, V>({
    maxSize: max,
    sizeCalculation: one,
    ...(dispose === undefined ? {} : { dispose }),
    ...(now === undefined ? {} : { perf: { now } }),
    // lru-cache still serves an entry exactly `ttl` old: one less makes `expireMs` a bound.
    ...(expireMs === undefined ? {} : { ttl: Math.max(1, expireMs - 1) }),
    // Expiry is read from the clock at each look-up, never from a cached reading.
    ttlResolution: 0,
  })
}

function one(): number {
  return 1
}
