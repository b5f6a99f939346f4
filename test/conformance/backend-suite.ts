/**
 * One conformance suite for every `DnsBackend`: each backend's `*.conformance.test.ts`
 * calls `runBackendConformance` with a setup that starts what the backend needs (a real
 * daemon or a provider stand-in) and an independent oracle (`readBack`: dig against the
 * server, or the stand-in's stored state). The cases run in order on one zone.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { DnsBackend } from '../../src/backends/backend.ts'
import { canonicalOrSelf } from '../../src/backends/shared/record-values.ts'
import { Publisher } from '../../src/publisher/publisher.ts'
import { resyncZone } from '../../src/publisher/resync.ts'
import { joinName, type Fqdn } from '../../src/core/names.ts'
import {
  RECORD_TYPES,
  type ChangeSet,
  type RecordKey,
  type RecordSet,
  type ZoneSnapshot,
} from '../../src/core/records.ts'

/** What a backend's setup hands the suite. */
export interface ConformanceTarget {
  readonly backend: DnsBackend
  readonly zone: Fqdn
  /**
   * The RRsets the real server or stand-in holds, found without the backend. It must cover
   * at least `keys` (an oracle that can only query by name and type, like dig, needs them);
   * it may return more.
   */
  readBack(keys: readonly RecordKey[]): Promise<RecordSet[]>
  teardown(): Promise<void>
}

/**
 * One value of each type, each at its own name (`t-<type>`; SRV below `_sip._tcp`, DS at
 * the NS delegation), in the form a zone file writes it.
 */
const SAMPLES: Readonly<Partial<Record<string, readonly [string, string]>>> = {
  A: ['t-a', '192.0.2.50'],
  AAAA: ['t-aaaa', '2001:db8::50'],
  TXT: ['t-txt', '"v=sample; two words"'],
  CNAME: ['t-cname', 'target.example.net'],
  MX: ['t-mx', '10 mail.example.net'],
  SRV: ['_sip._tcp.t-srv', '0 5 5060 sip.example.net'],
  CAA: ['t-caa', '0 issue "ca.example.net"'],
  NS: ['t-ns', 'ns1.example.net'],
  DS: ['t-ns', `12345 13 2 ${'ab'.repeat(32)}`],
  PTR: ['t-ptr', 'host.example.net'],
  SSHFP: ['t-sshfp', `4 2 ${'cd'.repeat(32)}`],
  TLSA: ['_443._tcp.t-tlsa', `3 1 1 ${'ef'.repeat(32)}`],
  SVCB: ['t-svcb', '1 svc.example.net alpn=h2'],
  HTTPS: ['t-https', '1 . alpn=h2,h3'],
}

const signal = new AbortController().signal

/** Registers the conformance cases for one backend. */
export function runBackendConformance(name: string, setup: () => Promise<ConformanceTarget>): void {
  describe(`${name} backend conformance`, () => {
    let t: ConformanceTarget
    let serial = 1
    const change = (c: Omit<ChangeSet, 'zone' | 'serial'>): ChangeSet => ({
      zone: t.zone,
      serial: ++serial,
      ...c,
    })
    const at = (label: string): Fqdn => joinName(label, t.zone)
    const set = (label: string, type: RecordSet['type'], ...values: string[]): RecordSet => ({
      name: at(label),
      type,
      ttl: 120,
      values,
    })
    const apply = async (c: ChangeSet): Promise<void> => {
      const r = await t.backend.apply(c, signal)
      assert.ok(r.ok, `apply failed: ${r.ok ? '' : `${r.error.code}: ${r.error.message}`}`)
    }
    const expectSets = async (keys: readonly RecordKey[], want: readonly RecordSet[]) => {
      assert.deepEqual(summarize(await t.readBack(keys), keys), summarize(want, keys))
    }

    before(async () => {
      t = await setup()
    })
    after(async () => {
      await t.backend.close()
      await t.teardown()
    })

    it('loads a zone snapshot', async () => {
      const records = [set('www', 'A', '192.0.2.1'), set('note', 'TXT', '"initial"')]
      const r = await t.backend.load(snapshot(t.zone, records), signal)
      assert.ok(r.ok, r.ok ? '' : r.error.message)
      await expectSets(records, records)
    })

    const host = (): RecordSet[] => [
      set('host1', 'A', '198.51.100.1', '198.51.100.2'),
      set('host1', 'AAAA', '2001:db8::1'),
      set('host1', 'TXT', '"hello world" "with \\"quotes\\""', '"second value"'),
    ]

    it('replaces A, AAAA and TXT RRsets whole (TXT with spaces, quotes, several values)', async () => {
      await apply(change({ replace: [set('host1', 'A', '203.0.113.9')], remove: [] }))
      await apply(change({ replace: host(), remove: [] }))
      await expectSets(host(), host())
    })

    it('removes an RRset and keeps the others at the name', async () => {
      await apply(change({ replace: [], remove: [{ name: at('host1'), type: 'AAAA' }] }))
      const kept = host().filter((s) => s.type !== 'AAAA')
      await expectSets(host(), kept)
    })

    it('applies the same change set twice with the same result', async () => {
      const c = change({
        replace: [set('twice', 'A', '192.0.2.7'), set('twice', 'TXT', '"once"')],
        remove: [{ name: at('host1'), type: 'TXT' }],
      })
      await apply(c)
      await apply(c)
      await expectSets([...c.replace, { name: at('host1'), type: 'TXT' }], c.replace)
    })

    it('applies a coalesced change set touching many names', async () => {
      const replace = Array.from({ length: 12 }, (_, i) => [
        set(`many${i}`, 'A', `192.0.2.${i + 10}`),
        set(`many${i}`, 'TXT', `"n${i}"`),
      ]).flat()
      await apply(change({ replace, remove: [{ name: at('twice'), type: 'A' }] }))
      await expectSets([...replace, { name: at('twice'), type: 'A' }], replace)
    })

    it('accepts the removal of an RRset that does not exist', async () => {
      await apply(change({ replace: [], remove: [{ name: at('never-there'), type: 'A' }] }))
      await expectSets([{ name: at('never-there'), type: 'A' }], [])
    })

    it('refuses an invalid record with invalid-record and changes nothing', async () => {
      const good = set('untouched', 'A', '192.0.2.99')
      const r = await t.backend.apply(
        change({ replace: [good, set('bad', 'A', '300.1.1.1')], remove: [] }),
        signal,
      )
      assert.ok(!r.ok, 'an invalid A value was accepted')
      assert.deepEqual([r.error.code, r.error.retryable], ['invalid-record', false])
      await expectSets([good], [])
    })

    it('publishes one record of every type it declares, and refuses every other type', async () => {
      const sets = t.backend.types.flatMap((type) => {
        const sample = SAMPLES[type]
        return sample === undefined ? [] : [set(sample[0], type, sample[1])]
      })
      assert.equal(sets.length, t.backend.types.length, 'a declared type has no sample')
      await apply(change({ replace: sets, remove: [] }))
      await expectSets(sets, sets)
      for (const type of RECORD_TYPES.filter((x) => !t.backend.types.includes(x))) {
        const sample = SAMPLES[type]
        assert.ok(sample !== undefined, `no sample for ${type}`)
        const refused = set(`refused-${type.toLowerCase()}`, type, sample[1])
        const r = await t.backend.apply(change({ replace: [refused], remove: [] }), signal)
        assert.ok(!r.ok, `${type} was accepted`)
        assert.deepEqual([r.error.code, r.error.retryable], ['invalid-record', false])
        assert.match(r.error.message, new RegExp(`cannot publish ${type} records`))
        await expectSets([refused], [])
      }
    })

    it('resync repairs static records changed behind its back (where read is implemented)', async (ctx) => {
      if (t.backend.read === undefined) {
        ctx.diagnostic(`${name} does not implement read()`)
        return
      }
      // The zone's static records as the store holds them: one of each declared type.
      const wanted = t.backend.types.flatMap((type) => {
        const sample = SAMPLES[type]
        return sample === undefined ? [] : [set(sample[0], type, sample[1])]
      })
      await apply(change({ replace: wanted, remove: [] }))
      // Someone else edits the zone: an MX changed, every other static RRset but one removed.
      const gone = wanted.filter((s, i) => s.type !== 'MX' && i % 2 === 0)
      const mx = set(SAMPLES.MX?.[0] ?? 't-mx', 'MX', '20 other.example.net')
      await apply(
        change({ replace: [mx], remove: gone.map((s) => ({ name: s.name, type: s.type })) }),
      )
      const publisher = new Publisher({
        backends: new Map([[t.zone, t.backend]]),
        logger: { info: () => undefined, warn: () => undefined },
      })
      const r = await resyncZone({
        zone: t.zone,
        backend: t.backend,
        publisher,
        desired: () => Promise.resolve({ serial: ++serial, hosts: [], records: wanted }),
        known: new Set(),
        logger: { info: () => undefined, warn: () => undefined },
        countDrift: true,
      })
      publisher.close()
      assert.ok(r.ok, r.ok ? '' : r.error)
      const repaired = r.value.drift.map((d) => `${d.name} ${d.type} ${d.kind}`).sort()
      const expected = [
        `${mx.name} MX different`,
        ...gone.map((s) => `${s.name} ${s.type} missing`),
      ].sort()
      assert.deepEqual(repaired, expected)
      await expectSets(wanted, wanted)
    })

    it('reads back (where implemented) what the oracle sees', async (ctx) => {
      if (t.backend.read === undefined) {
        ctx.diagnostic(`${name} does not implement read()`)
        return
      }
      const keys = [...host().filter((s) => s.type !== 'AAAA'), set('many3', 'TXT')]
      const read = await t.backend.read(t.zone, signal)
      assert.ok(read.ok, read.ok ? '' : read.error.message)
      assert.deepEqual(summarize(read.value, keys), summarize(await t.readBack(keys), keys))
      assert.ok(summarize(read.value, keys).length === 3)
    })
  })
}

function snapshot(zone: Fqdn, records: readonly RecordSet[]): ZoneSnapshot {
  return {
    name: zone,
    ttl: 300,
    soa: {
      mname: joinName('ns1', zone),
      rname: joinName('hostmaster', zone),
      serial: 1,
      refresh: 3600,
      retry: 600,
      expire: 1209600,
      minimum: 60,
    },
    ns: [joinName('ns1', zone)],
    records,
  }
}

/** RRsets at `keys` as sorted `name ttl type value` lines, values in canonical form. */
export function summarize(sets: readonly RecordSet[], keys: readonly RecordKey[]): string[] {
  const wanted = new Set(keys.map((k) => `${k.name} ${k.type}`))
  return sets
    .filter((s) => wanted.has(`${s.name} ${s.type}`))
    .flatMap((s) =>
      s.values.map((v) => `${s.name} ${s.ttl} ${s.type} ${canonicalOrSelf(s.type, v)}`),
    )
    .sort()
}
