import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createLogger } from './logger.ts'
import { prettyDestination, prettyLine } from './pretty-lines.ts'

describe('pretty log lines', () => {
  it('renders time LEVEL msg key=value, censoring secrets as the JSON lines do', () => {
    let out = ''
    const logger = createLogger('info', prettyDestination({ write: (t: string) => (out += t) }))
    logger.info(
      { user: 'alice', password: 'hunter2', req: { token: 'abc', route: '/nic/update' } },
      'update refused',
    )
    logger.debug('not at this level')
    assert.match(
      out,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}update refused user=alice password=\[redacted\] req=\{"token":"\[redacted\]","route":"\/nic\/update"\}\n$/,
    )
    assert.ok(!out.includes('hunter2') && !out.includes('abc'))
  })

  const cases: [string, Record<string, unknown>, string][] = [
    ['quotes values with spaces', { level: 40, msg: 'm', why: 'a b' }, 'WARN  m why="a b"\n'],
    [
      'prints null and numbers bare',
      { level: 30, msg: 'm', n: 3, x: null },
      'INFO  m n=3 x=null\n',
    ],
    [
      'puts an error’s stack under the line',
      { level: 50, msg: 'boom', err: { message: 'bad', stack: 'Error: bad\n  at f' } },
      'ERROR boom err=bad\n    Error: bad\n      at f\n',
    ],
    ['leaves out pid, hostname and name', { level: 30, msg: 'm', pid: 1, name: 'x' }, 'INFO  m\n'],
  ]
  for (const [name, fields, expected] of cases) {
    it(name, () => {
      assert.equal(prettyLine(JSON.stringify(fields)), expected)
    })
  }

  it('passes a line that is not JSON through', () => {
    assert.equal(prettyLine('plain'), 'plain\n')
  })
})
