/**
 * The process logger (pino), with every place a secret could sit redacted.
 *
 * The censoring is done here rather than by pino's `redact` option: its wildcard paths
 * (`*.password`) ran a path redactor over every field of every line, about 7 µs of a router
 * ping's 9 µs line; this censors the same paths (the pino paths `password`, `*.password`, …
 * and `req.headers.authorization`) for well under one. Censored are the names in
 * `SECRET_NAMES` at the top level and one level down, and `req.headers.authorization`, in
 * logged objects, child bindings and `%o` arguments; the logged objects are copied, never
 * changed. Nothing deeper and nothing inside arrays is searched, as with the paths before
 * (logger.test.ts pins the lines).
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino'

/** Field names whose values are never logged, at the top level or one level down. */
export const SECRET_NAMES: readonly string[] = ['password', 'token', 'secret', 'authorization']

const CENSOR = '[redacted]'

type Fields = Record<string, unknown>

/** Creates the logger at a level, writing JSON lines to the given stream (stdout by default). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { name: 'dynzone' },
    formatters: { log: redactFields, bindings: redactFields },
    hooks: { logMethod: redactFormatArgs },
  }
  return redactingChildren(destination === undefined ? pino(options) : pino(options, destination))
}

// pino gives a child's bindings to no formatter of ours; children inherit this `child` from
// the root (each is made with `Object.create(parent)`), so theirs are censored too.
function redactingChildren(root: Logger): Logger {
  const child = Reflect.get(root, 'child') as (...args: unknown[]) => unknown
  Object.defineProperty(root, 'child', {
    value: function (this: unknown, bindings: Fields, ...rest: unknown[]): unknown {
      return Reflect.apply(child, this, [redactFields(bindings), ...rest])
    },
    writable: true,
    configurable: true,
  })
  return root
}

/** The fields with every secret censored (the same object when there is none). */
export function redactFields(fields: Fields): Fields {
  let out: Fields | undefined
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue
    const value = fields[key]
    // pino leaves out undefined fields: a censor would add one.
    const censored = SECRET_NAMES.includes(key)
      ? value === undefined
        ? value
        : CENSOR
      : oneLevelDown(key, value)
    if (censored === value) continue
    out ??= { ...fields }
    out[key] = censored
  }
  return out ?? fields
}

// The value with its secret-named fields censored (`req`: its headers' authorization too).
function oneLevelDown(key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  let out: object | undefined
  for (const name of SECRET_NAMES) {
    if (Object.hasOwn(value, name)) out = censorIn(out ?? copyOf(value), name)
  }
  if (key === 'req') {
    const headers = (value as { headers?: unknown }).headers
    if (typeof headers === 'object' && headers !== null && Object.hasOwn(headers, 'authorization'))
      out = Object.assign(out ?? copyOf(value), {
        headers: censorIn(copyOf(headers), 'authorization'),
      })
  }
  return out ?? value
}

// A copy that serializes as the original: plain objects spread, others (errors) keep their
// prototype and every own property, so pino's error serializer still sees an error.
function copyOf(value: object): object {
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto === Object.prototype || proto === null) return { ...value }
  return Object.create(proto as object | null, Object.getOwnPropertyDescriptors(value)) as object
}

function censorIn(target: object, name: string): object {
  const enumerable = Object.getOwnPropertyDescriptor(target, name)?.enumerable ?? true
  return Object.defineProperty(target, name, {
    value: CENSOR,
    enumerable,
    writable: true,
    configurable: true,
  })
}

// `log.info('... %o', obj)`: the format arguments are censored like logged objects.
function redactFormatArgs(
  this: Logger,
  args: Parameters<Logger['info']>,
  method: (...args: unknown[]) => void,
): void {
  if (args.length > 2 || (args.length === 2 && typeof args[0] === 'string')) {
    const censored = (args as unknown[]).map((a, i) =>
      i > 0 && typeof a === 'object' && a !== null ? redactFields(a as Fields) : a,
    )
    method.apply(this, censored)
    return
  }
  method.apply(this, args)
}

export type { Logger }
