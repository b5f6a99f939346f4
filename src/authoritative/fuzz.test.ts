import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { parseCidr } from '../core/addresses/addresses.ts'
import { ok } from '../core/result.ts'
import { Secret } from '../core/auth/secret.ts'
import { Flag, Opcode, Rcode } from '../dns/constants.ts'
import { parseHeader, parseQuery } from '../dns/query.ts'
import { signMessage, type TsigKey } from '../dns/tsig.ts'
import { mutate, Prng, seedMessages } from '../../test/helpers/dns-fuzz.ts'
import { zoneFromLines } from '../../test/helpers/zone-lines.ts'
import { createDispatcher } from './dispatch.ts'
import { startDnsServer, type DnsLogger, type DnsServer } from './server.ts'
import type { UpdateHandlerOptions } from './update/update-server.ts'
import { ZoneIndex } from './index/zone-index.ts'

const run = promisify(execFile)

const ZONE = `
dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60
dyn.example.test. 300 IN NS ns1.example.test.
myhost.dyn.example.test. 60 IN A 203.0.113.10
myhost.dyn.example.test. 60 IN AAAA 2001:db8::10
www.dyn.example.test. 60 IN CNAME myhost.dyn.example.test.
sub.dyn.example.test. 60 IN NS ns.sub.dyn.example.test.
ns.sub.dyn.example.test. 60 IN A 192.0.2.53
`
const NOW = 1_700_000_000
const KEY: TsigKey = {
  name: 'fuzz-key',
  algorithm: 'hmac-sha256',
  secret: new Secret(Buffer.alloc(32, 7).toString('base64')),
}
const SEEDS = seedMessages('dyn.example.test', 'myhost.dyn.example.test')

/** Counts what reaches the edges, so the test can assert that nothing was a bug. */
function recorder() {
  const errors: unknown[] = []
  const logger: DnsLogger = {
    info: () => undefined,
    warn: () => undefined,
    error: (fields) => errors.push(fields),
  }
  return { errors, logger }
}

function setup() {
  const index = new ZoneIndex()
  assert.ok(index.load(zoneFromLines(ZONE)).ok)
  const loopback = parseCidr('127.0.0.0/8')
  assert.ok(loopback.ok)
  const applied: unknown[] = []
  // Core stands in as a recorder: the fuzz target is the wire side, not the store.
  const update: UpdateHandlerOptions = {
    keys: new Map([[KEY.name, { key: KEY, principal: { keyName: KEY.name, grants: [] } }]]),
    updates: {
      update: (u) => {
        applied.push(u)
        return Promise.resolve(ok({ changed: false, ignored: [] }))
      },
    },
    now: () => NOW,
  }
  return { index, transfer: { source: index, allow: [loopback.value] }, update, applied }
}

/** Invariants of any response to `query`: a well-formed header answering it. */
function checkResponse(query: Buffer, response: Buffer): void {
  const head = parseHeader(response)
  assert.ok(head.ok, `unreadable response to ${query.toString('hex')}`)
  assert.ok((head.value.flags & Flag.QR) !== 0, 'response without QR')
  assert.equal(head.value.id, query.readUInt16BE(0))
  const opcode = (query.readUInt16BE(2) >> 11) & 0xf
  if (opcode === Opcode.QUERY && !parseQuery(query).ok) {
    // Malformed queries: FORMERR, or a TSIG refusal when the mess looks signed.
    assert.ok(
      [Rcode.FORMERR, Rcode.NOTAUTH].includes(head.value.rcode as 1 | 9),
      `malformed query ${query.toString('hex')} got rcode ${head.value.rcode}`,
    )
  }
}

describe('fuzzing the DNS server', () => {
  it('answers 20000 mutated messages in process without an exception', async () => {
    const s = setup()
    const errors: unknown[] = []
    const answer = createDispatcher({
      index: s.index,
      transfer: s.transfer,
      update: s.update,
      onError: () => (e) => errors.push(e),
    })
    const rng = new Prng(0x5eed)
    let answered = 0
    let malformed = 0
    for (let i = 0; i < 20_000; i++) {
      const transport = i % 3 === 0 ? 'tcp' : 'udp'
      let packet = mutate(rng, rng.pick(SEEDS), transport === 'tcp' ? 65535 : 4096)
      // Every fourth UPDATE is signed after mutation, so the update parser sees the mess.
      if (i % 4 === 0 && packet.length >= 12 && ((packet.readUInt16BE(2) >> 11) & 0xf) === 5) {
        const signed = signMessage(packet, KEY, { now: NOW })
        if (signed.ok) packet = signed.value.message
      }
      if (packet.length >= 12 && !parseQuery(packet).ok) malformed++
      const responses = await answer(transport)(packet, '127.0.0.1')
      for (const r of responses ?? []) {
        checkResponse(packet, r)
        answered++
      }
    }
    assert.deepEqual(errors, [])
    assert.ok(answered > 7_000, `only ${answered} answers`)
    assert.ok(malformed > 3_000, `only ${malformed} malformed messages were tried`)
  })

  describe('over the network', () => {
    const s = setup()
    const rec = recorder()
    let server: DnsServer
    before(async () => {
      const started = await startDnsServer({
        host: '127.0.0.1',
        port: 0,
        index: s.index,
        logger: rec.logger,
        transfer: s.transfer,
        update: s.update,
      })
      assert.ok(started.ok, JSON.stringify(started))
      server = started.value
    })
    after(async () => {
      await server.close()
    })

    it('survives mutated datagrams and streams, then still answers dig', async () => {
      const rng = new Prng(0xfeed)
      const responses = await fuzzUdp(server.port, rng, 4000)
      assert.ok(responses.length > 0)
      for (const [query, response] of responses) checkResponse(query, response)
      for (let c = 0; c < 40; c++) await fuzzTcp(server.port, rng, 60)
      assert.deepEqual(rec.errors, [])
      for (const extra of [[], ['+tcp']]) {
        const { stdout } = await run('dig', [
          '@127.0.0.1',
          '-p',
          String(server.port),
          '+norec',
          '+short',
          '+time=2',
          '+tries=1',
          ...extra,
          'myhost.dyn.example.test',
          'A',
        ])
        assert.equal(stdout.trim(), '203.0.113.10')
      }
    })
  })
})

/** Sends `count` mutated datagrams in small batches; returns the (query, response) pairs. */
async function fuzzUdp(port: number, rng: Prng, count: number): Promise<[Buffer, Buffer][]> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const sent = new Map<number, Buffer>()
  const pairs: [Buffer, Buffer][] = []
  socket.on('message', (m) => {
    const query = m.length >= 2 ? sent.get(m.readUInt16BE(0)) : undefined
    if (query !== undefined) pairs.push([query, m])
  })
  const BATCH = 100
  for (let i = 0; i < count; i += BATCH) {
    for (let j = 0; j < BATCH; j++) {
      const packet = mutate(rng, rng.pick(SEEDS), 4096)
      // A unique ID so each answer, however late, finds its query (too short: no match).
      if (packet.length >= 2) packet.writeUInt16BE(i + j, 0)
      if (packet.length >= 2) sent.set(i + j, packet)
      socket.send(packet, port, '127.0.0.1')
    }
    // Let the batch drain; answers that come later are simply not checked.
    await new Promise((resolve) => setTimeout(resolve, 30))
  }
  socket.close()
  return pairs
}

/** One connection: a stream of framed mutated messages, some with lying length prefixes. */
async function fuzzTcp(port: number, rng: Prng, count: number): Promise<void> {
  const chunks: Buffer[] = []
  for (let i = 0; i < count; i++) {
    const packet = mutate(rng, rng.pick(SEEDS), 65535)
    const length = Buffer.alloc(2)
    length.writeUInt16BE(rng.int(20) === 0 ? rng.int(0x10000) : packet.length, 0)
    chunks.push(length, packet)
  }
  const socket = connect(port, '127.0.0.1')
  await new Promise<void>((resolve) => {
    socket.on('error', () => {
      resolve()
    })
    socket.on('close', () => {
      resolve()
    })
    socket.on('data', () => undefined)
    socket.on('connect', () => {
      socket.end(Buffer.concat(chunks))
    })
    // The server may keep a half-closed connection open until its idle timeout.
    setTimeout(() => socket.destroy(), 300).unref()
  })
}
