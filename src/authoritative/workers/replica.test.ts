import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../../core/names.ts'
import type { ChangeSet, ZoneSnapshot } from '../../core/records.ts'
import { RRType } from '../../dns/constants.ts'
import { zoneFromLines } from '../../../test/helpers/zone-lines.ts'
import { Replica, type ZoneFeed } from './replica.ts'

const zone = 'dyn.example.test' as Fqdn
const host = 'h.dyn.example.test' as Fqdn
const at = (serial: number): string => `
dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. ${String(serial)} 3600 600 1209600 60
dyn.example.test. 300 IN NS ns1.example.test.
h.dyn.example.test. 60 IN A 192.0.2.${String(serial)}
`
const change = (serial: number): { t: 'apply'; change: ChangeSet } => ({
  t: 'apply',
  change: {
    zone,
    serial,
    replace: [{ name: host, type: 'A', ttl: 60, values: [`192.0.2.${String(serial)}`] }],
    remove: [],
  },
})

// The zone's RRsets handed over one at a time as the store does, each after an await (a page
// read), `between` called there; the feed's serial is the snapshot's, not the head's.
function feedOf(snapshot: ZoneSnapshot, between = (): void => undefined): ZoneFeed {
  return {
    head: { ...snapshot, soa: { ...snapshot.soa, serial: 0 } },
    feed: async (take) => {
      for (const set of snapshot.records) {
        await new Promise((resolve) => setImmediate(resolve))
        between()
        take(set)
      }
      return snapshot.soa.serial
    },
  }
}

function served(r: Replica): string[] {
  const got = r.index.lookup(host, RRType.A)
  return got.kind === 'answer' ? got.rrsets.flatMap((s) => s.source?.values ?? []) : [got.kind]
}

function replica(): { r: Replica; acks: number[]; problems: string[] } {
  const acks: number[] = []
  const problems: string[] = []
  const r = new Replica(
    (seq) => acks.push(seq),
    (p) => problems.push(p),
  )
  return { r, acks, problems }
}

describe('Replica', () => {
  it('keeps changes until loaded, then applies only those newer than the store read', async () => {
    const { r, acks, problems } = replica()
    // Streamed while the store was being read: 5 is older than the read, 7 newer.
    r.receive(1, change(5))
    r.receive(2, change(7))
    assert.equal(r.loaded, false)
    assert.deepEqual(acks, [])
    assert.ok((await r.load([feedOf(zoneFromLines(at(6)))])).ok)
    assert.deepEqual(served(r), ['192.0.2.7'])
    assert.equal(r.index.soa(zone)?.serial, 7)
    assert.deepEqual(acks, [1, 2])
    // Once loaded, every change is applied in order as it comes, even at the same serial
    // (a resync's repair keeps the serial).
    r.receive(3, {
      t: 'apply',
      change: {
        zone,
        serial: 7,
        replace: [{ name: host, type: 'A', ttl: 60, values: ['198.51.100.1'] }],
        remove: [],
      },
    })
    assert.deepEqual(served(r), ['198.51.100.1'])
    assert.deepEqual(acks, [1, 2, 3])
    assert.deepEqual(problems, [])
  })

  it('skips an older buffered reload, takes LAN addresses, and reports what it cannot apply', async () => {
    const { r, acks, problems } = replica()
    r.receive(1, { t: 'load', snapshot: zoneFromLines(at(3)) })
    r.receive(2, {
      t: 'lan',
      zone,
      hosts: [{ name: host, ttl: 60, ipv4: '192.168.1.9', ipv6: null }],
    })
    assert.ok((await r.load([feedOf(zoneFromLines(at(4)))])).ok)
    assert.deepEqual(served(r), ['192.0.2.4'])
    const lan = r.index.lookup(host, RRType.A, '192.0.2.4')
    assert.ok(lan.kind === 'answer')
    assert.deepEqual(
      lan.rrsets.flatMap((s) => s.source?.values ?? []),
      ['192.168.1.9'],
    )
    r.receive(3, { t: 'apply', change: { ...change(9).change, zone: 'other.test' as Fqdn } })
    assert.deepEqual(acks, [1, 2, 3])
    assert.equal(problems.length, 1)
    assert.match(problems[0] ?? '', /other\.test/)
  })

  it('keeps the changes that arrive between pages of the streamed load', async () => {
    const { r, acks, problems } = replica()
    const other = 'other.example.test' as Fqdn
    let seq = 0
    const zones = [
      feedOf(zoneFromLines(at(6)), () => {
        // Mid-read of the first zone: nothing of it is served yet, and the change is kept.
        assert.equal(r.index.soa(zone), undefined)
        if (seq === 0) r.receive(++seq, change(8))
      }),
      feedOf(
        zoneFromLines(`
other.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 3 3600 600 1209600 60
x.other.example.test. 60 IN A 192.0.2.99
`),
        () => {
          // The first zone is served already, but its change waits for the end of the load.
          assert.equal(r.index.soa(zone)?.serial, 6)
          r.receive(++seq, change(5))
        },
      ),
    ]
    assert.ok((await r.load(zones)).ok)
    assert.equal(r.loaded, true)
    assert.deepEqual(served(r), ['192.0.2.8'])
    assert.equal(r.index.soa(other)?.serial, 3)
    assert.deepEqual(acks, [1, 2])
    assert.deepEqual(problems, [])
  })

  it('reports a zone it cannot load and stays unloaded', async () => {
    const { r, acks } = replica()
    r.receive(1, change(7))
    const bad = zoneFromLines(`${at(6)}elsewhere.test. 60 IN A 192.0.2.1\n`)
    const loaded = await r.load([feedOf(bad)])
    assert.ok(!loaded.ok)
    assert.match(loaded.error, /zone dyn\.example\.test: elsewhere\.test is not inside/)
    assert.equal(r.loaded, false)
    assert.equal(r.index.soa(zone), undefined)
    assert.deepEqual(acks, [])
  })
})
