import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RRType } from './constants.ts'
import { encodeQuery } from './encode-query.ts'
import { parseQuery } from './query.ts'

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

function query(
  name: string,
  type: number,
  options: Parameters<typeof encodeQuery>[2] = {},
): Buffer {
  const q = encodeQuery(name, type, options)
  assert.ok(q.ok)
  return q.value
}

// Header: id 0x1234, flags RD, then counts qd an ns ar.
const header = (qd: number, an: number, ns: number, ar: number): string =>
  '1234 0100' + [qd, an, ns, ar].map((n) => n.toString(16).padStart(4, '0')).join('')
const QUESTION = '01 61 04 74657374 00 0001 0001' // a.test A IN
const OPT = '00 0029 04d0 00 00 8000 0000' // root OPT, payload 1232, DO

describe('parseQuery', () => {
  it('reads the question, keeping the original case on the wire and lowercasing for lookup', () => {
    const got = parseQuery(query('MyHost.DYN.example.test', RRType.AAAA, { id: 7, edns: false }))
    assert.ok(got.ok, JSON.stringify(got))
    assert.equal(got.value.header.id, 7)
    assert.equal(got.value.question.name, 'myhost.dyn.example.test')
    assert.equal(got.value.question.type, RRType.AAAA)
    assert.equal(got.value.question.class, 1)
    assert.ok(got.value.question.nameWire.includes(Buffer.from('MyHost')))
    assert.equal(got.value.edns, undefined)
  })

  it('reads EDNS version, payload size and the DO bit', () => {
    const got = parseQuery(
      query('a.test', RRType.A, { edns: { udpPayloadSize: 4096, version: 1, dnssecOk: true } }),
    )
    assert.ok(got.ok)
    assert.deepEqual(got.value.edns, { udpPayloadSize: 4096, version: 1, dnssecOk: true })
  })

  it('accepts the root name', () => {
    const got = parseQuery(query('.', RRType.NS))
    assert.ok(got.ok)
    assert.equal(got.value.question.name, '.')
  })

  it('reads a hand-built query with an OPT record', () => {
    const got = parseQuery(hex(header(1, 0, 0, 1) + QUESTION + OPT))
    assert.ok(got.ok)
    assert.deepEqual(got.value.edns, { udpPayloadSize: 1232, version: 0, dnssecOk: true })
  })

  const malformed: [string, string, string, boolean][] = [
    // [what, message hex, error code, header readable]
    ['an empty message', '', 'truncated', false],
    ['a truncated header', '1234 0100 0001', 'truncated', false],
    ['no question', header(0, 0, 0, 0), 'bad-count', true],
    ['two questions', header(2, 0, 0, 0) + QUESTION + QUESTION, 'bad-count', true],
    ['a truncated question name', header(1, 0, 0, 0) + '01 61 04 7465', 'truncated', true],
    ['a question without type and class', header(1, 0, 0, 0) + '01 61 00 0001', 'truncated', true],
    [
      'a compression loop in the question',
      header(1, 0, 0, 0) + 'c00c 0001 0001',
      'bad-pointer',
      true,
    ],
    ['trailing bytes', header(1, 0, 0, 0) + QUESTION + 'ff', 'trailing-data', true],
    ['an additional count with no record', header(1, 0, 0, 1) + QUESTION, 'truncated', true],
    ['two OPT records', header(1, 0, 0, 2) + QUESTION + OPT + OPT, 'bad-opt', true],
    [
      'an OPT with a non-root owner',
      header(1, 0, 0, 1) + QUESTION + '01 61 00 0029 04d0 00000000 0000',
      'bad-opt',
      true,
    ],
    ['an OPT in the answer section', header(1, 1, 0, 0) + QUESTION + OPT, 'bad-opt', true],
    [
      'an EDNS option longer than the rdata',
      header(1, 0, 0, 1) + QUESTION + '00 0029 04d0 00000000 0006 000a 0008 0102',
      'bad-opt',
      true,
    ],
    [
      'an EDNS option cut in its header',
      header(1, 0, 0, 1) + QUESTION + '00 0029 04d0 00000000 0002 000a',
      'bad-opt',
      true,
    ],
    [
      'an rdlength past the end',
      header(1, 0, 0, 1) + QUESTION + '00 0029 04d0 00000000 0010',
      'truncated',
      true,
    ],
  ]
  for (const [what, msg, code, headerReadable] of malformed) {
    it(`refuses ${what}`, () => {
      const got = parseQuery(hex(msg))
      assert.ok(!got.ok)
      assert.equal(got.error.code, code)
      assert.equal(got.error.header !== undefined, headerReadable)
    })
  }

  it('survives every truncation of a valid query without throwing', () => {
    const full = query('www.Example.test', RRType.TXT, { edns: { dnssecOk: true } })
    for (let n = 0; n < full.length; n++) {
      const got = parseQuery(full.subarray(0, n))
      assert.ok(!got.ok, `prefix of ${n} bytes parsed`)
    }
    assert.ok(parseQuery(full).ok)
  })
})
