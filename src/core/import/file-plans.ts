/**
 * dynzone's own export formats read back: the JSON document (users, groups, hosts with
 * records, tokens as keyed hashes; `docs/import-export.md`) and the hosts CSV
 * (`fqdn,owner,ipv4,ipv6,dns_ttl,expiry_ttl`). Checked field by field; every problem is
 * reported with where it is, and a plan is returned only when there is none.
 */
import { parseIpOf } from '../addresses/addresses.ts'
import { emptyPlan, type ImportPlan, type PlanHost } from './import-plan.ts'
import { parseName, type Fqdn } from '../names.ts'
import { err, ok, type Result } from '../result.ts'
import { parseTokenScope } from '../auth/token-scope.ts'
import { parseCidrList, parseTypeList } from '../auth/token-restrictions.ts'

/** The `format` and `version` an export carries. */
export const EXPORT_FORMAT = { format: 'dynzone', version: 1 } as const

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

// Reads fields of one item, collecting problems as "<where>.<field>: <what>".
class Fields {
  constructor(
    readonly o: Obj,
    readonly where: string,
    readonly errors: string[],
  ) {}
  #bad(key: string, what: string): void {
    this.errors.push(`${this.where}.${key}: ${what}`)
  }
  str(key: string, max = 253): string {
    const v = this.o[key]
    if (typeof v === 'string' && v.length > 0 && v.length <= max) return v
    this.#bad(key, `expected text of 1-${String(max)} characters`)
    return ''
  }
  optStr(key: string, max = 253): string | null {
    return this.o[key] === undefined || this.o[key] === null ? null : this.str(key, max)
  }
  int(key: string, min: number, max: number, fallback: number): number {
    const v = this.o[key] ?? fallback
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v
    this.#bad(key, `expected a whole number from ${String(min)} to ${String(max)}`)
    return fallback
  }
  name(key: string): Fqdn {
    const n = parseName(this.str(key))
    if (n.ok) return n.value
    this.#bad(key, n.error.message)
    return '' as Fqdn
  }
  ip(key: string, family: 4 | 6): string | null {
    const text = this.optStr(key, 64)
    if (text === null) return null
    const a = parseIpOf(text, family)
    if (a.ok) return a.value.text
    this.#bad(key, a.error.message)
    return null
  }
  list(key: string): unknown[] {
    const v = this.o[key] ?? []
    if (Array.isArray(v)) return v
    this.#bad(key, 'expected a list')
    return []
  }
}

/** Reads a dynzone JSON export into a plan. */
export function jsonPlan(text: string): Result<ImportPlan, string[]> {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    return err([`not JSON: ${(e as Error).message}`])
  }
  if (!isObj(doc) || doc.format !== EXPORT_FORMAT.format || doc.version !== EXPORT_FORMAT.version)
    return err([`not a dynzone export (expected "format": "dynzone", "version": 1)`])
  const errors: string[] = []
  const items = (key: string): [Fields, number][] =>
    new Fields(doc, '$', errors).list(key).map((v, i) => {
      const where = `${key}[${String(i)}]`
      if (!isObj(v)) errors.push(`${where}: expected an object`)
      return [new Fields(isObj(v) ? v : {}, where, errors), i]
    })
  const users = items('users').map(([f]) => ({
    where: f.where,
    name: f.str('name', 64),
    email: f.optStr('email', 254),
    passwordHash: f.optStr('password_hash', 255),
    admin: f.o.admin === true,
    createdAt: f.optStr('created_at', 40),
  }))
  const groups = items('groups').map(([f]) => ({
    where: f.where,
    name: f.str('name', 64),
    owner: f.str('owner', 64),
    prefixLength: f.int('prefix_length', 8, 120, 64),
    prefix: f.optStr('prefix', 64),
  }))
  const hosts = items('hosts').map(([f]) => hostOf(f))
  const tokens = items('tokens').map(([f]) => {
    const scope = f.str('scope', 16)
    if (scope !== '' && parseTokenScope(scope) === undefined)
      errors.push(`${f.where}.scope: unknown scope "${scope.slice(0, 16)}"`)
    const hash = f.str('hash', 64)
    if (hash !== '' && !/^[0-9a-f]{64}$/.test(hash))
      errors.push(`${f.where}.hash: expected 64 hex digits`)
    const types = f.optStr('record_types', 40)
    if (types !== null && !parseTypeList(types).ok) errors.push(`${f.where}.record_types: bad list`)
    const cidrs = f.optStr('source_cidrs', 2000)
    if (cidrs !== null && !parseCidrList(cidrs).ok) errors.push(`${f.where}.source_cidrs: bad list`)
    return {
      where: f.where,
      owner: f.str('owner', 64),
      hash,
      label: typeof f.o.label === 'string' ? f.o.label.slice(0, 100) : '',
      scope,
      hosts: f.list('hosts').map((h, i) => {
        const n = parseName(typeof h === 'string' ? h : '')
        if (!n.ok) errors.push(`${f.where}.hosts[${String(i)}]: ${n.error.message}`)
        return (n.ok ? n.value : '') as Fqdn
      }),
      recordTypes: types,
      sourceCidrs: cidrs,
      expiresAt: f.optStr('expires_at', 40),
      lowEntropy: f.o.low_entropy === true,
      ensure: false,
    }
  })
  if (errors.length > 0) return err(errors)
  return ok({ ...emptyPlan(), users, groups, hosts, tokens })
}

function hostOf(f: Fields): PlanHost {
  const group = isObj(f.o.group) ? new Fields(f.o.group, `${f.where}.group`, f.errors) : null
  return {
    where: f.where,
    fqdn: f.name('fqdn'),
    owner: f.str('owner', 64),
    ensure: false,
    dnsTtl:
      f.o.dns_ttl === null || f.o.dns_ttl === undefined ? null : f.int('dns_ttl', 1, 604800, 60),
    expiryTtl: f.int('expiry_ttl', 0, 31536000, 0),
    lanIpv4: f.ip('lan_ipv4', 4),
    lanIpv6: f.ip('lan_ipv6', 6),
    group: group === null ? null : { name: group.str('name', 64), iid: group.str('iid', 64) },
    records: f.list('records').map((r, i) => {
      const rf = new Fields(isObj(r) ? r : {}, `${f.where}.records[${String(i)}]`, f.errors)
      const type = rf.o.type === 'AAAA' ? 'AAAA' : 'A'
      if (rf.o.type !== 'A' && rf.o.type !== 'AAAA')
        rf.errors.push(`${rf.where}.type: expected A or AAAA`)
      return { type, value: rf.ip('value', type === 'A' ? 4 : 6) ?? '' }
    }),
  }
}

const CSV_COLUMNS = ['fqdn', 'owner', 'ipv4', 'ipv6', 'dns_ttl', 'expiry_ttl'] as const

/** Reads a hosts CSV (a header row naming the columns, `fqdn` and `owner` required). */
export function hostsCsvPlan(text: string): Result<ImportPlan, string[]> {
  const lines = text.split(/\r?\n/)
  const header = (lines[0] ?? '').split(',').map((c) => c.trim().toLowerCase())
  const unknown = header.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c))
  if (unknown.length > 0 || !header.includes('fqdn') || !header.includes('owner'))
    return err([`line 1: expected a header of ${CSV_COLUMNS.join(',')} (fqdn and owner required)`])
  const errors: string[] = []
  const hosts: PlanHost[] = []
  lines.slice(1).forEach((raw, i) => {
    if (raw.trim() === '') return
    const cells = raw.split(',').map((c) => c.trim())
    const where = `line ${String(i + 2)}`
    if (cells.length !== header.length) {
      errors.push(`${where}: expected ${String(header.length)} columns`)
      return
    }
    const row: Obj = {}
    header.forEach((c, j) => {
      const v = cells[j] ?? ''
      if (v !== '') row[c] = c === 'dns_ttl' || c === 'expiry_ttl' ? Number(v) : v
    })
    const records = [
      ...(row.ipv4 === undefined ? [] : [{ type: 'A', value: row.ipv4 }]),
      ...(row.ipv6 === undefined ? [] : [{ type: 'AAAA', value: row.ipv6 }]),
    ]
    hosts.push(hostOf(new Fields({ ...row, records }, where, errors)))
  })
  return errors.length > 0 ? err(errors) : ok({ ...emptyPlan(), hosts })
}
