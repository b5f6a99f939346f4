import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseCount } from './io.ts'

describe('parseCount', () => {
  const cases: [text: string, expected: number | RegExp][] = [
    ['1', 1],
    ['20', 20],
    ['0020', 20],
    ['10000', 10_000],
    ['0', /^--limit: "0" is not a whole number from 1 to 10000$/],
    ['10001', /"10001" is not a whole number from 1 to 10000/],
    ['-1', /"-1" is not/],
    ['1.5', /"1.5" is not/],
    ['1e3', /"1e3" is not/],
    [' 5', /" 5" is not/],
    ['', /"" is not/],
    ['0x10', /"0x10" is not/],
    ['99999999999999999999999', /"99999999999999999999" is not/],
  ]
  for (const [text, expected] of cases)
    it(`--limit ${JSON.stringify(text)}`, () => {
      const r = parseCount('--limit', text, 1, 10_000)
      if (typeof expected === 'number') assert.deepEqual(r, { ok: true, value: expected })
      else assert.match(r.ok ? `accepted ${String(r.value)}` : r.error, expected)
    })
})
