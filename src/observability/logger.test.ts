import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createLogger } from './logger.ts'

// What the logger censors, pinned as whole lines: the secret names at the top level and one
// level down (`*.password`), `req.headers.authorization`, error objects, child bindings and
// `%o` arguments; nothing deeper, nothing inside arrays, names in their exact case only.
function logged(write: (log: ReturnType<typeof createLogger>) => void): unknown[] {
  const lines: string[] = []
  const log = createLogger('info', { write: (s: string) => void lines.push(s) })
  write(log)
  return lines.map((l) => {
    const {
      level: _l,
      time: _t,
      pid: _p,
      hostname: _h,
      name: _n,
      ...rest
    } = JSON.parse(l) as {
      [k: string]: unknown
    }
    return rest
  })
}

const R = '[redacted]'

describe('createLogger redaction', () => {
  const table: [string, Record<string, unknown>, Record<string, unknown>][] = [
    [
      'top-level names',
      { password: 'p', token: 't', secret: 's', authorization: 'a', other: 'o' },
      { password: R, token: R, secret: R, authorization: R, other: 'o' },
    ],
    [
      'one level down',
      { a: { password: 'p', token: 't', secret: 's', authorization: 'a', keep: 1 } },
      { a: { password: R, token: R, secret: R, authorization: R, keep: 1 } },
    ],
    ['a censored object', { a: { password: { deep: 1 } } }, { a: { password: R } }],
    ['null is censored too', { a: { token: null } }, { a: { token: R } }],
    ['undefined below the top too', { a: { token: undefined } }, { a: { token: R } }],
    ['undefined at the top: left out', { token: undefined, b: 1 }, { b: 1 }],
    ['a key with a dot', { 'x.y': { password: 'p' } }, { 'x.y': { password: R } }],
    [
      'request headers',
      { req: { headers: { authorization: 'a', cookie: 'c' } } },
      { req: { headers: { authorization: R, cookie: 'c' } } },
    ],
    ['two levels down: as is', { a: { b: { password: 'p' } } }, { a: { b: { password: 'p' } } }],
    [
      'inside arrays: as is',
      { a: [{ password: 'p' }, { token: 't' }] },
      { a: [{ password: 'p' }, { token: 't' }] },
    ],
    [
      'other case: as is',
      { a: { Password: 'p', TOKEN: 't' } },
      { a: { Password: 'p', TOKEN: 't' } },
    ],
    [
      'the update line: as is',
      { dialect: 'dyndns2', client: '192.0.2.1', status: 200, ms: 0.2, hosts: [{ host: 'h' }] },
      { dialect: 'dyndns2', client: '192.0.2.1', status: 200, ms: 0.2, hosts: [{ host: 'h' }] },
    ],
  ]
  for (const [name, input, expected] of table) {
    it(name, () => {
      assert.deepEqual(
        logged((log) => {
          log.info(input, 'm')
        }),
        [{ ...expected, msg: 'm' }],
      )
    })
  }

  it('leaves the logged object itself unchanged', () => {
    const inner = { password: 'p' }
    logged((log) => {
      log.info({ inner, token: 't' }, 'm')
    })
    assert.equal(inner.password, 'p')
  })

  it('censors an error object', () => {
    const [line] = logged((log) => {
      log.info({ err: Object.assign(new Error('boom'), { password: 'p' }) }, 'm')
    }) as [{ err: { message: string; password: string } }]
    assert.equal(line.err.message, 'boom')
    assert.equal(line.err.password, R)
  })

  it('censors child bindings', () => {
    assert.deepEqual(
      logged((log) => {
        log.child({ token: 't', a: { password: 'p' } }).info({ x: 1 }, 'child')
      }),
      [{ token: R, a: { password: R }, x: 1, msg: 'child' }],
    )
    assert.deepEqual(
      logged((log) => {
        log.child({ a: 1 }).child({ secret: 's' }).info('grandchild')
      }),
      [{ a: 1, secret: R, msg: 'grandchild' }],
    )
  })

  it('censors %o arguments', () => {
    assert.deepEqual(
      logged((log) => {
        log.info('plain %o', { password: 'p', a: 1 })
      }),
      [{ msg: 'plain {"password":"[redacted]","a":1}' }],
    )
  })
})
