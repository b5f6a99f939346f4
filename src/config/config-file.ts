/**
 * Finding and reading dynzone.toml: `--config <path>` (must exist), else `./dynzone.toml`,
 * else `/etc/dynzone/dynzone.toml`, else no file at all (defaults only).
 */
import { isAbsolute, relative, resolve } from 'node:path'
import { parse, TomlError } from 'smol-toml'
import type { ConfigIssue } from './errors.ts'
import type { Table } from './layers.ts'

/** Reads a UTF-8 text file; throws a Node.js errno error (`ENOENT`, `EACCES`…) like `readFileSync`. */
export type ReadFile = (path: string) => string

/** Where dynzone looks for its config file when `--config` is not given, in order. */
export const CONFIG_SEARCH_PATHS = ['dynzone.toml', '/etc/dynzone/dynzone.toml'] as const

/** A config file that was found and parsed. */
export interface ConfigFile {
  /** Absolute path. */
  readonly path: string
  /** The path as shown in messages: relative to the working directory when inside it. */
  readonly display: string
  readonly tree: Table
}

/** What looking for the config file gave: the file (if any) and the problems met. */
export interface FoundConfigFile {
  readonly file: ConfigFile | null
  readonly issues: readonly ConfigIssue[]
}

/** Finds, reads and parses the config file. */
export function findConfigFile(
  explicit: string | undefined,
  cwd: string,
  readFile: ReadFile,
): FoundConfigFile {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit)
    const text = tryRead(readFile, path)
    if (typeof text === 'string') return parseFile(path, explicit, text)
    const message = `--config: cannot read "${explicit}": ${text.reason}`
    return { file: null, issues: [{ path: '', source: 'command line', message }] }
  }
  for (const candidate of CONFIG_SEARCH_PATHS) {
    const path = resolve(cwd, candidate)
    const display = displayPath(path, cwd)
    const text = tryRead(readFile, path)
    if (typeof text === 'string') return parseFile(path, display, text)
    if (!text.missing) {
      const message = `cannot read: ${text.reason}`
      return { file: null, issues: [{ path: '', source: display, message }] }
    }
  }
  return { file: null, issues: [] }
}

function parseFile(path: string, display: string, text: string): FoundConfigFile {
  try {
    return { file: { path, display, tree: parse(text) }, issues: [] }
  } catch (error) {
    if (!(error instanceof TomlError)) throw error
    // Only the first line: the rest quotes the file, which may hold a secret.
    const what = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '')
    const message = `line ${error.line}, column ${error.column}: invalid TOML: ${what}`
    return { file: null, issues: [{ path: '', source: display, message }] }
  }
}

/** Reads a file; on failure says why and whether the file simply is not there. */
export function tryRead(
  readFile: ReadFile,
  path: string,
): string | { readonly missing: boolean; readonly reason: string } {
  try {
    return readFile(path)
  } catch (error) {
    const code = errorCode(error)
    const missing = code === 'ENOENT' || code === 'ENOTDIR'
    return {
      missing,
      reason: REASONS[code ?? ''] ?? (error instanceof Error ? error.message : String(error)),
    }
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined
  return typeof error.code === 'string' ? error.code : undefined
}

function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path)
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel
}
