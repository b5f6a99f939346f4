import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MessageWriter } from './message-writer.ts'
import { nameToWire, wireToText } from './name-text.ts'
import { decodeName, skipName } from './name-wire.ts'

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')
const label = (n: number, c = 'a'): string => c.repeat(n)

describe('nameToWire', () => {
  const valid: [string, string][] = [
    ['example.com', '07 6578616d706c65 03 636f6d 00'],
    ['example.com.', '07 6578616d706c65 03 636f6d 00'],
    ['.', '00'],
    ['MyHost.Example', '06 4d79486f7374 07 4578616d706c65 00'],
    ['a\\.b.c', '03 612e62 01 63 00'],
    ['\\065\\000.x', '02 4100 01 78 00'],
    ['_acme-challenge.x', '0f 5f61636d652d6368616c6c656e6765 01 78 00'],
  ]
  for (const [text, wire] of valid) {
    it(`encodes ${text}`, () => {
      const got = nameToWire(text)
      assert.ok(got.ok, JSON.stringify(got))
      assert.equal(got.value.toString('hex'), hex(wire).toString('hex'))
    })
  }

  const invalid: [string, string][] = [
    ['', 'bad-name'],
    ['a..b', 'bad-name'],
    ['.a', 'bad-name'],
    ['a b', 'bad-name'],
    ['a\\', 'bad-name'],
    ['a\\256', 'bad-name'],
    [label(64), 'label-too-long'],
    [Array.from({ length: 5 }, () => label(63)).join('.'), 'name-too-long'],
  ]
  for (const [text, code] of invalid) {
    it(`refuses ${JSON.stringify(text.slice(0, 20))} with ${code}`, () => {
      const got = nameToWire(text)
      assert.ok(!got.ok)
      assert.equal(got.error.code, code)
    })
  }

  it('accepts exactly 255 octets and round-trips through wireToText', () => {
    const text = [label(63), label(63), label(63), label(61)].join('.')
    const got = nameToWire(text)
    assert.ok(got.ok)
    assert.equal(got.value.length, 255)
    assert.equal(wireToText(got.value), text)
  })
})

describe('decodeName', () => {
  const ok: [string, string, number, string][] = [
    // [message hex, expected text, start offset, expected end]
    ['03 777777 07 6578616d706c65 00', 'www.example', 0, '13'],
    ['07 6578616d706c65 00 03 777777 c000', 'www.example', 9, '15'],
    ['00', '.', 0, '1'],
    ['03 41 2e 42 00', 'A\\.B', 0, '5'],
    ['01 ff 00', '\\255', 0, '3'],
  ]
  for (const [msg, text, start, end] of ok) {
    it(`decodes ${text} at ${start}`, () => {
      const got = decodeName(hex(msg), start)
      assert.ok(got.ok, JSON.stringify(got))
      assert.equal(got.value.text, text)
      assert.equal(got.value.end, Number(end))
      assert.equal(wireToText(got.value.wire), text)
    })
  }

  const bad: [string, string, number, string][] = [
    ['self pointer', 'c000', 0, 'bad-pointer'],
    ['forward pointer', 'c002 00', 0, 'bad-pointer'],
    ['pointer loop through a label', '01 61 c000', 0, 'bad-pointer'],
    ['two pointers at each other', '01 61 c004 01 62 c000', 4, 'bad-pointer'],
    ['truncated label', '05 6162', 0, 'truncated'],
    ['missing root', '01 61', 0, 'truncated'],
    ['truncated pointer', '01 61 c0', 0, 'truncated'],
    ['empty input', '', 0, 'truncated'],
    ['extended label type', '41 00', 0, 'bad-label-type'],
    ['binary label type', '80 00', 0, 'bad-label-type'],
  ]
  for (const [what, msg, start, code] of bad) {
    it(`refuses a ${what}`, () => {
      const got = decodeName(hex(msg), start)
      assert.ok(!got.ok)
      assert.equal(got.error.code, code)
    })
  }

  it('refuses a name that grows past 255 octets through pointers', () => {
    // Each step: a 63-octet label then a pointer to the previous step.
    const parts: Buffer[] = [Buffer.from([63, ...Buffer.alloc(63, 0x61), 0])]
    let previous = 0
    for (let i = 0; i < 4; i++) {
      const at = parts.reduce((n, p) => n + p.length, 0)
      parts.push(Buffer.from([63, ...Buffer.alloc(63, 0x62), 0xc0, previous]))
      previous = at
    }
    const got = decodeName(Buffer.concat(parts), previous)
    assert.ok(!got.ok)
    assert.equal(got.error.code, 'name-too-long')
  })

  it('skipName agrees with decodeName on where the name ends', () => {
    const msg = hex('07 6578616d706c65 00 03 777777 c000 ff')
    const skipped = skipName(msg, 9)
    const decoded = decodeName(msg, 9)
    assert.ok(skipped.ok && decoded.ok)
    assert.equal(skipped.value, decoded.value.end)
  })
})

describe('MessageWriter.name', () => {
  it('compresses repeated suffixes case-insensitively and round-trips', () => {
    const w = new MessageWriter(512)
    const names = ['MyHost.Dyn.Example', 'other.dyn.example', 'dyn.example', 'example']
    for (const n of names) {
      const wire = nameToWire(n)
      assert.ok(wire.ok)
      w.name(wire.value)
    }
    const msg = w.finish()
    // First name in full (20 octets), then label + pointer (8), then two bare pointers.
    assert.equal(msg.length, 20 + 8 + 2 + 2)
    assert.equal(msg.subarray(26, 28).toString('hex'), 'c007')
    let pos = 0
    const texts: string[] = []
    for (let i = 0; i < names.length; i++) {
      const got = decodeName(msg, pos)
      assert.ok(got.ok)
      texts.push(got.value.text)
      pos = got.value.end
    }
    assert.deepEqual(texts, ['MyHost.Dyn.Example', 'other.Dyn.Example', 'Dyn.Example', 'Example'])
  })

  it('flags overflow instead of writing past its capacity', () => {
    const w = new MessageWriter(4)
    w.u32(1)
    assert.equal(w.overflowed, false)
    w.u8(1)
    assert.equal(w.overflowed, true)
    assert.equal(w.length, 4)
  })
})
