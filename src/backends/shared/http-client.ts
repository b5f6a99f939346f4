/**
 * The HTTP calls API backends make, with one mapping from HTTP outcomes to `BackendError`:
 * 401/403 → `not-auth` (a config problem: never retried), 429 → `rate-limited` (retried,
 * honouring `Retry-After`, else `RateLimit-Reset`), 5xx, resets and refused connections →
 * `unavailable` (retried), a timeout → `timeout`. Other statuses are returned for the
 * backend to read the body.
 */
import { err, ok, type Result } from '../../core/result.ts'
import type { BackendError } from '../backend.ts'

/** The part of `fetch` backends use; tests may pass their own. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>

/** One request. */
export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly url: string
  readonly headers?: Readonly<Record<string, string>>
  /** Sent as JSON when an object; as is when a string. */
  readonly body?: unknown
  readonly signal: AbortSignal
  /** Per-request limit (default 10 s), on top of the caller's signal. */
  readonly timeoutMs?: number
}

/** A response with its body parsed as JSON when it is JSON, else as text. */
export interface ApiResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: unknown
}

/** Sends a request; transport failures, auth refusals, 429 and 5xx come back as errors. */
export async function callApi(
  fetchFn: FetchLike,
  request: ApiRequest,
  what: string,
): Promise<Result<ApiResponse, BackendError>> {
  const signal = AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs ?? 10_000)])
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers }
  let body: string | undefined
  if (typeof request.body === 'string') body = request.body
  else if (request.body !== undefined) {
    body = JSON.stringify(request.body)
    headers['content-type'] ??= 'application/json'
  }
  let response: Response
  let text: string
  try {
    response = await fetchFn(request.url, {
      method: request.method,
      headers,
      signal,
      ...(body === undefined ? {} : { body }),
    })
    text = await response.text()
  } catch (cause) {
    return err(transportError(cause, what, request.signal))
  }
  const parsed = parseBody(text, response.headers.get('content-type'))
  const failure = statusError(response, what, text)
  return failure === null
    ? ok({ status: response.status, headers: response.headers, body: parsed })
    : err(failure)
}

function transportError(cause: unknown, what: string, callerSignal: AbortSignal): BackendError {
  const name = cause instanceof Error ? cause.name : ''
  if (name === 'TimeoutError' || (name === 'AbortError' && !callerSignal.aborted)) {
    return { code: 'timeout', retryable: true, message: `${what}: no answer in time`, cause }
  }
  const detail = cause instanceof Error ? errorDetail(cause) : String(cause)
  return { code: 'unavailable', retryable: true, message: `${what}: ${detail}`, cause }
}

// fetch wraps the socket error (ECONNREFUSED, ENOTFOUND) in `cause`.
function errorDetail(e: Error): string {
  const inner: unknown = e.cause
  if (inner instanceof Error) return `${e.message} (${inner.message})`
  return e.message
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return null
  if (contentType?.includes('json') === true || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown
    } catch {
      return text
    }
  }
  return text
}

function statusError(response: Response, what: string, text: string): BackendError | null {
  const { status } = response
  const excerpt = text.length > 200 ? text.slice(0, 197) + '...' : text
  if (status === 401 || status === 403) {
    return { code: 'not-auth', retryable: false, message: `${what}: HTTP ${status} ${excerpt}` }
  }
  if (status === 429) {
    const retryAfter =
      retryAfterMs(response.headers.get('retry-after')) ??
      rateLimitResetMs(response.headers.get('ratelimit-reset'))
    return {
      code: 'rate-limited',
      retryable: true,
      message: `${what}: rate limited (HTTP 429)${retryAfter === undefined ? '' : `, retry after ${retryAfter} ms`}`,
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    }
  }
  if (status >= 500) {
    return { code: 'unavailable', retryable: true, message: `${what}: HTTP ${status} ${excerpt}` }
  }
  return null
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * `RateLimit-Reset` as milliseconds from now: DigitalOcean and Hetzner send the Unix time
 * the window resets; the IETF RateLimit draft sends delta-seconds. Told apart by size.
 */
export function rateLimitResetMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined
  const n = Number(header.trim())
  return n > 1_000_000_000 ? Math.max(0, n * 1000 - now) : n * 1000
}

/** A non-retryable error for a reply the backend cannot use. */
export function unexpectedReply(what: string, status: number, body: unknown): BackendError {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return {
    code: 'refused',
    retryable: false,
    message: `${what}: HTTP ${status} ${text.length > 200 ? text.slice(0, 197) + '...' : text}`,
  }
}
