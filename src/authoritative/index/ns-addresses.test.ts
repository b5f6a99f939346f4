import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { configSchema } from '../../config/schema.ts'
import type { Fqdn } from '../../core/names.ts'
import { snapshot } from '../../jobs/zone-snapshot.ts'
import type { StoreZone } from '../../store/update-store.ts'
import { ZoneIndex } from './zone-index.ts'
import { RRType } from '../../dns/constants.ts'

const Z = 'dyn.example.com'
const zoneConfig = (extra: Record<string, unknown>) => ({ zones: [{ name: Z, ...extra }] })

function issues(extra: Record<string, unknown>): string[] {
  const r = configSchema.safeParse(zoneConfig(extra))
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

void describe('ns_addresses config', () => {
  void it('canonicalises names and addresses', () => {
    const parsed = configSchema.parse(
      zoneConfig({
        ns: ['NS1.dyn.example.com.'],
        ns_addresses: [
          { name: 'ns1.DYN.example.com', addresses: ['203.0.113.53', '2001:DB8::0:53'] },
        ],
      }),
    )
    assert.deepEqual(parsed.zones[0]?.ns_addresses, [
      { name: 'ns1.dyn.example.com', addresses: ['203.0.113.53', '2001:db8::53'] },
    ])
  })

  void it('rejects a name that is not one of ns, a bad address, an empty list, a duplicate', () => {
    assert.deepEqual(issues({ ns_addresses: [{ name: `ns2.${Z}`, addresses: ['192.0.2.1'] }] }), [
      `zones.0.ns_addresses.0.name: "ns2.${Z}" is not one of this zone's ns (ns1.${Z})`,
    ])
    assert.match(
      issues({ ns_addresses: [{ name: `ns1.${Z}`, addresses: ['192.0.2.300'] }] }).join(),
      /ns_addresses\.0\.addresses\.0: "192\.0\.2\.300" is not an IPv4 or IPv6 address/,
    )
    assert.match(
      issues({ ns_addresses: [{ name: `ns1.${Z}`, addresses: [] }] }).join(),
      /at least one address/,
    )
    const twice = { name: `ns1.${Z}`, addresses: ['192.0.2.1'] }
    assert.match(issues({ ns_addresses: [twice, twice] }).join(), /listed twice/)
    assert.match(issues({ ns_addresses: [{ name: `ns1.${Z}` }] }).join(), /addresses/)
    const outside = {
      ns: ['ns.example.net'],
      ns_addresses: [{ name: 'ns.example.net', addresses: ['192.0.2.1'] }],
    }
    assert.match(issues(outside).join(), /"ns\.example\.net" is not inside the zone/)
  })
})

void describe('snapshot with ns addresses', () => {
  const zone: StoreZone = { id: 1, name: Z as Fqdn, ttl: 60 }
  const apex = {
    zone,
    ns: [`ns1.${Z}`, 'ns.example.net'] as Fqdn[],
    rname: `hostmaster.${Z}` as Fqdn,
    refresh: 3600,
    retry: 600,
    expire: 1209600,
    minimum: 60,
    nsAddresses: [{ name: `ns1.${Z}` as Fqdn, addresses: ['192.0.2.53', '2001:db8::53'] }],
  }

  void it('adds A and AAAA, served as glue with the apex NS', () => {
    const index = new ZoneIndex()
    assert.ok(index.load(snapshot(apex, 5, [])).ok)
    const ns = index.lookup(Z, RRType.NS)
    assert.ok(ns.kind === 'answer', ns.kind)
    assert.deepEqual(
      ns.additional?.map((r) => `${r.owner} ${String(r.type)} ${r.source?.values.join(',') ?? ''}`),
      [`ns1.${Z} 1 192.0.2.53`, `ns1.${Z} 28 2001:db8::53`],
    )
  })

  void it('leaves the A of a host at the same name to the store', () => {
    const host = { name: `ns1.${Z}` as Fqdn, type: 'A' as const, ttl: 60, values: ['198.51.100.1'] }
    const records = snapshot(apex, 5, [host]).records
    assert.deepEqual(
      records.map((r) => `${r.type} ${r.values.join(',')}`),
      ['A 198.51.100.1', 'AAAA 2001:db8::53'],
    )
  })
})
