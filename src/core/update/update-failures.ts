/**
 * Failed updates, kept per host so its owner can see why a router fails (the web UI's host
 * page, the history API): a refused credential, an address refused by policy, a token for
 * another host, DNS not confirming in time, a rate limit. Only hosts that exist are
 * recorded, at most once a minute per host, result and source (`FAILURE_REPEAT_SECONDS`),
 * so a flood of bad requests cannot grow the history without bound. Never a secret: the
 * actor is the user name sent or `token`.
 */
import type { UpdateIntent, UpdateResult } from './update-intent.ts'

/** How often the same failure of one host from one source is recorded at most. */
export const FAILURE_REPEAT_SECONDS = 60

/** One failed update of a host, as recorded. */
export interface UpdateFailure {
  /** The hostname as requested (resolved to a host by the store, or skipped). */
  readonly hostname: string
  /** The result code the client got (`badauth`, `!yours`, `dnserr`, `badip`, `abuse`…). */
  readonly result: string
  /** A short reason, never a secret. */
  readonly message: string
  readonly dialect: string
  readonly clientIp: string
  readonly actor: string
}

/** Where failures are recorded (the store implements it; errors stay inside). */
export interface UpdateFailureLog {
  record(failures: readonly UpdateFailure[], at: string): Promise<void>
}

const OUTCOME_REASONS: Partial<Record<string, string>> = {
  '!yours': 'the credential may not change this host',
  dnserr: 'saved, but DNS did not confirm in time; retrying',
}

/**
 * The failures one update result means for the hosts it named. `actor` is who sent it: the
 * user's name once authenticated, else the credential gate's subject (`user:<name>`, `token`,
 * `unknown:<keyed hash>`), never a name as typed (it may be a secret in the wrong field).
 */
export function failuresOf(
  intent: UpdateIntent,
  result: UpdateResult,
  actor: string,
): UpdateFailure[] {
  // Wget and OpenWrt send credentials only after a 401 challenge: not a failure worth showing.
  if (intent.credentials === null) return []
  // The common case (every host `good` or `nochg`) builds nothing.
  if (
    result.kind === 'hosts' &&
    !result.outcomes.some((o) => OUTCOME_REASONS[o.status] !== undefined)
  )
    return []
  const base = {
    dialect: intent.dialect.slice(0, 32),
    clientIp: intent.clientIp.text,
    actor: actor.slice(0, 64),
  }
  if (result.kind === 'rejected') {
    if (result.code === '911') return []
    return intent.hostnames.map((hostname) => ({
      ...base,
      hostname,
      result: result.code,
      message: result.message.slice(0, 200),
    }))
  }
  return result.outcomes.flatMap((o) => {
    const reason = OUTCOME_REASONS[o.status]
    return reason === undefined
      ? []
      : [{ ...base, hostname: o.fqdn ?? o.hostname, result: o.status, message: reason }]
  })
}
