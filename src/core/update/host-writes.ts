/**
 * The host path of an UPDATE: which changed RRsets are a host's dynamic data (its own A, AAAA,
 * TXT; the TXT at its `_acme-challenge` name) and the store writes they make; the rest are
 * static records. ACME values keep their expiry unless added again.
 */
import { addTxt, parseTxtText, type TxtValue } from './acme-txt.ts'
import type { Fqdn } from '../names.ts'
import type { RecordWrite } from '../ports.ts'
import { RECORD_TYPES, type RecordType } from '../records.ts'
import type { NameState } from './record-state.ts'
import type { ZoneChange as RecordChange } from './zone-changes.ts'
import type { StaticEdit } from './static-records.ts'
import type { RRsetState } from './zone-changes.ts'

/** One RRset that differs after the changes. */
export interface Changed {
  readonly name: Fqdn
  readonly type: string
  readonly next: RRsetState | undefined
}

/** The changed RRsets by path: a host's dynamic data, or static records. */
export function splitChanges(
  changed: readonly Changed[],
  hosts: ReadonlyMap<Fqdn, NameState>,
): { host: Changed[]; statics: StaticEdit[] } {
  const host: Changed[] = []
  const statics: StaticEdit[] = []
  for (const c of changed) {
    const s = hosts.get(c.name)
    if (s !== undefined && hostManaged(s, c.type)) {
      // The host path keeps the host's TTL: only a change of values is a change.
      const before = s.rrsets.get(c.type) ?? []
      const after = c.next?.values ?? []
      if (before.length !== after.length || after.some((v) => !before.includes(v))) host.push(c)
    } else if (isRecordType(c.type)) {
      statics.push({ name: c.name, type: c.type, next: c.next })
    }
  }
  return { host, statics }
}

/** Record types the UPDATE path writes at a host's own name through the host path. */
export const HOST_UPDATE_TYPES: readonly RecordType[] = ['A', 'AAAA', 'TXT']

/** A host's own A/AAAA/TXT, or the TXT at its `_acme-challenge` name. */
export function hostManaged(s: NameState, type: string): boolean {
  if (s.kind === 'host') return HOST_UPDATE_TYPES.some((t) => t === type)
  return s.kind === 'acme' && type === 'TXT'
}

export function isRecordType(type: string): type is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(type)
}

function sameAcme(a: readonly TxtValue[], b: readonly TxtValue[]): boolean {
  const key = (l: readonly TxtValue[]): string =>
    l
      .map((v) => `${v.value} ${v.expiresAt}`)
      .sort()
      .join('\n')
  return key(a) === key(b)
}

/** The host path's writes for the hosts' RRsets that changed; ACME values live `txtTtlSeconds`. */
export function hostWrites(
  changed: readonly Changed[],
  hosts: ReadonlyMap<Fqdn, NameState>,
  changes: readonly RecordChange[],
  now: Date,
  txtTtlSeconds: number,
): RecordWrite[] {
  const writes: RecordWrite[] = []
  for (const c of changed) {
    const s = hosts.get(c.name)
    if (s?.host === undefined) continue
    if (s.kind === 'host') {
      writes.push({
        kind: 'host',
        host: s.host,
        type: c.type as RecordType,
        values: c.next?.values ?? [],
      })
      continue
    }
    const values = acmeValues(s.acme, c, changes, now, txtTtlSeconds)
    if (!sameAcme(s.acme, values)) writes.push({ kind: 'acme', host: s.host, values })
  }
  return writes
}

// The live ACME values after the change: each value added gets a fresh expiry.
function acmeValues(
  live: readonly TxtValue[],
  c: Changed,
  changes: readonly RecordChange[],
  now: Date,
  ttl: number,
): TxtValue[] {
  const expires = new Date(now.getTime() + ttl * 1000).toISOString()
  const added = new Set(
    changes
      .filter((x) => x.kind === 'add' && x.name === c.name)
      .map((x) => (x.kind === 'add' ? x.value : '')),
  )
  let values: TxtValue[] = []
  for (const quoted of c.next?.values ?? []) {
    const text = acmeText(quoted) ?? ''
    const kept = live.find((v) => v.value === text)
    values =
      added.has(quoted) || kept === undefined ? addTxt(values, text, expires) : [...values, kept]
  }
  return values
}

/** One quoted TXT string back to its text, when it is a valid ACME value (else undefined). */
export function acmeText(value: string): string | undefined {
  const m = /^"((?:[^"\\]|\\["\\])*)"$/.exec(value)
  const text = m?.[1]?.replace(/\\(.)/g, '$1')
  return text !== undefined && parseTxtText(text).ok ? text : undefined
}
