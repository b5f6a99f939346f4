/**
 * An update service for the HTTP adapter's tests: it records every intent a dialect hands it
 * and answers what the test tells it to (by default `good` for each named host), so a test
 * sees exactly what crossed the adapter in each direction.
 */
import type { UpdateService } from '../../src/core/update/update-service.ts'
import type { RejectCode, UpdateIntent, UpdateResult } from '../../src/core/update/update-intent.ts'

/** How the fake answers an intent; it may throw, as a broken store would. */
export type Answer = (intent: UpdateIntent) => UpdateResult

/** The host a request that names none is for (a secret URL's token is bound to it). */
export const BOUND_HOST = 'bound.dyn.example'

/** `good` for every named host, with the address the intent set (or its source address). */
export const allGood: Answer = (intent) => ({
  kind: 'hosts',
  outcomes: (intent.hostnames.length === 0 ? [BOUND_HOST] : intent.hostnames).map((hostname) => ({
    hostname,
    status: 'good',
    ipv4: intent.ipv4.kind === 'set' ? intent.ipv4.address.text : intent.clientIp.text,
  })),
})

/** Core's `update` over a scripted answer; every intent is kept in `intents`. */
export class FakeUpdateService implements Pick<UpdateService, 'update'> {
  readonly intents: UpdateIntent[] = []
  answer: Answer = allGood

  update(intent: UpdateIntent): Promise<UpdateResult> {
    this.intents.push(intent)
    // Asynchronous like the real service: a throwing answer becomes a rejected promise.
    return Promise.resolve().then(() => this.answer(intent))
  }
}

/** A request-level refusal (`abuse` with the seconds until the client may retry). */
export function rejection(code: RejectCode, retryAfterSeconds?: number): Answer {
  return () => ({
    kind: 'rejected',
    code,
    message: code,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  })
}
