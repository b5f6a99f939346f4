/**
 * Overrides from the environment and the command line, turned into layers. Env names come
 * from the schema (`http.trusted_proxies` ↔ `DYNZONE_HTTP_TRUSTED_PROXIES`); `zones` has
 * none, as an array of tables has no sensible flat spelling: zones live in the file.
 */
import { didYouMean, type ConfigIssue } from './errors.ts'
import { ENV_PREFIX, KEYS_BY_ENV, OVERRIDABLE_KEYS, type ConfigKey } from './keys.ts'
import { setPath, type Layer, type Table } from './layers.ts'
import { parseOverride } from './values.ts'

/** Command-line flags that bear on config (commander's `opts()` fits this shape). */
export interface ConfigFlags {
  /** `--config <path>`: the file to load; it must exist. */
  readonly config?: string | undefined
  /** Repeated `--set key.path=value`. */
  readonly set?: readonly string[] | undefined
  readonly dataDir?: string | undefined
  readonly httpPort?: string | number | undefined
  readonly dnsPort?: string | number | undefined
  readonly httpListen?: string | undefined
  readonly dnsListen?: string | undefined
  readonly logLevel?: string | undefined
}

/** The config key each named flag sets. */
export const FLAG_KEYS = {
  dataDir: 'data_dir',
  httpPort: 'http.port',
  dnsPort: 'dns.port',
  httpListen: 'http.listen',
  dnsListen: 'dns.listen',
  logLevel: 'log.level',
} as const satisfies Record<Exclude<keyof ConfigFlags, 'config' | 'set'>, string>

/** The source name used for `PORT`. */
export const PORT_SOURCE = 'environment variable PORT'

/** Layers from overrides, lowest precedence first, and the problems met building them. */
export interface Overrides {
  readonly layers: readonly Layer[]
  readonly issues: readonly ConfigIssue[]
}

const ZONES_HINT = ' (zones can only be set in the config file)'

/** `PORT` (below everything else from the environment), then every `DYNZONE_*` variable. */
export function envOverrides(env: Readonly<Record<string, string | undefined>>): Overrides {
  const layers: Layer[] = []
  const issues: ConfigIssue[] = []
  const port = env.PORT
  if (port !== undefined) {
    layers.push({ source: PORT_SOURCE, tree: { http: { port: parseOverride(port, 'number') } } })
  }
  const tree: Table = {}
  const keySources = new Map<string, string>()
  for (const name of Object.keys(env).sort()) {
    const raw = env[name]
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue
    const source = `environment variable ${name}`
    const key = KEYS_BY_ENV.get(name)
    if (key === undefined) {
      const hint = name.startsWith(`${ENV_PREFIX}ZONES`)
        ? ZONES_HINT
        : didYouMean(name, KEYS_BY_ENV.keys())
      issues.push({ path: '', source, message: `unknown environment variable ${name}${hint}` })
      continue
    }
    setPath(tree, key.path, parseOverride(raw, key.kind))
    keySources.set(key.key, source)
  }
  layers.push({ source: 'environment', tree, keySources })
  return { layers, issues }
}

/** `--set key.path=value` entries in order, then the named flags. */
export function cliOverrides(flags: ConfigFlags): Overrides {
  const tree: Table = {}
  const issues: ConfigIssue[] = []
  const source = 'command line'
  for (const entry of flags.set ?? []) {
    const eq = entry.indexOf('=')
    const name = (eq < 0 ? entry : entry.slice(0, eq)).trim()
    const key = OVERRIDABLE_KEYS.get(name)
    if (eq < 0) {
      issues.push({ path: '', source, message: missingEquals(entry) })
    } else if (key === undefined) {
      const hint = name.startsWith('zones') ? ZONES_HINT : didYouMean(name, OVERRIDABLE_KEYS.keys())
      issues.push({ path: name, source, message: `unknown key "${name}"${hint}` })
    } else {
      setPath(tree, key.path, parseOverride(entry.slice(eq + 1), key.kind))
    }
  }
  for (const [flag, name] of Object.entries(FLAG_KEYS) as [keyof typeof FLAG_KEYS, string][]) {
    const value = flags[flag]
    if (value === undefined) continue
    const key = knownKey(name)
    setPath(tree, key.path, typeof value === 'number' ? value : parseOverride(value, key.kind))
  }
  return { layers: [{ source, tree }], issues }
}

// Only a known key at the start is echoed: the rest may be a secret typed without "=".
function missingEquals(entry: string): string {
  const longest = [...OVERRIDABLE_KEYS.keys()]
    .filter((key) => entry.trim().startsWith(key))
    .sort((a, b) => b.length - a.length)[0]
  const shown = longest === undefined ? '' : ` "${longest}${entry.trim() === longest ? '' : '…'}"`
  return `--set${shown}: expected key.path=value (no "=" found)`
}

function knownKey(name: string): ConfigKey {
  const key = OVERRIDABLE_KEYS.get(name)
  if (key === undefined) throw new Error(`FLAG_KEYS names unknown config key ${name}`)
  return key
}
