/**
 * A test that never ends, for timeout.test.ts: it hangs only when that test runs it (the
 * variable below), so in every other run this file passes at once.
 */
import { it } from 'node:test'

if (process.env.DYNZONE_TEST_HANG === '1') {
  it('hangs', () => new Promise<void>(() => setInterval(() => undefined, 1000)))
} else {
  it('does not hang unless asked to', () => undefined)
}
