import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { after, before, describe, it } from 'node:test'
import { Secret } from '../core/auth/secret.ts'
import { startBind, type BindServer } from '../../test/helpers/bind.ts'
import { run } from '../../test/helpers/tools.ts'
import { RRType } from './constants.ts'
import { decodeMessage } from './decode-message.ts'
import { encodeQuery } from './encode-query.ts'
import {
  signMessage,
  TSIG_ALGORITHMS,
  verifyMessage,
  type KeyLookup,
  type TsigAlgorithm,
  type TsigKey,
} from './tsig.ts'

const NOW = 1_700_000_000
const secretOf = (seed: string): string =>
  Buffer.from(seed.repeat(8).slice(0, 32)).toString('base64')
const keys: TsigKey[] = (Object.keys(TSIG_ALGORITHMS) as TsigAlgorithm[]).map((algorithm) => ({
  name: `k-${algorithm}`,
  algorithm,
  secret: new Secret(secretOf(algorithm)),
}))
const lookup: KeyLookup = (name) => keys.find((k) => k.name === name)
const sha256 = keys.find((k) => k.algorithm === 'hmac-sha256') as TsigKey

function query(id = 4242): Buffer {
  const q = encodeQuery('example.test', RRType.SOA, { id, edns: false })
  assert.ok(q.ok)
  return q.value
}

describe('signMessage / verifyMessage', () => {
  for (const key of keys) {
    it(`round-trips with ${key.algorithm}`, () => {
      const signed = signMessage(query(), key, { now: NOW })
      assert.ok(signed.ok)
      const v = verifyMessage(signed.value.message, lookup, { now: NOW + 10 })
      assert.ok(v.ok, JSON.stringify(!v.ok && v.error))
      assert.equal(v.value.key.name, key.name)
      assert.deepEqual(v.value.message, query())
    })
  }

  const failures: [string, (m: Buffer) => Buffer, number, KeyLookup, string][] = [
    ['a flipped question byte', (m) => flip(m, 14), NOW, lookup, 'BADSIG'],
    ['a flipped header flag', (m) => flip(m, 2), NOW, lookup, 'BADSIG'],
    ['a clock beyond the fudge', (m) => m, NOW + 301, lookup, 'BADTIME'],
    ['an unknown key', (m) => m, NOW, () => undefined, 'BADKEY'],
    ['no TSIG at all', () => query(), NOW, lookup, 'unsigned'],
    ['a truncated message', (m) => m.subarray(0, m.length - 3), NOW, lookup, 'malformed'],
  ]
  for (const [what, mutate, now, keyLookup, code] of failures) {
    it(`refuses ${what} with ${code}`, () => {
      const signed = signMessage(query(), sha256, { now: NOW })
      assert.ok(signed.ok)
      const v = verifyMessage(mutate(Buffer.from(signed.value.message)), keyLookup, { now })
      assert.ok(!v.ok)
      assert.equal(v.error.code, code)
    })
  }

  it('holds a sender-chosen fudge to 300 s, either side of now', () => {
    const signed = signMessage(query(), sha256, { now: NOW, fudge: 65535 })
    assert.ok(signed.ok)
    for (const [now, code] of [
      [NOW + 300, null],
      [NOW - 300, null],
      [NOW + 301, 'BADTIME'],
      [NOW - 301, 'BADTIME'],
      [NOW + 3600, 'BADTIME'],
    ] as const) {
      const v = verifyMessage(signed.value.message, lookup, { now })
      assert.equal(v.ok ? null : v.error.code, code, `at now ${now - NOW}`)
    }
  })

  it('accepts a rewritten ID: the MAC covers the original ID (RFC 8945 §4.3.2)', () => {
    const signed = signMessage(query(), sha256, { now: NOW })
    assert.ok(signed.ok)
    const v = verifyMessage(flip(signed.value.message, 1), lookup, { now: NOW })
    assert.equal(v.ok, true)
  })

  it('binds a response to the request MAC', () => {
    const request = signMessage(query(), sha256, { now: NOW })
    assert.ok(request.ok)
    const response = signMessage(query(), sha256, { now: NOW, requestMac: request.value.mac })
    assert.ok(response.ok)
    const good = verifyMessage(response.value.message, lookup, {
      now: NOW,
      requestMac: request.value.mac,
    })
    assert.ok(good.ok)
    const other = verifyMessage(response.value.message, lookup, {
      now: NOW,
      requestMac: Buffer.alloc(32),
    })
    assert.ok(!other.ok)
    assert.equal(other.error.code, 'BADSIG')
  })
})

describe('TSIG against a real BIND', () => {
  let bind: BindServer
  before(async () => {
    bind = await startBind(
      keys.map((k) => ({ name: k.name, algorithm: k.algorithm, secret: k.secret.reveal() })),
      [{ name: 'example.test', keys: keys.map((k) => k.name) }],
    )
  })
  after(async () => {
    await bind.stop()
  })

  for (const key of keys) {
    it(`named accepts our ${key.algorithm} signature and we verify its reply`, async () => {
      const request = signMessage(query(), key, { now: Date.now() / 1000 })
      assert.ok(request.ok)
      const reply = await udpExchange(bind.port, request.value.message)
      const v = verifyMessage(reply, lookup, {
        now: Date.now() / 1000,
        requestMac: request.value.mac,
      })
      assert.ok(v.ok, JSON.stringify(!v.ok && v.error))
      const decoded = decodeMessage(v.value.message)
      assert.ok(decoded.ok)
      assert.equal(decoded.value.header.rcode, 0)
      assert.equal(decoded.value.answers[0]?.type, RRType.SOA)
    })
  }

  it('named reports BADSIG for a wrong secret, and we read it as the peer error', async () => {
    const wrong = { ...sha256, secret: new Secret(secretOf('wrong')) }
    const request = signMessage(query(), wrong, { now: Date.now() / 1000 })
    assert.ok(request.ok)
    const reply = await udpExchange(bind.port, request.value.message)
    const v = verifyMessage(reply, lookup, {
      now: Date.now() / 1000,
      requestMac: request.value.mac,
    })
    assert.ok(!v.ok)
    assert.deepEqual([v.error.code, v.error.fromPeer], ['BADSIG', true])
  })

  it('verifies a query signed by dig -y', async () => {
    const socket = createSocket('udp4')
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
    const port = socket.address().port
    const received = new Promise<Buffer>((resolve) => socket.once('message', resolve))
    const dig = run('dig', [
      '@127.0.0.1',
      '-p',
      String(port),
      '-y',
      `hmac-sha512:${keys.find((k) => k.algorithm === 'hmac-sha512')?.name ?? ''}:${secretOf('hmac-sha512')}`,
      'example.test',
      'SOA',
      '+time=1',
      '+tries=1',
    ])
    const msg = await received
    socket.close()
    await dig
    const v = verifyMessage(msg, lookup, { now: Date.now() / 1000 })
    assert.ok(v.ok, JSON.stringify(!v.ok && v.error))
    assert.equal(v.value.key.algorithm, 'hmac-sha512')
  })
})

function flip(m: Buffer, at: number): Buffer {
  const copy = Buffer.from(m)
  copy[at] = (copy[at] ?? 0) ^ 0x01
  return copy
}

function udpExchange(port: number, msg: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4')
    const timer = setTimeout(() => {
      socket.close()
      reject(new Error('no reply'))
    }, 3000)
    socket.once('message', (reply) => {
      clearTimeout(timer)
      socket.close()
      resolve(reply)
    })
    socket.send(msg, port, '127.0.0.1')
  })
}
