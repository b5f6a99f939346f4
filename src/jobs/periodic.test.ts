import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { advance, startMockTime, stopMockTime } from '../../test/fakes/mock-time.ts'
import { Periodic } from './periodic.ts'

function logger(): { errors: object[]; error(obj: object): void } {
  const errors: object[] = []
  return { errors, error: (obj) => errors.push(obj) }
}

describe('Periodic', () => {
  it('skips a run while the previous one is still going', async () => {
    let release = (): void => undefined
    let runs = 0
    const job = new Periodic({
      name: 'test',
      run: () =>
        new Promise<string>((resolve) => {
          runs += 1
          release = () => {
            resolve('done')
          }
        }),
      busy: 'busy',
      failed: 'failed',
      logger: logger(),
    })
    const first = job.once()
    assert.equal(await job.once(), 'busy')
    release()
    assert.equal(await first, 'done')
    assert.equal(runs, 1)
    const third = job.once()
    release()
    assert.equal(await third, 'done')
    assert.equal(runs, 2)
  })

  it('logs a failing run with the job name and recovers for the next one', async () => {
    const log = logger()
    let fail = true
    const job = new Periodic({
      name: 'sweeper',
      run: () => (fail ? Promise.reject(new Error('boom')) : Promise.resolve(1)),
      busy: -1,
      failed: 0,
      logger: log,
    })
    assert.equal(await job.once(), 0)
    assert.equal(log.errors.length, 1)
    assert.equal((log.errors[0] as { job: string }).job, 'sweeper')
    fail = false
    assert.equal(await job.once(), 1)
  })

  it('runs on its interval until stopped', async () => {
    startMockTime()
    try {
      let runs = 0
      const job = new Periodic({
        name: 't',
        run: () => Promise.resolve(++runs),
        busy: 0,
        failed: 0,
        logger: logger(),
      })
      job.start(10)
      await advance(9)
      assert.equal(runs, 0, 'no run before the first interval')
      await advance(21)
      assert.equal(runs, 3)
      job.stop()
      await advance(100)
      assert.equal(runs, 3, 'no run after stop()')
    } finally {
      stopMockTime()
    }
  })
})
