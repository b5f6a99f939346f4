/**
 * Loads the configuration once, at start: defaults < config file < environment < command
 * line. Every problem from every source is collected and reported together, each naming
 * its key and where the value came from. Leaves never read `process.env`: it is passed in.
 */
import { readFileSync } from 'node:fs'
import type { z } from 'zod'
import { err, ok, type Result } from '../core/result.ts'
import { findConfigFile, type ReadFile } from './config-file.ts'
import { configError, didYouMean, type ConfigError, type ConfigIssue } from './errors.ts'
import { CONFIG_KEYS, formatPath } from './keys.ts'
import { getPath, mergeLayers, setPath, type Layer, type Merged } from './layers.ts'
import { cliOverrides, envOverrides, PORT_SOURCE, type ConfigFlags } from './overrides.ts'
import { parseConfigTree, type Config } from './schema.ts'
import { anchorFilePaths } from './relative-paths.ts'
import { resolveSecretFiles } from './secrets.ts'

/** What `loadConfig` needs: the CLI flags, the environment, the working directory. */
export interface LoadConfigOptions {
  readonly flags: ConfigFlags
  readonly env: Readonly<Record<string, string | undefined>>
  /** Resolves `--config`, `./dynzone.toml` and relative paths from the environment and flags. */
  readonly cwd: string
  /** Reads config and secret files; defaults to `readFileSync(path, 'utf8')`. */
  readonly readFile?: ReadFile
}

/** The loaded config and the absolute path of the file it came from (null: none). */
export interface LoadedConfig {
  readonly config: Config
  readonly source: string | null
  /** Problems that do not stop the load (a secret file readable by others). */
  readonly warnings?: readonly string[]
}

/** Loads, merges and validates the configuration. */
export function loadConfig(options: LoadConfigOptions): Result<LoadedConfig, ConfigError> {
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'))
  const found = findConfigFile(options.flags.config, options.cwd, readFile)
  const env = envOverrides(options.env)
  const cli = cliOverrides(options.flags)
  if (found.file !== null) anchorFilePaths(found.file.tree, found.file.path)
  const fileLayers: Layer[] =
    found.file === null ? [] : [{ source: found.file.display, tree: found.file.tree }]
  const merged = mergeLayers([...fileLayers, ...env.layers, ...cli.layers])
  if (options.env.PORT !== undefined && getPath(merged.tree, ['http', 'listen']) === undefined) {
    setPath(merged.tree, ['http', 'listen'], '0.0.0.0')
    merged.sources.set('http.listen', PORT_SOURCE)
  }
  const warnings: string[] = []
  const issues: ConfigIssue[] = [
    ...found.issues,
    ...env.issues,
    ...cli.issues,
    ...merged.issues,
    ...resolveSecretFiles(merged, readFile, options.cwd, warnings),
  ]
  const parsed = parseConfigTree(merged.tree)
  const fallback = found.file?.display ?? 'defaults'
  if (!parsed.ok) issues.push(...parsed.error.flatMap((i) => fromZod(i, merged, fallback)))
  if (issues.length > 0 || !parsed.ok) return err(configError(issues))
  const source = found.file?.path ?? null
  return ok(
    warnings.length === 0
      ? { config: parsed.value, source }
      : { config: parsed.value, source, warnings },
  )
}

function fromZod(issue: z.core.$ZodIssue, merged: Merged, fallback: string): ConfigIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((name) => {
      const path = formatPath([...issue.path, name])
      const siblings = siblingKeys(issue.path).map((s) => formatPath([...issue.path, s]))
      const hint = didYouMean(path, siblings)
      return {
        path,
        source: sourceOf(merged, [...issue.path, name], fallback),
        message: `unknown key "${path}"${hint}`,
      }
    })
  }
  return [
    {
      path: formatPath(issue.path),
      source: sourceOf(merged, issue.path, fallback),
      message: issue.message,
    },
  ]
}

/** The source of the most specific key on `path` that some layer set. */
function sourceOf(merged: Merged, path: readonly PropertyKey[], fallback: string): string {
  for (let length = path.length; length > 0; length--) {
    const source = merged.sources.get(formatPath(path.slice(0, length)))
    if (source !== undefined) return source
  }
  return fallback
}

/** The keys a table at `parent` may hold, for "did you mean" hints. */
function siblingKeys(parent: readonly PropertyKey[]): string[] {
  const pattern = parent.map((s) => (typeof s === 'number' ? '[]' : String(s)))
  const names = CONFIG_KEYS.filter(
    (k) => k.path.length > pattern.length && pattern.every((s, i) => k.path[i] === s),
  ).map((k) => k.path[pattern.length] ?? '')
  return [...new Set(names)]
}
