import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { masked, secretScanner } from '../helpers/secret-scan.ts'

const TOKEN = 'dz_Q3kP9vX2mW7nR4tY8'
const PASSWORD = 'correct horse/battery+staple'

describe('secretScanner (the log audit’s matcher)', () => {
  const scan = secretScanner([TOKEN, PASSWORD, 'short'])
  const cases: [string, string, string | null][] = [
    ['a plain token', `{"msg":"update","token":"${TOKEN}"}`, 'plain'],
    [
      'a URL-encoded password',
      `GET /nic/update?password=${encodeURIComponent(PASSWORD)}`,
      'url-encoded',
    ],
    [
      'a form-encoded password',
      `body: password=${new URLSearchParams({ p: PASSWORD }).toString().slice(2)}`,
      'form-encoded',
    ],
    ...['a', 'ab', 'abc', 'alice'].map((user): [string, string, string] => [
      `a Basic header for user "${user}"`,
      `authorization: Basic ${Buffer.from(`${user}:${TOKEN}`).toString('base64')}`,
      'base64',
    ]),
    [
      'a Basic header with the password',
      `Basic ${Buffer.from(`bob:${PASSWORD}`).toString('base64')}`,
      'base64',
    ],
    ['a clean line', '{"msg":"update","dialect":"dyndns2","result":"good"}', null],
    ['a secret shorter than 8 characters (ignored)', 'password=short', null],
  ]
  for (const [what, text, form] of cases) {
    it(`${form === null ? 'passes' : 'finds'} ${what}`, () => {
      const hits = scan(`first line\n${text}\nlast line`)
      if (form === null) assert.deepEqual(hits, [])
      else {
        assert.ok(hits.length > 0, 'no hit')
        assert.ok(
          hits.some((h) => h.form === form && h.line === 2),
          JSON.stringify(hits),
        )
      }
    })
  }
  it('masks a secret for messages', () => {
    assert.equal(masked(TOKEN), 'dz… (20 chars)')
  })
})
