/**
 * The lifecycle stack: parts stop last started first, a part that refuses or throws undoes
 * the ones started before it (never half alive), close runs once however often it is called,
 * and a close that throws is reported while the parts below it still close.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { err, ok } from '../core/result.ts'
import { Lifecycle, startAll, type CloseReason, type Starter } from './lifecycle.ts'

interface Trace {
  readonly log: string[]
  readonly failures: string[]
  readonly life: Lifecycle
  part(name: string): Starter<string>
}

function trace(): Trace {
  const log: string[] = []
  const failures: string[] = []
  const life = new Lifecycle((part, e) => {
    failures.push(`${part}: ${(e as Error).message}`)
  })
  const part = (name: string): Starter<string> => {
    return () => {
      log.push(`start ${name}`)
      return ok({
        value: name,
        close: (reason: CloseReason) => {
          log.push(`close ${name} (${reason})`)
        },
      })
    }
  }
  return { log, failures, life, part }
}

const noBug = (e: unknown): void => {
  throw new Error(`unexpected bug report: ${String(e)}`)
}

describe('lifecycle stack', () => {
  it('stops the parts in reverse order, with the reason', async () => {
    const t = trace()
    const started = await startAll(
      t.life,
      async (start) => [await start('a', t.part('a')), await start('b', t.part('b'))],
      noBug,
    )
    assert.deepEqual(started, ok(['a', 'b']))
    await t.life.close('stop')
    assert.deepEqual(t.log, ['start a', 'start b', 'close b (stop)', 'close a (stop)'])
  })

  it('a part that refuses undoes the ones started before it, not those after', async () => {
    const t = trace()
    const started = await startAll(
      t.life,
      async (start) => {
        await start('a', t.part('a'))
        await start('b', t.part('b'))
        await start('broken', () => err('port 53 is taken'))
        await start('c', t.part('c'))
      },
      noBug,
    )
    assert.deepEqual(started, err('port 53 is taken'))
    assert.deepEqual(t.log, ['start a', 'start b', 'close b (undo)', 'close a (undo)'])
    // The server never started: a later close does not close anything twice.
    await t.life.close('stop')
    assert.equal(t.log.length, 4)
  })

  it('a part that throws undoes the others and is reported as a bug with an id', async () => {
    const t = trace()
    const bugs: string[] = []
    const started = await startAll(
      t.life,
      async (start) => {
        await start('a', t.part('a'))
        await start('bug', () => Promise.reject(new Error('boom')))
      },
      (e, id) => bugs.push(`${id}: ${(e as Error).message}`),
    )
    assert.equal(started.ok, false)
    assert.equal(bugs.length, 1)
    const id = bugs[0]?.split(':')[0] ?? ''
    assert.deepEqual(started, err(`start-up failed (error id ${id}): boom`))
    assert.deepEqual(t.log, ['start a', 'close a (undo)'])
  })

  it('close is idempotent: every call gets the one unwinding', async () => {
    const t = trace()
    await startAll(t.life, (start) => start('a', t.part('a')), noBug)
    const first = t.life.close('stop')
    const second = t.life.close('undo')
    assert.equal(first, second)
    await Promise.all([first, second, t.life.close('stop')])
    assert.deepEqual(t.log, ['start a', 'close a (stop)'])
  })

  it('a close that throws or rejects is reported and the parts below still close', async () => {
    const t = trace()
    await startAll(
      t.life,
      async (start) => {
        await start('a', t.part('a'))
        await start('rejects', () =>
          ok({ value: 1, close: () => Promise.reject(new Error('socket gone')) }),
        )
        await start('b', t.part('b'))
        await start('throws', () =>
          ok({
            value: 2,
            close: () => {
              throw new Error('timer gone')
            },
          }),
        )
      },
      noBug,
    )
    await t.life.close('stop')
    assert.deepEqual(t.log, ['start a', 'start b', 'close b (stop)', 'close a (stop)'])
    assert.deepEqual(t.failures, ['throws: timer gone', 'rejects: socket gone'])
  })

  it('waits for each close before the next', async () => {
    const t = trace()
    await startAll(
      t.life,
      async (start) => {
        await start('a', t.part('a'))
        await start('slow', () =>
          ok({
            value: 0,
            close: async () => {
              await new Promise((resolve) => setImmediate(resolve))
              t.log.push('close slow')
            },
          }),
        )
      },
      noBug,
    )
    await t.life.close('stop')
    assert.deepEqual(t.log, ['start a', 'close slow', 'close a (stop)'])
  })
})
