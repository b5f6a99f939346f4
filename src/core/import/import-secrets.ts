/**
 * Imports of secret-bearing files from other dynamic DNS servers: sftdyn's client list
 * (`CLIENTS = {"key": "host", …}` in its Python `.conf`, or the `key: host` line file its
 * sample reads) and dyndns53's CSV (`hostname,token`). Each secret becomes a dynzone token
 * bound to its host, stored as a keyed hash, so the old URL or credentials keep working:
 * sftdyn's `GET /<key>` and dyndns53's Basic `hostname:token` on `/register_ip`. Such a
 * token is marked low-entropy: the credential gate keeps lockouts and budgets on it.
 */
import { parseName, type Fqdn } from '../names.ts'
import { emptyPlan, type ImportPlan, type PlanHost, type PlanToken } from './import-plan.ts'
import { err, ok, type Result } from '../result.ts'
import { sftdynKeyProblem } from '../auth/sftdyn-keys.ts'

/** Who owns what is imported and how secrets are hashed. */
export interface SecretImportOptions {
  readonly owner: string
  readonly hash: (secret: string) => string
  readonly label: string
}

interface Pair {
  readonly where: string
  readonly secret: string
  readonly host: string
}

/** Parses an sftdyn `.conf` (its `CLIENTS` dict) or client-list file into a plan. */
export function sftdynPlan(text: string, o: SecretImportOptions): Result<ImportPlan, string[]> {
  const pairs = /^\s*CLIENTS\s*=\s*\{/m.test(text) ? sftdynDict(text) : sftdynLines(text)
  if (!pairs.ok) return pairs
  // A key the dialect would answer as an unknown page could never be used: refuse it here.
  const unusable = pairs.value.flatMap((p) => {
    const problem = p.secret === '' ? undefined : sftdynKeyProblem(p.secret)
    return problem === undefined ? [] : [`${p.where}: ${problem}, so sftdyn's URL cannot use it`]
  })
  return unusable.length > 0 ? err(unusable) : planOf(pairs.value, o)
}

/** Parses a dyndns53 CSV (`hostname,token`, an optional header row) into a plan. */
export function dyndns53Plan(text: string, o: SecretImportOptions): Result<ImportPlan, string[]> {
  const pairs: Pair[] = []
  const errors: string[] = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const cells = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'))
    if (i === 0 && /^host(name)?$/i.test(cells[0] ?? '')) return
    const [host, secret] = cells
    if (cells.length !== 2 || host === undefined || secret === undefined || secret === '')
      errors.push(`line ${String(i + 1)}: expected "hostname,token"`)
    else pairs.push({ where: `line ${String(i + 1)}`, host, secret })
  })
  return errors.length > 0 ? err(errors) : planOf(pairs, o)
}

// `key: host` per line; the key is everything before the last colon (sftdyn's sample splits
// on ":", so its keys had none; IPv6-free hostnames never contain one).
function sftdynLines(text: string): Result<Pair[], string[]> {
  const pairs: Pair[] = []
  const errors: string[] = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const at = line.lastIndexOf(':')
    if (at <= 0) errors.push(`line ${String(i + 1)}: expected "key: hostname"`)
    else
      pairs.push({
        where: `line ${String(i + 1)}`,
        secret: line.slice(0, at).trim(),
        host: line.slice(at + 1).trim(),
      })
  })
  return errors.length > 0 ? err(errors) : ok(pairs)
}

// The string pairs inside `CLIENTS = { … }`: "key": "host", with # comments; nothing else.
function sftdynDict(text: string): Result<Pair[], string[]> {
  const start = text.search(/^\s*CLIENTS\s*=\s*\{/m)
  const open = text.indexOf('{', start)
  const lines = text.slice(open + 1).split('\n')
  const firstLine = text.slice(0, open).split('\n').length
  const pairs: Pair[] = []
  const errors: string[] = []
  const STR = String.raw`("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')`
  const entry = new RegExp(String.raw`^${STR}\s*:\s*${STR}\s*,?$`)
  for (const [i, raw] of lines.entries()) {
    const line = raw
      .replace(/^\s+/, '')
      .replace(/\s+#[^"']*$/, '')
      .trim()
    const where = `line ${String(firstLine + i)}`
    if (line === '' || line.startsWith('#')) continue
    if (line.startsWith('}')) return errors.length > 0 ? err(errors) : ok(pairs)
    const m = entry.exec(line)
    if (m === null) errors.push(`${where}: expected "key": "hostname",`)
    else pairs.push({ where, secret: unquote(m[1] ?? ''), host: unquote(m[2] ?? '') })
  }
  return err([...errors, 'CLIENTS = { has no closing }'])
}

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, '$1')
}

function planOf(pairs: readonly Pair[], o: SecretImportOptions): Result<ImportPlan, string[]> {
  const errors: string[] = []
  const warnings: string[] = []
  const hosts = new Map<Fqdn, PlanHost>()
  const tokens: PlanToken[] = []
  const seen = new Map<string, string>()
  for (const p of pairs) {
    const name = parseName(p.host)
    if (!name.ok) {
      errors.push(`${p.where}: ${name.error.message}`)
      continue
    }
    if (p.secret === '' || /[\s]/.test(p.secret) || p.secret.length > 200) {
      errors.push(`${p.where}: the secret must be 1-200 characters without spaces`)
      continue
    }
    const hash = o.hash(p.secret)
    const dup = seen.get(hash)
    if (dup !== undefined) {
      errors.push(`${p.where}: the same secret as ${dup}`)
      continue
    }
    seen.set(hash, p.where)
    if (p.secret.length < 16) warnings.push(`${p.where}: a short secret (under 16 characters)`)
    if (!hosts.has(name.value))
      hosts.set(name.value, {
        where: p.where,
        fqdn: name.value,
        owner: o.owner,
        ensure: true,
        dnsTtl: null,
        expiryTtl: 0,
        lanIpv4: null,
        lanIpv6: null,
        group: null,
        records: [],
      })
    tokens.push({
      where: p.where,
      owner: o.owner,
      hash,
      label: o.label,
      scope: 'all',
      hosts: [name.value],
      recordTypes: null,
      sourceCidrs: null,
      expiresAt: null,
      // People chose these secrets: they may be guessed, so they keep password budgets.
      lowEntropy: true,
      ensure: true,
    })
  }
  if (errors.length > 0) return err(errors)
  return ok({ ...emptyPlan(), hosts: [...hosts.values()], tokens, warnings })
}
