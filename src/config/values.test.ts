import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { LeafKind } from './keys.ts'
import { parseOverride, splitList } from './values.ts'

void describe('parseOverride', () => {
  const cases: [string, LeafKind, unknown][] = [
    ['8245', 'number', 8245],
    ['1_000', 'number', 1000],
    ['abc', 'number', 'abc'],
    ['', 'number', ''],
    ['true', 'boolean', true],
    ['false', 'boolean', false],
    ['yes', 'boolean', 'yes'],
    ['info', 'string', 'info'],
    ['"quoted"', 'string', 'quoted'],
    ['123', 'string', '123'],
    ['2024-01-01', 'string', '2024-01-01'],
    ['./data', 'string', './data'],
    ['127.0.0.1', 'string', '127.0.0.1'],
    ['a = 1\nb = 2', 'string', 'a = 1\nb = 2'],
    ['10.0.0.0/8, ::1', 'array', ['10.0.0.0/8', '::1']],
    ['["a", "b"]', 'array', ['a', 'b']],
    ['"a,b"', 'array', ['a', 'b']],
    ['', 'array', []],
    ['10.0.0.1', 'array', ['10.0.0.1']],
  ]
  for (const [raw, kind, want] of cases) {
    void it(`${JSON.stringify(raw)} as ${kind}`, () => {
      assert.deepEqual(parseOverride(raw, kind), want)
    })
  }

  void it('splits lists on commas, dropping blanks', () => {
    assert.deepEqual(splitList(' a ,, b,'), ['a', 'b'])
  })
})
