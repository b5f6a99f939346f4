import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import type { Fqdn } from '../core/names.ts'
import { change, FakeBackend, ZONE } from '../../test/fakes/backend.ts'
import { Publisher, type PublishGate } from './publisher.ts'

const logger = { info: () => undefined, warn: () => undefined }
const opened: Publisher[] = []
afterEach(() => {
  for (const p of opened.splice(0)) p.close()
})

class FakeGate implements PublishGate {
  held = true
  live = true
  readonly recorded: number[] = []
  readonly waited: number[] = []
  holds(): boolean {
    return this.held
  }
  published(_zone: Fqdn, serial: number): void {
    this.recorded.push(serial)
  }
  waitPublished(_zone: Fqdn, serial: number): Promise<boolean> {
    this.waited.push(serial)
    return Promise.resolve(this.live)
  }
}

function setup(): { backend: FakeBackend; gate: FakeGate; p: Publisher } {
  const backend = new FakeBackend()
  const gate = new FakeGate()
  const p = new Publisher({ backends: new Map([[ZONE, backend]]), logger, gate })
  opened.push(p)
  return { backend, gate, p }
}

void describe('Publisher with a lease gate', () => {
  it('pushes a held zone and tells the other instances the serial', async () => {
    const { backend, gate, p } = setup()
    p.markLoaded(ZONE, 4)
    assert.ok((await p.publish([{ ...change(5, '192.0.2.5'), base: 4 }], 1000)).ok)
    assert.equal(backend.applied.length, 1)
    assert.deepEqual(gate.recorded, [4, 5])
  })

  it('does not push a zone another instance holds: waits for that one to make it live', async () => {
    const { backend, gate, p } = setup()
    gate.held = false
    assert.ok((await p.publish([change(9, '192.0.2.9')], 1000)).ok)
    gate.live = false
    const r = await p.publish([change(10, '192.0.2.10')], 1000)
    assert.equal(r.ok, false)
    assert.equal(backend.calls, 0)
    assert.deepEqual(gate.waited, [9, 10])
  })

  it('drops what is queued when the lease is lost before the push', async () => {
    const { backend, gate, p } = setup()
    backend.hold()
    const first = p.publish([change(1, '192.0.2.1')], 1000)
    const second = p.publish([change(2, '192.0.2.2')], 50)
    gate.held = false
    backend.release()
    assert.ok((await first).ok)
    assert.equal((await second).ok, false)
    assert.equal(backend.calls, 1)
    assert.ok(p.idle(ZONE))
  })
})

void describe('Publisher: changes committed elsewhere', () => {
  it('keeps the published serial where it was when a change it never saw slipped in', async () => {
    const { backend, p } = setup()
    p.markLoaded(ZONE, 5)
    // Serial 6 was committed by another instance (or the CLI): 7 builds on it.
    assert.ok((await p.publish([{ ...change(7, '192.0.2.7'), base: 6 }], 1000)).ok)
    assert.equal(backend.applied.length, 1)
    assert.equal(p.publishedSerial(ZONE), 5, 'the zone sync sees the store ahead and resyncs')
    p.markLoaded(ZONE, 7)
    assert.ok((await p.publish([{ ...change(8, '192.0.2.8'), base: 7 }], 1000)).ok)
    assert.equal(p.publishedSerial(ZONE), 8)
  })

  it('follows a chain of coalesced changes', async () => {
    const { backend, p } = setup()
    p.markLoaded(ZONE, 1)
    backend.hold()
    const a = p.publish([{ ...change(2, '192.0.2.2'), base: 1 }], 1000)
    const b = p.publish([{ ...change(3, '192.0.2.3'), base: 2 }], 1000)
    const c = p.publish([{ ...change(4, '192.0.2.4'), base: 3 }], 1000)
    backend.release()
    for (const r of await Promise.all([a, b, c])) assert.ok(r.ok)
    assert.equal(backend.applied.length, 2)
    assert.equal(p.publishedSerial(ZONE), 4)
  })

  it('forget makes the zone unknown until the next load', () => {
    const { p } = setup()
    p.markLoaded(ZONE, 3)
    p.forget(ZONE)
    assert.equal(p.publishedSerial(ZONE), undefined)
  })
})
