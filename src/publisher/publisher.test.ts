import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { DnsBackend } from '../backends/backend.ts'
import type { Fqdn } from '../core/names.ts'
import { ok } from '../core/result.ts'
import { change, FakeBackend, OTHER, ZONE } from '../../test/fakes/backend.ts'
import { Publisher, type PublisherOptions } from './publisher.ts'
import {
  advance,
  advanceUntil,
  settle,
  startMockTime,
  stopMockTime,
} from '../../test/fakes/mock-time.ts'

const warnings: string[] = []
const logger = { info: () => undefined, warn: (_o: object, msg: string) => void warnings.push(msg) }
const opened: Publisher[] = []

function publisher(
  backends: [Fqdn, DnsBackend][],
  options: Partial<PublisherOptions> = {},
): Publisher {
  const p = new Publisher({
    backends: new Map(backends),
    logger,
    retryBaseMs: 2,
    retryMaxMs: 10,
    random: () => 0.5,
    ...options,
  })
  opened.push(p)
  return p
}

beforeEach(startMockTime)

afterEach(() => {
  for (const p of opened.splice(0)) p.close()
  warnings.length = 0
  stopMockTime()
})

describe('Publisher', () => {
  it('applies a change and reports it live', async () => {
    const backend = new FakeBackend()
    const p = publisher([[ZONE, backend]])
    assert.deepEqual(await settle(p.publish([change(7, '192.0.2.1')], 1000)), ok(undefined))
    assert.deepEqual(backend.applied, [change(7, '192.0.2.1')])
    assert.equal(p.publishedSerial(ZONE), 7)
    assert.equal(p.idle(ZONE), true)
  })

  it('coalesces changes that arrive during a push into one apply', async () => {
    const backend = new FakeBackend()
    const p = publisher([[ZONE, backend]])
    backend.hold()
    const first = p.publish([change(1, '192.0.2.1')], 2000)
    await advanceUntil(() => backend.calls === 1)
    const second = p.publish([change(2, '192.0.2.2')], 2000)
    const third = p.publish([change(3, '192.0.2.3')], 2000)
    assert.equal(p.idle(ZONE), false)
    backend.release()
    assert.deepEqual(await settle(Promise.all([first, second, third])), [
      ok(undefined),
      ok(undefined),
      ok(undefined),
    ])
    assert.equal(backend.calls, 2)
    assert.deepEqual(backend.applied, [change(1, '192.0.2.1'), change(3, '192.0.2.3')])
    assert.equal(p.publishedSerial(ZONE), 3)
    assert.equal(p.idle(ZONE), true)
  })

  it('retries a failing backend until it succeeds', async () => {
    const backend = new FakeBackend()
    backend.failing = 3
    const p = publisher([[ZONE, backend]])
    assert.deepEqual(await settle(p.publish([change(1, '192.0.2.1')], 2000)), ok(undefined))
    assert.equal(backend.calls, 4)
    assert.deepEqual(backend.applied, [change(1, '192.0.2.1')])
    assert.equal(warnings.length, 3)
  })

  it('retries a backend that throws', async () => {
    const backend = new FakeBackend()
    backend.throwing = true
    const p = publisher([[ZONE, backend]])
    const done = p.publish([change(1, '192.0.2.1')], 2000)
    await advanceUntil(() => backend.calls >= 2)
    backend.throwing = false
    assert.deepEqual(await settle(done), ok(undefined))
    assert.deepEqual(backend.applied, [change(1, '192.0.2.1')])
  })

  it('answers an error at the deadline, and applies the change later', async () => {
    const backend = new FakeBackend()
    backend.failing = Number.POSITIVE_INFINITY
    const p = publisher([[ZONE, backend]])
    const r = await settle(p.publish([change(1, '192.0.2.1')], 30))
    assert.equal(r.ok, false)
    assert.deepEqual(backend.applied, [])
    backend.failing = 0
    await advanceUntil(() => backend.applied.length === 1)
    assert.deepEqual(backend.applied, [change(1, '192.0.2.1')])
    assert.equal(p.publishedSerial(ZONE), 1)
  })

  it('answers an error when a zone has no backend', async () => {
    const p = publisher([])
    const r = await settle(p.publish([change(1, '192.0.2.1')], 20))
    assert.equal(r.ok, false)
    assert.ok(warnings.some((w) => w.includes('no backend')))
  })

  it('stops retrying after close()', async () => {
    const backend = new FakeBackend()
    backend.failing = Number.POSITIVE_INFINITY
    const p = publisher([[ZONE, backend]])
    assert.equal((await settle(p.publish([change(1, '192.0.2.1')], 30))).ok, false)
    assert.ok(backend.calls > 1)
    p.close()
    await advance(5)
    const calls = backend.calls
    await advance(50)
    assert.equal(backend.calls, calls)
    assert.equal(backend.signal?.aborted, true)
  })

  it('does not pile up abort listeners while retrying', async () => {
    const backend = new FakeBackend()
    backend.failing = 40
    const p = publisher([[ZONE, backend]], { retryBaseMs: 1, retryMaxMs: 1 })
    assert.deepEqual(await settle(p.publish([change(1, '192.0.2.1')], 4000)), ok(undefined))
    assert.equal(backend.calls, 41)
    assert.ok(backend.signal)
    assert.ok(getEventListeners(backend.signal, 'abort').length <= 1)
  })

  it('keeps zones apart: a stuck zone does not hold another', async () => {
    const stuck = new FakeBackend()
    stuck.hold()
    const fine = new FakeBackend()
    const p = publisher([
      [ZONE, stuck],
      [OTHER, fine],
    ])
    const held = p.publish([change(1, '192.0.2.1')], 2000)
    assert.deepEqual(await settle(p.publish([change(5, '192.0.2.5', OTHER)], 1000)), ok(undefined))
    assert.deepEqual(fine.applied, [change(5, '192.0.2.5', OTHER)])
    assert.equal(p.idle(ZONE), false)
    stuck.release()
    assert.deepEqual(await settle(held), ok(undefined))
  })

  it('waits for every zone of a multi-zone publish', async () => {
    const one = new FakeBackend()
    const two = new FakeBackend()
    two.failing = 2
    const p = publisher([
      [ZONE, one],
      [OTHER, two],
    ])
    const r = await settle(p.publish([change(1, '192.0.2.1'), change(2, '192.0.2.2', OTHER)], 2000))
    assert.deepEqual(r, ok(undefined))
    assert.equal(one.applied.length, 1)
    assert.equal(two.applied.length, 1)
  })

  it('markLoaded sets the published serial', () => {
    const p = publisher([])
    assert.equal(p.publishedSerial(ZONE), undefined)
    p.markLoaded(ZONE, 42)
    assert.equal(p.publishedSerial(ZONE), 42)
    assert.equal(p.idle(ZONE), true)
  })
})
