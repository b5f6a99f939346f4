/**
 * The keys that differ between two configurations, as dotted leaf paths (`http.trusted_proxies`,
 * `log.level`): tables are walked, any other value (lists, `[[zones]]`) is compared whole and
 * named by its own key. SIGHUP's reload names these in its log line.
 */
import { isDeepStrictEqual } from 'node:util'

// Plain objects only: anything else (a secret, a date) is a value, compared whole.
const isTable = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false
  const proto: unknown = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** The dotted paths of every leaf that differs between `before` and `after`, sorted. */
export function changedKeys(before: unknown, after: unknown, prefix = ''): string[] {
  if (isTable(before) && isTable(after)) {
    const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
    return names.flatMap((k) =>
      changedKeys(before[k], after[k], prefix === '' ? k : `${prefix}.${k}`),
    )
  }
  return isDeepStrictEqual(before, after) ? [] : [prefix]
}
