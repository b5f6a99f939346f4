import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CLIENT, testRequest } from '../../../test/fakes/dialect-requests.ts'
import { createCheckip } from './checkip.ts'

const dialect = createCheckip()
const PAGE = `<html><head><title>Current IP Check</title></head><body>Current IP Address: ${CLIENT.text}</body></html>\r\n`

describe('checkip', () => {
  const cases: [string, Record<string, string>, string, string][] = [
    ['/checkip', {}, 'text/plain; charset=utf-8', CLIENT.text],
    ['/check_ip', {}, 'text/plain; charset=utf-8', CLIENT.text],
    ['/myip', {}, 'text/plain; charset=utf-8', CLIENT.text],
    ['/nic/checkip', {}, 'text/html; charset=utf-8', PAGE],
    ['/checkip', { format: 'html' }, 'text/html; charset=utf-8', PAGE],
  ]
  for (const [path, query, type, body] of cases) {
    it(`${path} ${JSON.stringify(query)}`, () => {
      const r = dialect.answer?.(testRequest({ path, query }))
      assert.deepEqual(r, {
        status: 200,
        headers: { 'content-type': type, 'cache-control': 'no-store' },
        body,
      })
      for (const value of Object.values(r.headers)) assert.ok(!value.includes(CLIENT.text))
    })
  }
})
