/**
 * The REST API's error catalogue: every error a client can see has one stable code here,
 * with its HTTP status and what it means. Responses carry
 * `{ "error": { "code", "message", "details"? } }`; codes never change meaning, messages may.
 * The README's table is checked against this list by a test.
 */
import type { FastifyReply } from 'fastify'

/** Every error code, with its status and meaning. */
export const API_ERRORS = {
  invalid_request: [400, 'the path, query or body does not match the schema (see details)'],
  invalid_json: [400, 'the body is not valid JSON'],
  invalid_cursor: [400, 'the pagination cursor was not issued by this API'],
  unauthenticated: [401, 'no valid API token or web session'],
  token_scope: [403, 'the token is not an `api` token (update tokens cannot use the API)'],
  csrf_failed: [403, 'a cookie-authenticated change without the matching CSRF header'],
  step_up_required: [
    403,
    'a cookie-authenticated change more than 5 minutes after the account was last proven',
  ],
  forbidden: [403, 'only an administrator may do this'],
  wrong_password: [403, 'the current password is wrong'],
  route_not_found: [404, 'no such API endpoint'],
  user_not_found: [404, 'no such user (or not yours to see)'],
  host_not_found: [404, 'no such host (or not yours to see)'],
  token_not_found: [404, 'no such token (or not yours to see)'],
  zone_not_found: [404, 'no such zone'],
  group_not_found: [404, 'no such prefix group (or not yours)'],
  lockout_not_found: [404, 'no such lockout (it may have been lifted or swept)'],
  record_not_found: [404, 'no such static record (name, type or value)'],
  record_forbidden: [
    403,
    'not yours to write: another host’s name, or a type an owner may not write there',
  ],
  user_exists: [409, 'a user of that name exists'],
  host_exists: [409, 'a host of that name exists'],
  invalid_value: [422, 'well-formed, but against a rule (zone not served, range, ownership)'],
  unsupported_type: [422, 'the zone’s backend does not publish this record type (configuration)'],
  rate_limited: [
    429,
    'over a rate limit, or held after bad credentials; retry after `Retry-After` seconds',
  ],
  internal: [500, 'a bug: the request id is in the server log'],
  publish_failed: [502, 'committed, but the backend has not taken it yet (it is retried)'],
} as const satisfies Record<string, readonly [number, string]>

/** One error code. */
export type ApiErrorCode = keyof typeof API_ERRORS

/** An error as handlers return it. */
export interface ApiError {
  readonly code: ApiErrorCode
  readonly message: string
  readonly details?: readonly { readonly path: string; readonly message: string }[]
  /** Sent as the `Retry-After` header (`rate_limited`), not in the body. */
  readonly retryAfterSeconds?: number
}

/** Builds an error value. */
export function apiError(
  code: ApiErrorCode,
  message: string,
  details?: ApiError['details'],
): ApiError {
  return details === undefined ? { code, message } : { code, message, details }
}

/** The HTTP status of a code. */
export function statusOf(code: ApiErrorCode): number {
  return API_ERRORS[code][0]
}

/** Sends an error as JSON with its status. */
export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  const { retryAfterSeconds, ...body } = error
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds))
  return reply
    .status(statusOf(error.code))
    .header('cache-control', 'no-store')
    .send({ error: body })
}
