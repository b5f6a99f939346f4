/**
 * Webhook delivery: a JSON POST signed with HMAC-SHA256 over `<timestamp>.<body>`, sent as
 * `X-Dynzone-Signature: sha256=<hex>` with the timestamp in `X-Dynzone-Timestamp`, so a
 * receiver can refuse old (replayed) deliveries. Network errors, timeouts, 429 and 5xx are
 * retried with doubling backoff up to `max_attempts`; other 4xx answers are final.
 */
import { createHmac } from 'node:crypto'
import { err, ok, type Result } from '../core/result.ts'
import type { Secret } from '../core/auth/secret.ts'
import type { NotifyEventKind } from './templates.ts'

/** One `[[notify.webhooks]]` entry. */
export interface WebhookTarget {
  readonly url: string
  readonly secret: Secret | null
  readonly events: readonly NotifyEventKind[]
  readonly timeout_ms: number
  readonly max_attempts: number
}

/** What delivery needs from outside: fetch, sleeping and the clock, replaceable in tests. */
export interface WebhookDeps {
  readonly fetch: typeof fetch
  readonly sleep: (ms: number) => Promise<void>
  readonly now: () => Date
  /** First retry delay; doubled per attempt, capped at a minute. */
  readonly retryBaseMs: number
  /** Aborted at shutdown: in-flight requests and backoff waits end at once. */
  readonly signal?: AbortSignal
}

/** The signature header value for `body` sent at `timestamp` (unix seconds). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** Delivers one payload to one target; resolves after success or the last attempt. */
export async function deliverWebhook(
  target: WebhookTarget,
  event: NotifyEventKind,
  payload: unknown,
  deps: WebhookDeps,
): Promise<Result<number, string>> {
  const body = JSON.stringify(payload)
  let last = ''
  for (let attempt = 1; attempt <= target.max_attempts; attempt++) {
    if (attempt > 1) await deps.sleep(Math.min(60_000, deps.retryBaseMs * 2 ** (attempt - 2)))
    if (deps.signal?.aborted === true) return err(`${last || 'not sent'} (shutting down)`)
    // A fresh timestamp per attempt: a receiver's replay window counts from the send.
    const timestamp = String(Math.floor(deps.now().getTime() / 1000))
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'dynzone-webhook',
      'x-dynzone-event': event,
      'x-dynzone-timestamp': timestamp,
    }
    if (target.secret !== null) {
      headers['x-dynzone-signature'] = webhookSignature(target.secret.reveal(), timestamp, body)
    }
    try {
      const res = await deps.fetch(target.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.any([
          AbortSignal.timeout(target.timeout_ms),
          ...(deps.signal === undefined ? [] : [deps.signal]),
        ]),
      })
      await res.body?.cancel()
      if (res.ok) return ok(attempt)
      last = `HTTP ${String(res.status)}`
      if (res.status < 500 && res.status !== 429) return err(`${last} (not retried)`)
    } catch (e) {
      last = e instanceof Error ? e.message : String(e)
    }
  }
  return err(`${last} after ${String(target.max_attempts)} attempts`)
}
