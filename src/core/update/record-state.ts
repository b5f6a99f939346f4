/**
 * The current RRsets at the names a record-level update mentions, read from the store (the
 * truth): what prerequisites are checked against and what the changes start from.
 */
import { ACME_LABEL, liveTxt, quoteTxt, type TxtValue } from './acme-txt.ts'
import type { Fqdn } from '../names.ts'
import type { HostRecord, RecordStore } from '../ports.ts'

/** One name's RRsets; mutable, because the changes are applied to a copy of it. */
export interface NameState {
  /** A host's own name, its `_acme-challenge` name, or a name dynzone does not manage. */
  readonly kind: 'host' | 'acme' | 'other'
  readonly host?: HostRecord
  /** Type mnemonic → values in presentation form. */
  rrsets: Map<string, string[]>
  /** For `acme`: the live values with their expiries. */
  acme: TxtValue[]
}

const ACME_PREFIX = `${ACME_LABEL}.`

/** Reads the state of each distinct name. */
export async function readRecordState(
  store: RecordStore,
  zone: Fqdn,
  names: readonly Fqdn[],
  now: Date,
): Promise<Map<Fqdn, NameState>> {
  const out = new Map<Fqdn, NameState>()
  for (const name of new Set(names)) out.set(name, await readName(store, zone, name, now))
  return out
}

async function readName(store: RecordStore, zone: Fqdn, name: Fqdn, now: Date): Promise<NameState> {
  const host = await store.findHost(name)
  if (host !== undefined) {
    const records = await store.hostRecords(host.id)
    const rrsets = new Map([...records].map(([type, values]) => [type, [...values]]))
    return { kind: 'host', host, rrsets, acme: [] }
  }
  if (name.startsWith(ACME_PREFIX)) {
    const owner = await store.findHost(name.slice(ACME_PREFIX.length) as Fqdn)
    if (owner !== undefined) {
      const acme = liveTxt(owner.txt ?? [], now)
      const rrsets = new Map<string, string[]>()
      if (acme.length > 0)
        rrsets.set(
          'TXT',
          acme.map((v) => quoteTxt(v.value)),
        )
      return { kind: 'acme', host: owner, rrsets, acme }
    }
  }
  // The apex has its SOA and NS (from the config); their values are not compared.
  const rrsets = new Map<string, string[]>(
    name === zone
      ? [
          ['SOA', []],
          ['NS', []],
        ]
      : [],
  )
  return { kind: 'other', rrsets, acme: [] }
}
