import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { connect, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { parseCidr } from '../../core/addresses/addresses.ts'
import { RRType } from '../../dns/constants.ts'
import { encodeQuery } from '../../dns/encode-query.ts'
import { parseHeader } from '../../dns/query.ts'
import { mutate, Prng, seedMessages } from '../../../test/helpers/dns-fuzz.ts'
import { digShort } from '../../../test/helpers/tools.ts'
import { zoneFromLines } from '../../../test/helpers/zone-lines.ts'
import { createRrl, prefixKey, truncatedAnswer } from './rrl.ts'
import { startDnsServer, type DnsServer } from '../server.ts'
import { ZoneIndex } from '../index/zone-index.ts'

const ZONE = `
dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60
dyn.example.test. 300 IN NS ns1.example.test.
myhost.dyn.example.test. 60 IN A 203.0.113.10
`

function query(id = 7): Buffer {
  const q = encodeQuery('myhost.dyn.example.test', RRType.A, { id, recursionDesired: true })
  assert.ok(q.ok)
  return q.value
}

describe('prefixKey', () => {
  for (const [a, b, same] of [
    ['192.0.2.1', '192.0.2.254', true],
    ['192.0.2.1', '192.0.3.1', false],
    ['::ffff:192.0.2.1', '192.0.2.77', true],
    ['2001:db8:1:200::1', '2001:db8:1:2ff:ffff::9', true],
    ['2001:db8:1:200::1', '2001:db8:1:300::1', false],
    ['2001:db8::1', '2001:db8:0:0:ff::1', true],
    ['::1', '0:0:0:0:0:0:0:1', true],
    ['fe80::1%eth0', 'fe80::2', true],
  ] as const) {
    it(`${a} and ${b} ${same ? 'share' : 'do not share'} a bucket`, () => {
      assert.equal(prefixKey(a) === prefixKey(b), same)
    })
  }
})

describe('createRrl', () => {
  it('passes a burst of the rate, then slips every slip-th and drops the rest, refilling with time', () => {
    let t = 100
    const rrl = createRrl({ responsesPerSecond: 4, slip: 2, now: () => t })
    const run = (n: number, address = '192.0.2.1'): string[] =>
      Array.from({ length: n }, () => rrl.check(address))
    assert.deepEqual(run(4), ['send', 'send', 'send', 'send'])
    assert.deepEqual(run(4), ['drop', 'slip', 'drop', 'slip'])
    assert.deepEqual(run(1, '198.51.100.1'), ['send'], 'another prefix has its own bucket')
    t += 0.5
    assert.deepEqual(run(3), ['send', 'send', 'drop'])
    t += 10
    assert.deepEqual(
      run(5),
      ['send', 'send', 'send', 'send', 'slip'],
      'never more than one second banked',
    )
    assert.deepEqual(rrl.counts, { slipped: 3, dropped: 3 })
  })
  it('drops all with slip 0 and truncates all with slip 1', () => {
    const none = createRrl({ responsesPerSecond: 1, slip: 0, now: () => 0 })
    const all = createRrl({ responsesPerSecond: 1, slip: 1, now: () => 0 })
    const seq = (r: typeof none): string[] => [1, 2, 3].map(() => r.check('2001:db8::1'))
    assert.deepEqual(seq(none), ['send', 'drop', 'drop'])
    assert.deepEqual(seq(all), ['send', 'slip', 'slip'])
  })
  it('never limits exempt clients', () => {
    const loopback = parseCidr('127.0.0.0/8')
    assert.ok(loopback.ok)
    const rrl = createRrl({
      responsesPerSecond: 1,
      slip: 0,
      now: () => 0,
      exempt: [loopback.value],
    })
    assert.deepEqual(
      [1, 2, 3].map(() => rrl.check('127.0.0.1')),
      ['send', 'send', 'send'],
    )
    assert.deepEqual(
      [1, 2].map(() => rrl.check('192.0.2.1')),
      ['send', 'drop'],
    )
  })
  it('forgets the oldest prefixes beyond its bound', () => {
    const rrl = createRrl({ responsesPerSecond: 1, slip: 0, now: () => 0, maxPrefixes: 10 })
    assert.equal(rrl.check('10.0.0.1'), 'send')
    assert.equal(rrl.check('10.0.0.1'), 'drop')
    for (let i = 1; i <= 10; i++) rrl.check(`10.0.${i}.1`)
    assert.equal(rrl.check('10.0.0.1'), 'send', 'the first prefix was forgotten')
  })
  it('holds at most maxPrefixes prefixes and remembered addresses under a flood', () => {
    const rrl = createRrl({ responsesPerSecond: 1, slip: 0, now: () => 0, maxPrefixes: 10 })
    for (let i = 0; i < 1000; i++) rrl.check(`10.${String(i >> 8)}.${String(i & 255)}.1`)
    const { prefixes, addresses } = rrl.held()
    assert.ok(prefixes > 0 && prefixes <= 10, `prefixes: ${String(prefixes)}`)
    assert.ok(addresses > 0 && addresses <= 10, `addresses: ${String(addresses)}`)
  })
})

describe('truncatedAnswer', () => {
  it('is the header and question with QR, TC and RD, no records, no larger than the query', () => {
    const q = query(4242)
    const tc = truncatedAnswer(q)
    assert.ok(tc !== undefined)
    assert.ok(tc.length <= q.length)
    const h = parseHeader(tc)
    assert.ok(h.ok)
    assert.equal(h.value.id, 4242)
    assert.deepEqual(
      [tc.readUInt16BE(4), tc.readUInt16BE(6), tc.readUInt16BE(8), tc.readUInt16BE(10)],
      [1, 0, 0, 0],
    )
    assert.equal((tc[2] ?? 0) & 0x83, 0x83, 'QR, TC and RD set')
    assert.equal(tc[3], 0)
  })
  it('refuses responses and malformed questions', () => {
    const response = query()
    response[2] = (response[2] ?? 0) | 0x80
    assert.equal(truncatedAnswer(response), undefined)
    assert.equal(truncatedAnswer(query().subarray(0, 20)), undefined)
    assert.equal(truncatedAnswer(Buffer.alloc(5)), undefined)
    const compressed = Buffer.from(query())
    compressed[12] = 0xc0
    assert.equal(truncatedAnswer(compressed), undefined)
  })
})

describe('truncatedAnswer under fuzz', () => {
  it('never throws and never answers larger than the query (20,000 mutated messages, fixed seed)', () => {
    const rng = new Prng(0x7c1)
    const seeds = seedMessages('dyn.example.test', 'myhost.dyn.example.test')
    let answered = 0
    for (let i = 0; i < 20_000; i++) {
      const input = mutate(rng, rng.pick(seeds), 600)
      const tc = truncatedAnswer(input)
      if (tc === undefined) continue
      answered++
      assert.ok(tc.length <= input.length)
      assert.equal((tc[2] ?? 0) & 0x82, 0x82)
    }
    assert.ok(answered > 1000, `only ${String(answered)} answered`)
  })
})

describe('RRL in the built-in server', () => {
  const index = new ZoneIndex()
  let limited: DnsServer
  let open: DnsServer
  before(async () => {
    assert.ok(index.load(zoneFromLines(ZONE)).ok)
    const a = await startDnsServer({
      host: '127.0.0.1',
      port: 0,
      index,
      rrl: { responsesPerSecond: 5, slip: 1 },
    })
    const b = await startDnsServer({ host: '127.0.0.1', port: 0, index })
    assert.ok(a.ok && b.ok)
    limited = a.value
    open = b.value
  })
  after(async () => {
    await limited.close()
    await open.close()
  })

  /** Sends `n` queries at once and collects what comes back within half a second. */
  async function burst(port: number, n: number): Promise<Buffer[]> {
    const socket = createSocket('udp4')
    const got: Buffer[] = []
    socket.on('message', (m) => got.push(m))
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
    for (let i = 0; i < n; i++) socket.send(query(i), port, '127.0.0.1')
    await new Promise((resolve) => setTimeout(resolve, 500))
    socket.close()
    return got
  }

  it('answers a flood from one prefix with the burst in full, the rest truncated', async () => {
    const got = await burst(limited.port, 40)
    const tc = got.filter((m) => ((m[2] ?? 0) & 0x02) !== 0)
    const full = got.filter((m) => ((m[2] ?? 0) & 0x02) === 0)
    assert.ok(full.length >= 5 && full.length <= 8, `full answers: ${full.length}`)
    assert.equal(got.length, 40)
    assert.ok(tc.every((m) => m.readUInt16BE(6) === 0 && m.length <= query().length))
  })
  it('lets a real resolver through over TCP when truncated', async () => {
    await burst(limited.port, 20)
    const answer = await digShort('127.0.0.1', limited.port, 'myhost.dyn.example.test', 'A')
    assert.deepEqual(answer, ['203.0.113.10'])
  })
  it('limits nothing when off', async () => {
    const got = await burst(open.port, 40)
    assert.equal(got.filter((m) => ((m[2] ?? 0) & 0x02) === 0).length, 40)
  })
})

describe('TCP connections per client', () => {
  it('closes an 11th connection from one address at once, and takes one again when a slot frees', async () => {
    const index = new ZoneIndex()
    assert.ok(index.load(zoneFromLines(ZONE)).ok)
    const started = await startDnsServer({ host: '127.0.0.1', port: 0, index })
    assert.ok(started.ok)
    const server = started.value
    const open = (): Promise<{ socket: Socket; closedWithin: (ms: number) => Promise<boolean> }> =>
      new Promise((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: server.port }, () => {
          const closed = new Promise<void>((r) =>
            socket.once('close', () => {
              r()
            }),
          )
          resolve({
            socket,
            closedWithin: (ms) =>
              Promise.race([
                closed.then(() => true),
                new Promise<boolean>((r) =>
                  setTimeout(() => {
                    r(false)
                  }, ms),
                ),
              ]),
          })
        })
        socket.on('error', () => undefined)
      })
    try {
      const ten = await Promise.all(Array.from({ length: 10 }, open))
      const eleventh = await open()
      assert.equal(await eleventh.closedWithin(1000), true, 'the 11th is closed')
      assert.equal(await ten[0]?.closedWithin(100), false, 'the first ten stay open')
      ten[0]?.socket.destroy()
      await new Promise((r) => setTimeout(r, 100))
      const again = await open()
      assert.equal(await again.closedWithin(300), false, 'a freed slot is taken again')
      for (const c of [...ten, again]) c.socket.destroy()
    } finally {
      await server.close()
    }
  })
})
