import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ZoneIndex } from '../authoritative/index/zone-index.ts'
import { BuiltinBackend } from '../backends/builtin/builtin-backend.ts'
import type { Fqdn } from '../core/names.ts'
import { recordSetsFromLines, zoneFromLines } from '../../test/helpers/zone-lines.ts'
import { Publisher } from './publisher.ts'
import { describeResync, resyncZone, type DesiredZone } from './resync.ts'

const zone = 'dyn.example.test' as Fqdn
const home = 'home.dyn.example.test' as Fqdn
const gone = 'gone.dyn.example.test' as Fqdn

const SERVED = `
dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60
dyn.example.test. 300 IN NS ns1.example.test.
ns1.dyn.example.test. 300 IN A 192.0.2.53
home.dyn.example.test. 60 IN A 203.0.113.1
home.dyn.example.test. 60 IN AAAA 2001:db8::1
gone.dyn.example.test. 60 IN A 203.0.113.9
`

function setup(): { index: ZoneIndex; backend: BuiltinBackend; publisher: Publisher } {
  const index = new ZoneIndex()
  assert.ok(index.load(zoneFromLines(SERVED)).ok)
  const backend = new BuiltinBackend(index)
  const logger = { info: () => undefined, warn: () => undefined }
  const publisher = new Publisher({ backends: new Map([[zone, backend]]), logger })
  return { index, backend, publisher }
}

describe('resyncZone', () => {
  it('repairs managed drift in one change, logs and counts it, and leaves the rest', async () => {
    const { index, backend, publisher } = setup()
    const warned: object[] = []
    const counted: number[] = []
    const desired: DesiredZone = {
      serial: 7,
      hosts: [home],
      records: recordSetsFromLines('home.dyn.example.test. 60 IN A 203.0.113.2'),
    }
    const r = await resyncZone({
      zone,
      backend,
      publisher,
      desired: () => Promise.resolve(desired),
      known: new Set([gone]),
      logger: { info: () => undefined, warn: (o) => void warned.push(o) },
      observer: {
        published: () => undefined,
        failed: () => undefined,
        depth: () => undefined,
        drifted: (_z, n) => void counted.push(n),
      },
      countDrift: true,
    })
    assert.ok(r.ok)
    assert.equal(
      describeResync(r.value),
      'repaired 3 RRsets at serial 7: home.dyn.example.test A (different), home.dyn.example.test AAAA (extra), gone.dyn.example.test A (extra)',
    )
    assert.equal(warned.length, 3)
    assert.deepEqual(counted, [3])
    assert.equal(publisher.publishedSerial(zone), 7)
    const after = (index.read(zone) ?? []).map((s) => `${s.name} ${s.type} ${s.values.join(',')}`)
    assert.deepEqual(after.sort(), [
      'dyn.example.test NS ns1.example.test',
      'home.dyn.example.test A 203.0.113.2',
      'ns1.dyn.example.test A 192.0.2.53',
    ])
    publisher.close()
  })

  it('reports in sync and changes nothing the second time', async () => {
    const { backend, publisher } = setup()
    const desired: DesiredZone = {
      serial: 3,
      hosts: [home],
      records: recordSetsFromLines(`
        home.dyn.example.test. 60 IN A 203.0.113.1
        home.dyn.example.test. 60 IN AAAA 2001:db8::1
      `),
    }
    const r = await resyncZone({
      zone,
      backend,
      publisher,
      desired: () => Promise.resolve(desired),
      known: new Set(),
      logger: { info: () => undefined, warn: () => assert.fail('no drift expected') },
      countDrift: true,
    })
    assert.ok(r.ok)
    assert.equal(describeResync(r.value), 'in sync at serial 3')
    publisher.close()
  })

  it('counts the held owners it is told are hosts, for that resync only', async () => {
    const { index, backend, publisher } = setup()
    const desired: DesiredZone = {
      serial: 4,
      hosts: [home],
      records: recordSetsFromLines(`
        home.dyn.example.test. 60 IN A 203.0.113.1
        home.dyn.example.test. 60 IN AAAA 2001:db8::1
      `),
    }
    const known = new Set<Fqdn>()
    const r = await resyncZone({
      zone,
      backend,
      publisher,
      desired: () => Promise.resolve(desired),
      known,
      // As zone-sync does for the built-in index: every owner but the apex and ns1's address.
      heldHosts: (held) =>
        held.map((s) => s.name).filter((n) => n !== zone && n !== 'ns1.dyn.example.test'),
      logger: { info: () => undefined, warn: () => undefined },
      countDrift: true,
    })
    assert.ok(r.ok)
    assert.equal(
      describeResync(r.value),
      'repaired 1 RRset at serial 4: gone.dyn.example.test A (extra)',
    )
    const names = (index.read(zone) ?? []).map((s) => s.name).sort()
    assert.deepEqual(names, [zone, home, home, 'ns1.dyn.example.test'])
    assert.deepEqual([...known], [home])
    publisher.close()
  })
})

describe('resyncZone and static records', () => {
  const MX = 'dyn.example.test. 60 IN MX 10 mail.example.test.'
  const WWW = 'www.dyn.example.test. 60 IN CNAME home.dyn.example.test.'

  it('removes a static RRset the store wanted earlier in this process and no longer does', async () => {
    const { index, backend, publisher } = setup()
    const knownKeys = new Set<string>()
    const logger = { info: () => undefined, warn: () => undefined }
    const resync = (records: string) =>
      resyncZone({
        zone,
        backend,
        publisher,
        desired: () =>
          Promise.resolve({
            serial: 9,
            hosts: [home, gone],
            records: recordSetsFromLines(records),
          }),
        known: new Set(),
        knownKeys,
        logger,
        countDrift: false,
      })
    const hosts = `
      home.dyn.example.test. 60 IN A 203.0.113.1
      home.dyn.example.test. 60 IN AAAA 2001:db8::1
      gone.dyn.example.test. 60 IN A 203.0.113.9
    `
    const first = await resync(`${hosts}\n${MX}\n${WWW}`)
    assert.ok(first.ok)
    assert.equal(first.value.drift.length, 2)
    const second = await resync(hosts)
    assert.ok(second.ok)
    assert.equal(
      describeResync(second.value),
      'repaired 2 RRsets at serial 9: dyn.example.test MX (extra), www.dyn.example.test CNAME (extra)',
    )
    const after = (index.read(zone) ?? []).map((s) => `${s.name} ${s.type}`)
    assert.deepEqual(after.sort(), [
      'dyn.example.test NS',
      'gone.dyn.example.test A',
      'home.dyn.example.test A',
      'home.dyn.example.test AAAA',
      'ns1.dyn.example.test A',
    ])
    publisher.close()
  })

  it('on the built-in index, removes a static RRset it holds that the store no longer has', async () => {
    const { index, backend, publisher } = setup()
    assert.ok(
      (
        await backend.apply(
          { zone, serial: 2, replace: recordSetsFromLines(WWW), remove: [] },
          new AbortController().signal,
        )
      ).ok,
    )
    const r = await resyncZone({
      zone,
      backend,
      publisher,
      desired: () =>
        Promise.resolve({
          serial: 4,
          hosts: [home, gone],
          records: recordSetsFromLines(`
            home.dyn.example.test. 60 IN A 203.0.113.1
            home.dyn.example.test. 60 IN AAAA 2001:db8::1
            gone.dyn.example.test. 60 IN A 203.0.113.9
          `),
        }),
      known: new Set(),
      heldHosts: (held) =>
        held.map((s) => s.name).filter((n) => n !== zone && n !== 'ns1.dyn.example.test'),
      logger: { info: () => undefined, warn: () => undefined },
      countDrift: false,
    })
    assert.ok(r.ok)
    assert.equal(
      describeResync(r.value),
      'repaired 1 RRset at serial 4: www.dyn.example.test CNAME (extra)',
    )
    assert.equal(
      index.read(zone)?.some((s) => s.type === 'CNAME'),
      false,
    )
    publisher.close()
  })
})
