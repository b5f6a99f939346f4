import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../../core/names.ts'
import type { RecordSet } from '../../core/records.ts'
import { zoneFromLines } from '../../../test/helpers/zone-lines.ts'
import type { ToWorker } from './protocol.ts'
import { ReplicaFeed, type FeedSubscriber } from './replica-feed.ts'

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined }
const zone = 'dyn.example.test' as Fqdn
const apply = { t: 'apply' as const, change: { zone, serial: 2, replace: [], remove: [] } }

interface Fake extends FeedSubscriber {
  serving: boolean
  readonly got: ToWorker[]
  killed: string | undefined
}

function fake(id: number, serving: boolean): Fake {
  const f: Fake = {
    id,
    serving,
    got: [],
    killed: undefined,
    send: (m) => f.got.push(m),
    kill: (reason) => (f.killed = reason),
  }
  return f
}

const ZONE_APEX = `
dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60
dyn.example.test. 300 IN NS ns1.example.test.
`
const seqs = (f: Fake): number[] => f.got.flatMap((m) => (m.t === 'change' ? [m.seq] : []))

describe('ReplicaFeed', () => {
  it('resolves a publish once every serving worker acknowledged it, not before', async () => {
    const feed = new ReplicaFeed(60_000, silent)
    const [a, b, loading] = [fake(1, true), fake(2, true), fake(3, false)]
    for (const s of [a, b, loading]) feed.subscribe(s)
    let done = false
    const published = feed.publish(apply).then(() => (done = true))
    assert.deepEqual([seqs(a), seqs(b), seqs(loading)], [[1], [1], [1]])
    feed.acked(a, 1)
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(done, false, 'worker 2 has not applied it yet')
    // A worker still loading is not waited for; one that exits is not waited for either.
    feed.unsubscribe(b)
    await published
    assert.equal(done, true)
  })

  it('stops a worker that does not acknowledge within the deadline', async () => {
    const feed = new ReplicaFeed(30, silent)
    const [a, stuck] = [fake(1, true), fake(2, true)]
    feed.subscribe(a)
    feed.subscribe(stuck)
    const started = performance.now()
    const published = feed.publish(apply)
    feed.acked(a, 1)
    await published
    assert.ok(performance.now() - started >= 25)
    assert.equal(a.killed, undefined)
    assert.match(stuck.killed ?? '', /no acknowledgement within 30 ms/)
  })

  it('sends the latest LAN addresses to a worker that subscribes later', async () => {
    const feed = new ReplicaFeed(60_000, silent)
    const index = { setLanAddresses: () => ({ ok: true as const, value: undefined }) }
    const hosts = [{ name: `h.${zone}` as Fqdn, ttl: 60, ipv4: '192.168.1.2', ipv6: null }]
    feed.lanTarget(index).setLanAddresses(zone, hosts)
    const late = fake(1, false)
    feed.subscribe(late)
    assert.deepEqual(
      late.got.map((m) => (m.t === 'change' ? m.change : m)),
      [{ t: 'lan', zone, hosts }],
    )
    // A publish with nobody serving resolves at once.
    await feed.publish(apply)
  })

  it('passes a streamed load through; subscribed workers get the zone as read back', async () => {
    const feed = new ReplicaFeed(60_000, silent)
    const taken: string[] = []
    const records: RecordSet[] = [
      { name: `h.${zone}` as Fqdn, type: 'A', ttl: 60, values: ['192.0.2.1'] },
    ]
    const inner = {
      kind: 'builtin',
      load: () => Promise.resolve({ ok: true as const, value: undefined }),
      loadStreamed: async (
        _head: unknown,
        fill: (take: (set: RecordSet) => void) => Promise<number>,
      ) => {
        await fill((set) => taken.push(set.name))
        return { ok: true as const, value: undefined }
      },
      apply: () => Promise.resolve({ ok: true as const, value: undefined }),
      read: () => Promise.resolve({ ok: true as const, value: records }),
      close: () => Promise.resolve(),
    }
    const backend = feed.replicated(inner)
    const head = zoneFromLines(ZONE_APEX)
    const signal = new AbortController().signal
    const fill = (take: (set: RecordSet) => void): Promise<number> => {
      for (const set of records) take(set)
      return Promise.resolve(42)
    }
    assert.ok((await backend.loadStreamed?.(head, fill, signal))?.ok)
    assert.deepEqual(taken, [`h.${zone}`])
    const w = fake(1, false)
    feed.subscribe(w)
    assert.ok((await backend.loadStreamed?.(head, fill, signal))?.ok)
    const sent = w.got[0]
    assert.ok(sent?.t === 'change' && sent.change.t === 'load')
    assert.equal(sent.change.snapshot.soa.serial, 42)
    assert.deepEqual(sent.change.snapshot.records, records)
  })

  it('passes a backend load and apply on only when they succeeded', async () => {
    const feed = new ReplicaFeed(60_000, silent)
    const w = fake(1, false)
    feed.subscribe(w)
    let fail = false
    const inner = {
      kind: 'builtin',
      load: () => Promise.resolve({ ok: true as const, value: undefined }),
      apply: () =>
        Promise.resolve(
          fail
            ? {
                ok: false as const,
                error: { code: 'zone-not-found' as const, retryable: false, message: 'x' },
              }
            : { ok: true as const, value: undefined },
        ),
      close: () => Promise.resolve(),
    }
    const backend = feed.replicated(inner)
    assert.equal(backend.kind, 'builtin')
    assert.equal('read' in backend, false)
    const signal = new AbortController().signal
    assert.ok((await backend.apply(apply.change, signal)).ok)
    fail = true
    assert.ok(!(await backend.apply(apply.change, signal)).ok)
    assert.deepEqual(
      w.got.map((m) => m.t),
      ['change'],
    )
  })
})
