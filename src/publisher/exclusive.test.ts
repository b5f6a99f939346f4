import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { ok } from '../core/result.ts'
import { change, FakeBackend, ZONE } from '../../test/fakes/backend.ts'
import { Publisher } from './publisher.ts'
import {
  advance,
  advanceUntil,
  settle,
  startMockTime,
  stopMockTime,
} from '../../test/fakes/mock-time.ts'

const logger = { info: () => undefined, warn: () => undefined }
const opened: Publisher[] = []

function publisher(backend: FakeBackend): Publisher {
  const p = new Publisher({
    backends: new Map([[ZONE, backend]]),
    logger,
    retryBaseMs: 2,
    retryMaxMs: 10,
    random: () => 0.5,
  })
  opened.push(p)
  return p
}

beforeEach(startMockTime)

afterEach(() => {
  for (const p of opened.splice(0)) p.close()
  stopMockTime()
})

describe('Publisher.exclusive', () => {
  it('runs between two pushes: after the one in flight, before changes queued meanwhile', async () => {
    const backend = new FakeBackend()
    const p = publisher(backend)
    const order: string[] = []
    backend.hold()
    const first = p.publish([change(1, '192.0.2.1')], 2000)
    await advanceUntil(() => backend.calls >= 1)
    const task = p.exclusive(ZONE, () => {
      order.push(`task after ${String(backend.applied.length)} applied`)
      return Promise.resolve('done')
    })
    const second = p.publish([change(2, '192.0.2.2')], 2000)
    backend.release()
    assert.equal(await settle(task), 'done')
    assert.deepEqual(await settle(Promise.all([first, second])), [ok(undefined), ok(undefined)])
    assert.deepEqual(order, ['task after 1 applied'])
    assert.deepEqual(
      backend.applied.map((c) => c.serial),
      [1, 2],
    )
  })

  it('holds pushes back until the task ends, then pushes them', async () => {
    const backend = new FakeBackend()
    const p = publisher(backend)
    let finish: () => void = () => undefined
    const task = p.exclusive(ZONE, () => new Promise<void>((resolve) => (finish = resolve)))
    const queued = p.publish([change(3, '192.0.2.3')], 2000)
    await advance(20)
    assert.equal(backend.calls, 0)
    finish()
    await settle(task)
    assert.deepEqual(await settle(queued), ok(undefined))
    assert.equal(backend.applied.length, 1)
  })

  it('gets its turn under a steady stream of changes', async () => {
    const backend = new FakeBackend()
    backend.failing = 3
    const p = publisher(backend)
    const stream = [1, 2, 3, 4, 5].map((n) => p.publish([change(n, `192.0.2.${String(n)}`)], 2000))
    const ran = await settle(p.exclusive(ZONE, () => Promise.resolve(true)))
    assert.equal(ran, true)
    await settle(Promise.all(stream))
    assert.equal(p.publishedSerial(ZONE), 5)
  })
})

describe('Publisher.flush', () => {
  it('waits for pending pushes and reports none left', async () => {
    const backend = new FakeBackend()
    backend.failing = 5
    const p = publisher(backend)
    void p.publish([change(1, '192.0.2.1')], 1)
    assert.equal(await settle(p.flush(2000)), 0)
    assert.equal(backend.applied.length, 1)
  })

  it('gives up at its timeout and reports what is left', async () => {
    const backend = new FakeBackend()
    backend.failing = Number.POSITIVE_INFINITY
    const p = publisher(backend)
    void p.publish([change(1, '192.0.2.1'), change(2, '192.0.2.2')], 1)
    assert.equal(await settle(p.flush(30)), 2)
    assert.deepEqual(backend.applied, [])
  })
})
