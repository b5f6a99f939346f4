/**
 * Every key the config accepts, read off the schema's shape so that env names, `--set`
 * paths and "did you mean" hints never drift from the schema. A key inside an array of
 * tables (`zones[].name`) is known but cannot be overridden from env or the command line.
 */
import { z } from 'zod'
import { configSchema } from './schema.ts'
import { pathLeaves, secretLeaves } from './fields.ts'

/** The TOML value type a leaf expects, which decides how an env/CLI string is read. */
export type LeafKind = 'string' | 'number' | 'boolean' | 'array'

/** One key of the config. */
export interface ConfigKey {
  /** Path segments; `[]` stands for "any element" of an array of tables. */
  readonly path: readonly string[]
  /** Dotted path as written in messages and `--set`, e.g. `http.trusted_proxies`, `zones[].ttl`. */
  readonly key: string
  /** The environment variable that overrides it, or null when it has none. */
  readonly env: string | null
  readonly kind: LeafKind
  /** `secret`: holds a secret; `secret-file`: the `<secret>_file` key that reads one from disk. */
  readonly role: 'plain' | 'secret' | 'secret-file'
  /** Holds a file or directory path (every `secret-file` key does). */
  readonly isPath: boolean
}

/** Prefix of every dynzone environment variable. */
export const ENV_PREFIX = 'DYNZONE_'

/** Every key of the config schema, in schema order. */
export const CONFIG_KEYS: readonly ConfigKey[] = collect(configSchema, [], [])

/** The keys that env and `--set` can override, by dotted key. */
export const OVERRIDABLE_KEYS: ReadonlyMap<string, ConfigKey> = new Map(
  CONFIG_KEYS.filter((k) => k.env !== null).map((k) => [k.key, k]),
)

/** The overridable keys by environment variable name. */
export const KEYS_BY_ENV: ReadonlyMap<string, ConfigKey> = new Map(
  CONFIG_KEYS.flatMap((k) => (k.env === null ? [] : [[k.env, k] as const])),
)

/** Formats a key path for messages: `http.port`, `zones[1].name`, `zones[].ttl`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (segment === '[]') out += '[]'
    else out += (out === '' ? '' : '.') + String(segment)
  }
  return out
}

/** The env variable for a key path: `DYNZONE_` + segments uppercased, joined with `_`. */
export function envName(path: readonly string[]): string {
  return ENV_PREFIX + path.map((segment) => segment.toUpperCase()).join('_')
}

function collect(schema: z.ZodType, path: string[], out: ConfigKey[]): ConfigKey[] {
  const { inner, secret, isPath } = unwrap(schema)
  if (inner instanceof z.ZodObject) {
    const { shape } = inner as z.ZodObject<Record<string, z.ZodType>>
    for (const [name, child] of Object.entries(shape)) {
      collect(child, [...path, name], out)
    }
    return out
  }
  if (inner instanceof z.ZodArray) {
    const element = unwrap(inner.element as z.ZodType).inner
    if (element instanceof z.ZodObject) return collect(element, [...path, '[]'], out)
  }
  const inTable = path.includes('[]')
  const leaf = (p: string[], role: ConfigKey['role']): ConfigKey => ({
    path: p,
    key: formatPath(p),
    env: inTable ? null : envName(p),
    kind: kindOf(inner, p),
    role,
    isPath: isPath || role === 'secret-file',
  })
  out.push(leaf(path, secret ? 'secret' : 'plain'))
  if (secret) out.push({ ...leaf(pathWithFile(path), 'secret-file'), kind: 'string' })
  return out
}

function pathWithFile(path: readonly string[]): string[] {
  return path.map((segment, i) => (i === path.length - 1 ? `${segment}_file` : segment))
}

function unwrap(schema: z.ZodType): { inner: z.ZodType; secret: boolean; isPath: boolean } {
  let inner = schema
  let secret = secretLeaves.has(inner)
  let isPath = pathLeaves.has(inner)
  for (;;) {
    if (
      inner instanceof z.ZodDefault ||
      inner instanceof z.ZodPrefault ||
      inner instanceof z.ZodOptional
    ) {
      inner = inner.unwrap() as z.ZodType
    } else if (inner instanceof z.ZodPipe) {
      inner = inner.in as z.ZodType
    } else {
      return { inner, secret, isPath }
    }
    secret ||= secretLeaves.has(inner)
    isPath ||= pathLeaves.has(inner)
  }
}

function kindOf(schema: z.ZodType, path: readonly string[]): LeafKind {
  if (schema instanceof z.ZodString || schema instanceof z.ZodEnum) return 'string'
  if (schema instanceof z.ZodNumber) return 'number'
  if (schema instanceof z.ZodBoolean) return 'boolean'
  if (schema instanceof z.ZodArray) return 'array'
  // A number or a word (`dns.workers`: 4 or "auto"): read as its first option, the word kept.
  if (schema instanceof z.ZodUnion) return kindOf(schema.options[0] as z.ZodType, path)
  throw new Error(`config key ${path.join('.')}: no override rule for this schema type`)
}
