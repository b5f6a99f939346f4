import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../core/names.ts'
import type { ChangeSet, RecordKey, RecordSet } from '../core/records.ts'
import { coalesce } from './coalesce.ts'

const ZONE = 'dyn.example' as Fqdn
const name = (label: string): Fqdn => `${label}.${ZONE}` as Fqdn
const a = (label: string, value: string): RecordSet => ({
  name: name(label),
  type: 'A',
  ttl: 60,
  values: [value],
})
const aaaa = (label: string, value: string): RecordSet => ({
  name: name(label),
  type: 'AAAA',
  ttl: 60,
  values: [value],
})
const gone = (label: string, type: 'A' | 'AAAA'): RecordKey => ({ name: name(label), type })
const change = (serial: number, replace: RecordSet[], remove: RecordKey[] = []): ChangeSet => ({
  zone: ZONE,
  serial,
  replace,
  remove,
})

describe('coalesce', () => {
  it('gives nothing for no changes', () => {
    assert.equal(coalesce([]), undefined)
  })

  const table: [string, ChangeSet[], ChangeSet][] = [
    [
      'one change is itself',
      [change(1, [a('h', '192.0.2.1')], [gone('h', 'AAAA')])],
      change(1, [a('h', '192.0.2.1')], [gone('h', 'AAAA')]),
    ],
    [
      'a later replace wins',
      [change(1, [a('h', '192.0.2.1')]), change(2, [a('h', '192.0.2.2')])],
      change(2, [a('h', '192.0.2.2')]),
    ],
    [
      'a later remove wins over a replace',
      [change(1, [a('h', '192.0.2.1')]), change(2, [], [gone('h', 'A')])],
      change(2, [], [gone('h', 'A')]),
    ],
    [
      'a later replace wins over a remove',
      [change(1, [], [gone('h', 'A')]), change(2, [a('h', '192.0.2.3')])],
      change(2, [a('h', '192.0.2.3')]),
    ],
    [
      'different RRsets all kept',
      [
        change(1, [a('h', '192.0.2.1')]),
        change(2, [aaaa('h', '2001:db8::1'), a('g', '192.0.2.9')]),
        change(3, [], [gone('k', 'A')]),
      ],
      change(
        3,
        [a('h', '192.0.2.1'), aaaa('h', '2001:db8::1'), a('g', '192.0.2.9')],
        [gone('k', 'A')],
      ),
    ],
    [
      'the last serial, even across the wrap',
      [change(4294967295, [a('h', '192.0.2.1')]), change(0, [a('h', '192.0.2.2')])],
      change(0, [a('h', '192.0.2.2')]),
    ],
  ]
  for (const [title, changes, expected] of table) {
    it(title, () => {
      assert.deepEqual(coalesce(changes), expected)
    })
  }
})
