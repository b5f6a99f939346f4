/**
 * Rackspace Cloud DNS error replies: `{<kind>: {code, message, details}}` bodies, HTTP 413
 * `overLimit` with `Retry-After` for rate limiting, 400 for validation faults.
 */
import type { BackendError } from '../backend.ts'
import { retryAfterMs, unexpectedReply } from '../shared/http-client.ts'
import { invalidRecord } from '../shared/record-values.ts'

/** Maps a Rackspace error reply (`{<kind>: {code, message, details}}`) to a BackendError. */
export function rackspaceError(
  what: string,
  status: number,
  body: unknown,
  retryAfter: string | null,
): BackendError {
  const inner: unknown =
    typeof body === 'object' && body !== null ? Object.values(body)[0] : undefined
  const detail =
    typeof inner === 'object' && inner !== null
      ? [
          'message' in inner ? String(inner.message) : '',
          'details' in inner ? String(inner.details) : '',
        ]
          .filter((s) => s !== '')
          .join(': ')
      : JSON.stringify(body)
  if (status === 413) {
    const wait = retryAfterMs(retryAfter)
    return {
      code: 'rate-limited',
      retryable: true,
      message: `${what}: over limit (HTTP 413)`,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    }
  }
  if (status === 404)
    return { code: 'zone-not-found', retryable: false, message: `${what}: ${detail}` }
  if (status === 400) return invalidRecord(`${what}: ${detail}`)
  return unexpectedReply(what, status, body)
}
