/**
 * The built-in backend as the main process wires it with `dns.workers`: its loads and
 * changes also go to the workers' replicas, once they succeeded.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ToWorker } from '../authoritative/workers/protocol.ts'
import { ReplicaFeed, type FeedSubscriber } from '../authoritative/workers/replica-feed.ts'
import type { Fqdn } from '../core/names.ts'
import { RECORD_TYPES, type RecordSet } from '../core/records.ts'
import { zoneFromLines } from '../../test/helpers/zone-lines.ts'
import { replicatedBackend } from './dns-workers.ts'

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined }
const zone = 'dyn.example.test' as Fqdn
const apply = { t: 'apply' as const, change: { zone, serial: 2, replace: [], remove: [] } }

interface Fake extends FeedSubscriber {
  readonly got: ToWorker[]
}

function fake(id: number): Fake {
  const f: Fake = {
    id,
    serving: false,
    got: [],
    send: (m) => f.got.push(m),
    kill: () => undefined,
  }
  return f
}

const ZONE_APEX = `
dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60
dyn.example.test. 300 IN NS ns1.example.test.
`

describe('replicatedBackend', () => {
  it('passes a streamed load through; subscribed workers get the zone as read back', async () => {
    const feed = new ReplicaFeed(60_000, silent)
    const taken: string[] = []
    const records: RecordSet[] = [
      { name: `h.${zone}` as Fqdn, type: 'A', ttl: 60, values: ['192.0.2.1'] },
    ]
    const inner = {
      kind: 'builtin',
      types: RECORD_TYPES,
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
    const backend = replicatedBackend(feed, inner)
    const head = zoneFromLines(ZONE_APEX)
    const signal = new AbortController().signal
    const fill = (take: (set: RecordSet) => void): Promise<number> => {
      for (const set of records) take(set)
      return Promise.resolve(42)
    }
    assert.ok((await backend.loadStreamed?.(head, fill, signal))?.ok)
    assert.deepEqual(taken, [`h.${zone}`])
    const w = fake(1)
    feed.subscribe(w)
    assert.ok((await backend.loadStreamed?.(head, fill, signal))?.ok)
    const sent = w.got[0]
    assert.ok(sent?.t === 'change' && sent.change.t === 'load')
    assert.equal(sent.change.snapshot.soa.serial, 42)
    assert.deepEqual(sent.change.snapshot.records, records)
  })

  it('passes a backend load and apply on only when they succeeded', async () => {
    const feed = new ReplicaFeed(60_000, silent)
    const w = fake(1)
    feed.subscribe(w)
    let fail = false
    const inner = {
      kind: 'builtin',
      types: RECORD_TYPES,
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
    const backend = replicatedBackend(feed, inner)
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
