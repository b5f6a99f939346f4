import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Opcode, RRType } from '../../dns/constants.ts'
import { encodeQuery, type QueryOptions } from '../../dns/encode-query.ts'
import { signMessage } from '../../dns/tsig.ts'
import { Secret } from '../../core/auth/secret.ts'
import { needsPrimary } from './forward-rule.ts'

function query(name: string, type: number, options: QueryOptions = {}): Buffer {
  const q = encodeQuery(name, type, { id: 7, ...options })
  assert.ok(q.ok)
  return q.value
}

const key = { name: 'k', algorithm: 'hmac-sha256' as const, secret: new Secret('c2VjcmV0') }
const signed = signMessage(query('dyn.example.test', RRType.SOA), key, { now: 1_700_000_000 })
assert.ok(signed.ok)
const response = query('a.dyn.example.test', RRType.A)
response[2] = (response[2] ?? 0) | 0x80

describe('needsPrimary (what a DNS worker hands to the main process)', () => {
  const table: [string, Buffer, boolean][] = [
    ['an A query', query('a.dyn.example.test', RRType.A), false],
    ['a SOA query', query('dyn.example.test', RRType.SOA), false],
    ['a query without EDNS', query('x.dyn.example.test', RRType.TXT, { edns: false }), false],
    ['a signed query (TSIG)', signed.value.message, true],
    ['UPDATE', query('dyn.example.test', RRType.SOA, { opcode: Opcode.UPDATE }), true],
    ['NOTIFY', query('dyn.example.test', RRType.SOA, { opcode: Opcode.NOTIFY }), true],
    ['AXFR', query('dyn.example.test', RRType.AXFR), true],
    ['IXFR', query('dyn.example.test', RRType.IXFR, { edns: false }), true],
    ['a response', response, false],
    ['a short datagram', Buffer.from([1, 2, 3]), false],
    ['a truncated question', query('a.dyn.example.test', RRType.A).subarray(0, 20), false],
  ]
  for (const [what, message, expected] of table) {
    it(`${what}: ${expected ? 'main process' : 'worker'}`, () => {
      assert.equal(needsPrimary(message), expected)
    })
  }
})
