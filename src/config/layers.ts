/**
 * Config sources stacked in precedence order (file < environment < command line): each
 * layer is a partial TOML-shaped tree; merging remembers which source set each key, so an
 * error about a merged value names the source that supplied it.
 */
import type { ConfigIssue } from './errors.ts'
import { CONFIG_KEYS, formatPath } from './keys.ts'

/** A TOML table: keys to values. */
export type Table = Record<string, unknown>

/** One source of config values. */
export interface Layer {
  /** How issues name this source: a file path, `environment variable X`, `command line`. */
  readonly source: string
  readonly tree: Table
  /** Finer sources for some keys (formatted path → source), e.g. one env variable each. */
  readonly keySources?: ReadonlyMap<string, string>
}

/** The layers merged, with the source of every key that a layer set. */
export interface Merged {
  readonly tree: Table
  /** Formatted key path (`http.port`, `zones`) → source. */
  readonly sources: Map<string, string>
  /** Layers that gave both a secret and its `_file`. */
  readonly issues: readonly ConfigIssue[]
}

/** True for a TOML table (not an array, date or primitive). */
export function isTable(value: unknown): value is Table {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
  )
}

/** The value at `path`, or undefined when a table on the way is missing. */
export function getPath(tree: Table, path: readonly string[]): unknown {
  let node: unknown = tree
  for (const segment of path) {
    if (!isTable(node)) return undefined
    node = node[segment]
  }
  return node
}

/** Sets the value at `path`, creating tables on the way; false if a non-table is in the way. */
export function setPath(tree: Table, path: readonly string[], value: unknown): boolean {
  const last = path.at(-1)
  if (last === undefined) return false
  let node = tree
  for (const segment of path.slice(0, -1)) {
    const next = node[segment] ?? (node[segment] = {})
    if (!isTable(next)) return false
    node = next
  }
  node[last] = value
  return true
}

/** Removes the key at `path` if present. */
export function deletePath(tree: Table, path: readonly string[]): void {
  const parent = getPath(tree, path.slice(0, -1))
  const last = path.at(-1)
  if (isTable(parent) && last !== undefined) Reflect.deleteProperty(parent, last)
}

/** A key found in the tree: the table that holds it, its path there, its path for messages. */
export interface Located {
  readonly table: Table
  readonly path: readonly string[]
  readonly display: readonly (string | number)[]
}

/** Where a key path may sit in `table`: each `[]` (any element of an array of tables) expanded. */
export function locate(
  table: Table,
  path: readonly string[],
  prefix: (string | number)[] = [],
): Located[] {
  const at = path.indexOf('[]')
  if (at < 0) return [{ table, path, display: [...prefix, ...path] }]
  const list = getPath(table, path.slice(0, at))
  if (!Array.isArray(list)) return []
  return list.flatMap((element: unknown, i) =>
    isTable(element)
      ? locate(element, path.slice(at + 1), [...prefix, ...path.slice(0, at), i])
      : [],
  )
}

/** Each secret key paired with its `_file` key. */
const SECRET_PAIRS: readonly (readonly [readonly string[], readonly string[]])[] =
  CONFIG_KEYS.filter((k) => k.role === 'secret').flatMap((k) => {
    const file = CONFIG_KEYS.find((f) => f.role === 'secret-file' && f.key === `${k.key}_file`)
    return file === undefined ? [] : [[k.path, file.path] as const]
  })

/** Merges layers, later ones winning; a secret and its `_file` replace each other. */
export function mergeLayers(layers: readonly Layer[]): Merged {
  const tree: Table = {}
  const sources = new Map<string, string>()
  const issues: ConfigIssue[] = []
  for (const layer of layers) {
    for (const [secret, file] of SECRET_PAIRS) {
      const hasSecret = getPath(layer.tree, secret) !== undefined
      const hasFile = getPath(layer.tree, file) !== undefined
      if (hasSecret && hasFile) issues.push(bothGiven(layer, secret, file))
      if (hasSecret) deletePath(tree, file)
      if (hasFile) deletePath(tree, secret)
    }
    mergeTable(sources, tree, layer, layer.tree, [])
  }
  return { tree, sources, issues }
}

function bothGiven(layer: Layer, secret: readonly string[], file: readonly string[]): ConfigIssue {
  const path = formatPath(file)
  const source = layer.keySources?.get(path) ?? layer.source
  return { path, source, message: `give either ${formatPath(secret)} or ${path}, not both` }
}

function mergeTable(
  sources: Map<string, string>,
  target: Table,
  layer: Layer,
  from: Table,
  at: readonly string[],
): void {
  for (const [key, value] of Object.entries(from)) {
    const path = [...at, key]
    const current = target[key]
    const source = (): string => layer.keySources?.get(formatPath(path)) ?? layer.source
    if (!isTable(value)) {
      target[key] = value
      sources.set(formatPath(path), source())
    } else if (current === undefined || isTable(current)) {
      const table = current ?? (target[key] = {})
      if (isTable(table)) mergeTable(sources, table, layer, value, path)
      if (Object.keys(value).length === 0) sources.set(formatPath(path), source())
    }
    // A table over a non-table is dropped: the lower layer's type error is reported instead.
  }
}
