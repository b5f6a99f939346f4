/**
 * nsupdate's stderr turned into backend errors with the line that explains them, instead of
 * an opaque "exit status 2". The patterns are the messages BIND 9.16–9.20 nsupdate prints.
 */
import type { BackendError } from '../backend.ts'
import type { ChildResult } from './child-runner.ts'

const RULES: readonly [RegExp, BackendError['code'], boolean][] = [
  [/tsig|BADKEY|BADSIG|BADTIME|could not read key|invalid key|unknown key/i, 'bad-tsig', false],
  [/update failed: REFUSED/, 'refused', false],
  [/update failed: NOTAUTH/, 'not-auth', false],
  [/update failed: (NOTZONE|FORMERR|YXDOMAIN)/, 'invalid-record', false],
  [/update failed: NXDOMAIN|prerequisite/i, 'zone-not-found', false],
  [/update failed: SERVFAIL/, 'unavailable', true],
  [/timed out|no servers could be reached/i, 'timeout', true],
  [
    /connection refused|couldn't get address|network unreachable|host unreachable/i,
    'unavailable',
    true,
  ],
  [/syntax error|bad address|invalid|failed to parse/i, 'invalid-record', false],
]

/** The error of a failed run, or undefined when nsupdate succeeded. */
export function nsupdateError(r: ChildResult, program: string): BackendError | undefined {
  if (r.spawnError !== undefined) {
    return {
      code: 'unavailable',
      retryable: false,
      message: `cannot run ${program}: ${r.spawnError}`,
    }
  }
  if (r.timedOut) {
    return { code: 'timeout', retryable: true, message: `${program} did not finish in time` }
  }
  if (r.code === 0) return undefined
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
  for (const [pattern, code, retryable] of RULES) {
    const line = lines.find((l) => pattern.test(l))
    if (line !== undefined) return { code, retryable, message: `${program}: ${line}` }
  }
  const last = lines.at(-1) ?? `exit status ${String(r.code)}`
  return { code: 'unavailable', retryable: true, message: `${program}: ${last}` }
}
