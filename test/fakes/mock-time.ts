/**
 * Time for tests that wait on timers: node:test's `mock.timers` replaces `setTimeout` and
 * `setInterval`, and these helpers move that clock forward one millisecond at a time, letting
 * the promise chains each timer starts run in between (`setImmediate` stays real). A test
 * then waits no real time, and what it sees does not depend on how busy the machine is.
 */
import assert from 'node:assert/strict'
import { mock } from 'node:test'

/** Replaces setTimeout and setInterval with the mock clock (undo with `stopMockTime`). */
export function startMockTime(): void {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] })
}

/** Gives the real timers back. */
export function stopMockTime(): void {
  mock.timers.reset()
}

/** Lets every promise chain that can run now run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Moves the mock clock `ms` forward. */
export async function advance(ms: number): Promise<void> {
  await flush()
  for (let i = 0; i < ms; i++) {
    mock.timers.tick(1)
    await flush()
  }
}

/** Moves the mock clock forward until `condition` holds; fails after `limitMs`. */
export async function advanceUntil(condition: () => boolean, limitMs = 10_000): Promise<void> {
  await flush()
  for (let i = 0; i < limitMs && !condition(); i++) {
    mock.timers.tick(1)
    await flush()
  }
  assert.ok(condition(), `condition not reached within ${String(limitMs)} ms of mock time`)
}

/** Moves the mock clock forward until `promise` settles, and returns what it settled with. */
export async function settle<T>(promise: Promise<T>, limitMs = 10_000): Promise<T> {
  let done = false
  promise.then(
    () => (done = true),
    () => (done = true),
  )
  await advanceUntil(() => done, limitMs)
  return promise
}
