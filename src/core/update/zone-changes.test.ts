import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../names.ts'
import {
  applyZoneChanges,
  changedRRsets,
  copyState,
  type NameRRsets,
  type ZoneChange,
} from './zone-changes.ts'

const ZONE = 'dyn.test' as Fqdn
const n = (s: string): Fqdn => (s === '@' ? ZONE : (`${s}.${ZONE}` as Fqdn))

/** The state as zone-file-like lines `name TTL TYPE value`, sorted. */
function lines(state: ReadonlyMap<Fqdn, NameRRsets>): string[] {
  return [...state]
    .flatMap(([name, rrsets]) =>
      [...rrsets].flatMap(([type, s]) =>
        s.values.map((v) => `${name} ${String(s.ttl)} ${type} ${v}`),
      ),
    )
    .sort()
}

function start(): Map<Fqdn, NameRRsets> {
  return new Map<Fqdn, NameRRsets>([
    [
      ZONE,
      new Map([
        ['SOA', { ttl: 60, values: [] }],
        ['NS', { ttl: 60, values: ['ns1.example.net'] }],
        ['MX', { ttl: 60, values: [`10 mail.${ZONE}`] }],
      ]),
    ],
    [n('mail'), new Map([['A', { ttl: 60, values: ['192.0.2.25'] }]])],
    [n('www'), new Map([['CNAME', { ttl: 60, values: [`mail.${ZONE}`] }]])],
  ])
}

const cases: { what: string; changes: ZoneChange[]; want: string[]; ignored?: number }[] = [
  {
    what: 'a CNAME beside other data is ignored (RFC 2136 §3.4.2.2)',
    changes: [{ kind: 'add', name: n('mail'), type: 'CNAME', ttl: 60, value: 'x.example' }],
    want: [],
    ignored: 1,
  },
  {
    what: 'other data beside a CNAME is ignored',
    changes: [{ kind: 'add', name: n('www'), type: 'TXT', ttl: 60, value: '"t"' }],
    want: [],
    ignored: 1,
  },
  {
    what: 'a CNAME where a CNAME is replaces it',
    changes: [{ kind: 'add', name: n('www'), type: 'CNAME', ttl: 300, value: 'x.example' }],
    want: [`www.${ZONE} CNAME`],
  },
  {
    what: 'a new name of any type is created, its TTL the RRset’s',
    changes: [
      { kind: 'add', name: n('_sip._tcp'), type: 'SRV', ttl: 120, value: `10 5 5060 mail.${ZONE}` },
      { kind: 'add', name: n('mail'), type: 'A', ttl: 30, value: '192.0.2.26' },
    ],
    want: [`_sip._tcp.${ZONE} SRV`, `mail.${ZONE} A`],
  },
  {
    what: 'deleting everything at the apex keeps SOA and NS',
    changes: [{ kind: 'delete-name', name: ZONE }],
    want: [`${ZONE} MX`],
  },
  {
    what: 'deleting the apex NS, RRset or value, is ignored',
    changes: [
      { kind: 'delete-rrset', name: ZONE, type: 'NS' },
      { kind: 'delete-value', name: ZONE, type: 'NS', value: 'ns1.example.net' },
    ],
    want: [],
    ignored: 2,
  },
  {
    what: 'adding then deleting in one message leaves nothing to do',
    changes: [
      { kind: 'add', name: n('tmp'), type: 'TXT', ttl: 60, value: '"x"' },
      { kind: 'delete-name', name: n('tmp') },
    ],
    want: [],
  },
  {
    what: 'an equal record added again changes nothing',
    changes: [{ kind: 'add', name: n('mail'), type: 'A', ttl: 60, value: '192.0.2.25' }],
    want: [],
  },
]

void describe('applyZoneChanges (RFC 2136 §3.4.2 as BIND applies it)', () => {
  for (const c of cases) {
    void it(c.what, () => {
      const before = start()
      const after = copyState(before)
      const ignored = applyZoneChanges(ZONE, after, c.changes)
      assert.equal(ignored.length, c.ignored ?? 0, ignored.join('; '))
      const changed = changedRRsets(before, after).map((r) => `${r.name} ${r.type}`)
      assert.deepEqual(changed.sort(), c.want.sort())
      assert.deepEqual(lines(before), lines(start()), 'the original is not touched')
    })
  }
})
