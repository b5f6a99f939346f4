/** Test doubles for the publisher's tests: a controllable backend and change sets. */
import type { BackendError, DnsBackend } from '../../src/backends/backend.ts'
import type { Fqdn } from '../../src/core/names.ts'
import { RECORD_TYPES, type ChangeSet } from '../../src/core/records.ts'
import { err, ok, type Result } from '../../src/core/result.ts'

/** A zone. */
export const ZONE = 'dyn.example' as Fqdn
/** Another zone. */
export const OTHER = 'other.example' as Fqdn

/** A change setting h.<zone> A to `value`. */
export function change(serial: number, value: string, zone: Fqdn = ZONE): ChangeSet {
  return {
    zone,
    serial,
    replace: [{ name: `h.${zone}` as Fqdn, type: 'A', ttl: 60, values: [value] }],
    remove: [],
  }
}

/** A backend that can hold a push in flight, fail a number of times, or throw. */
export class FakeBackend implements DnsBackend {
  readonly kind = 'fake'
  readonly types = RECORD_TYPES
  readonly applied: ChangeSet[] = []
  calls = 0
  failing = 0
  throwing = false
  signal: AbortSignal | undefined
  #gate: Promise<void> | undefined
  #open: (() => void) | undefined

  hold(): void {
    this.#gate = new Promise((resolve) => (this.#open = resolve))
  }
  release(): void {
    this.#open?.()
    this.#gate = undefined
  }
  load(): Promise<Result<void, BackendError>> {
    return Promise.resolve(ok(undefined))
  }
  async apply(change: ChangeSet, signal: AbortSignal): Promise<Result<void, BackendError>> {
    this.calls += 1
    this.signal = signal
    if (this.#gate !== undefined) await this.#gate
    if (this.throwing) throw new Error('socket hang up')
    if (this.failing > 0) {
      this.failing -= 1
      return err({ code: 'unavailable', retryable: true, message: 'down' })
    }
    this.applied.push(change)
    return ok(undefined)
  }
  close(): Promise<void> {
    return Promise.resolve()
  }
}
