/**
 * Secret files (the pepper, TSIG keys, API keys) should be readable by their owner alone:
 * a group- or world-readable one is reported at start, as a warning rather than a failure,
 * since the operator may have a reason (a shared group for a sidecar) and the server must
 * still start.
 */
import { statSync } from 'node:fs'

/** A warning when `path` is readable or writable by group or others; undefined otherwise. */
export function looseModeWarning(path: string, what: string): string | undefined {
  let mode: number
  try {
    mode = statSync(path).mode
  } catch {
    // Reading it failed or will fail with its own message; nothing to add here.
    return undefined
  }
  if ((mode & 0o077) === 0) return undefined
  const octal = (mode & 0o777).toString(8).padStart(3, '0')
  return `${what} ${path} has mode ${octal}, readable by group or others; chmod 600 it`
}
