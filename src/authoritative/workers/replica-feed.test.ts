import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../../core/names.ts'
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
})
