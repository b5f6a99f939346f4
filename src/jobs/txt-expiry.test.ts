import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../core/names.ts'
import type { ChangeSet } from '../core/records.ts'
import { ok } from '../core/result.ts'
import { createLogger } from '../observability/logger.ts'
import { sweepIntervalMs, TxtExpiry } from './txt-expiry.ts'

const CHANGE: ChangeSet = {
  zone: 'dyn.example' as Fqdn,
  serial: 2,
  replace: [],
  remove: [{ name: '_acme-challenge.home.dyn.example' as Fqdn, type: 'TXT' }],
}

function job(changes: ChangeSet[][]) {
  const asked: string[] = []
  const published: (readonly ChangeSet[])[] = []
  const expiry = new TxtExpiry({
    store: {
      expireTxt: (at) => {
        asked.push(at)
        return Promise.resolve(changes.shift() ?? [])
      },
    },
    publisher: {
      publish: (c) => {
        published.push(c)
        return Promise.resolve(ok(undefined))
      },
    },
    clock: { now: () => new Date('2030-01-01T00:00:00Z') },
    logger: createLogger('silent'),
    publishDeadlineMs: 100,
  })
  return { expiry, asked, published }
}

describe('TxtExpiry', () => {
  it('sweeps at the clock instant and publishes what the store removed', async () => {
    const { expiry, asked, published } = job([[CHANGE]])
    assert.equal(await expiry.sweep(), 1)
    assert.deepEqual(asked, ['2030-01-01T00:00:00.000Z'])
    assert.deepEqual(published, [[CHANGE]])
  })

  it('publishes nothing when nothing expired', async () => {
    const { expiry, published } = job([])
    assert.equal(await expiry.sweep(), 0)
    assert.deepEqual(published, [])
  })

  it('never runs two sweeps at once', async () => {
    const { expiry, asked } = job([[CHANGE]])
    const [a, b] = await Promise.all([expiry.sweep(), expiry.sweep()])
    assert.deepEqual([a, b, asked.length], [1, 0, 1])
  })

  it('sweeps a quarter of the lifetime apart, within 1 to 30 seconds', () => {
    assert.deepEqual(
      [sweepIntervalMs(2), sweepIntervalMs(40), sweepIntervalMs(3600)],
      [1000, 10_000, 30_000],
    )
  })
})
