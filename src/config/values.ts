/**
 * How an environment variable or `--set` value becomes a config value: read as a TOML
 * value when it is one (`8245`, `true`, `["a", "b"]`, `"quoted"`), else taken as the plain
 * string, then shaped by what the key expects so `DYNZONE_DATA_DIR=2024` stays a path.
 */
import { parse, TomlError } from 'smol-toml'
import type { LeafKind } from './keys.ts'

/** Parses an override string for a key of the given kind. */
export function parseOverride(raw: string, kind: LeafKind): unknown {
  const value = parseTomlValue(raw)
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value : raw
    case 'number':
      return typeof value === 'number' ? value : raw
    case 'boolean':
      return typeof value === 'boolean' ? value : raw
    case 'array':
      if (Array.isArray(value)) return value
      return splitList(typeof value === 'string' ? value : raw)
  }
}

/** `a, b,,c` → `["a", "b", "c"]`; an empty string is an empty list. */
export function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

function parseTomlValue(raw: string): unknown {
  // A newline could smuggle in more keys; such a value is a plain string.
  if (/[\r\n]/.test(raw)) return undefined
  try {
    const table = parse(`v = ${raw}`)
    return Object.keys(table).length === 1 ? table.v : undefined
  } catch (error) {
    if (error instanceof TomlError) return undefined
    throw error
  }
}
