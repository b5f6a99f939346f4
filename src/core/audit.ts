/**
 * The audit trail's vocabulary: one event per security-relevant act (a web login, an admin
 * change, an API write, a token minted or revoked, a refused credential at the API or the web
 * UI, a CLI command that changes state), saying who, from where, what and with what result.
 * Never a secret: an actor is a user name that exists (an unknown name is not recorded in
 * clear), targets are route parameters and command arguments, and neither holds a password
 * or a token.
 */

/** How an audited act ended. */
export type AuditResult = 'ok' | 'denied' | 'refused' | 'error'

/** One audited act. */
export interface AuditEvent {
  /** `login`, `logout`, `POST /api/v1/tokens`, `cli token create`… */
  readonly action: string
  readonly result: AuditResult
  /** The acting user (`alice`, `alice (token 7)`, `cli:root`); null when nobody is known. */
  readonly actor: string | null
  /** The client address; null for the command line. */
  readonly source: string | null
  /** What the act was about: route parameters or command arguments. */
  readonly target: string | null
  /** The HTTP status or the CLI exit code. */
  readonly status: number
}

/** Where audit events go: a log line at once, a database row soon after. */
export interface AuditTrail {
  record(event: AuditEvent): void
}

/** An audit trail that keeps nothing (tests, and commands that need none). */
export const NO_AUDIT: AuditTrail = { record: () => undefined }

/** The result an HTTP status stands for. */
export function resultOfStatus(status: number): AuditResult {
  if (status < 400) return 'ok'
  if (status === 401 || status === 403 || status === 429) return 'denied'
  return status >= 500 ? 'error' : 'refused'
}

/** One stored event. */
export interface StoredAuditEvent extends AuditEvent {
  readonly id: number
  readonly at: string
}

/** What a listing of the audit trail may filter on. */
export interface AuditFilter {
  readonly actor?: string
  readonly action?: string
  readonly result?: AuditResult
  readonly source?: string
  /** ISO time: only events at or after it. */
  readonly since?: string
  readonly limit: number
  /** Page past events with a smaller id (the last id of the previous page). */
  readonly before?: number
}

/** Reads the stored trail (the admin pages, `GET /audit`, `dynzone audit`). */
export interface AuditLog {
  /** Events newest first, filtered, one page. */
  list(filter: AuditFilter): Promise<StoredAuditEvent[]>
}
