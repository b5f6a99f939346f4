/**
 * Secrets as a type: the value is reachable only through `reveal()`, so a secret that
 * ends up in a log line, a JSON body, an error message or a template prints `[redacted]`.
 */
import { inspect } from 'node:util'

const REDACTED = '[redacted]'

/** A secret string that never prints its value. */
export class Secret {
  readonly #value: string

  /** Wraps a secret value. */
  constructor(value: string) {
    this.#value = value
  }

  /** The secret itself: call it only where the value is used, never to print it. */
  reveal(): string {
    return this.#value
  }

  /** Always `[redacted]`; covers `String(secret)` and template literals. */
  toString(): string {
    return REDACTED
  }

  /** Always `[redacted]`; covers `JSON.stringify`. */
  toJSON(): string {
    return REDACTED
  }

  /** Always `[redacted]`; covers `util.inspect`, `console.log` and loggers built on them. */
  [inspect.custom](): string {
    return REDACTED
  }
}
