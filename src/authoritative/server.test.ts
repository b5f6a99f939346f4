import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { connect, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import type { Fqdn } from '../core/names.ts'
import { RRType } from '../dns/constants.ts'
import { decodeMessage } from '../dns/decode-message.ts'
import { encodeQuery } from '../dns/encode-query.ts'
import { recordSetsFromLines, zoneFromLines } from '../../test/helpers/zone-lines.ts'
import { startDnsServer, type DnsServer } from './server.ts'
import { ZoneIndex } from './index/zone-index.ts'

const run = promisify(execFile)

const ZONE = `
dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60
dyn.example.test. 300 IN NS ns1.example.test.
dyn.example.test. 300 IN NS ns2.example.test.
myhost.dyn.example.test. 60 IN A 203.0.113.10
myhost.dyn.example.test. 60 IN AAAA 2001:db8::10
`
const SOA_LINE =
  'dyn.example.test. 60 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60'

/** What dig printed, reduced to what the tests check. */
interface DigResult {
  readonly status: string
  readonly flags: string[]
  readonly transport: string
  readonly question: string
  readonly answer: string[]
  readonly authority: string[]
}

async function dig(port: number, ...args: string[]): Promise<DigResult> {
  const { stdout } = await run(
    'dig',
    ['@127.0.0.1', '-p', String(port), '+norec', '+time=2', '+tries=1', ...args],
    {
      timeout: 5000,
    },
  )
  const section = (title: string): string[] => {
    const lines = stdout.split('\n')
    const start = lines.indexOf(`;; ${title} SECTION:`)
    if (start < 0) return []
    const end = lines.indexOf('', start)
    return lines.slice(start + 1, end < 0 ? undefined : end).map((l) => l.split(/\s+/).join(' '))
  }
  return {
    status: /status: (\w+)/.exec(stdout)?.[1] ?? `unparsed: ${stdout}`,
    flags: (/;; flags: ([a-z ]*);/.exec(stdout)?.[1] ?? '').split(' ').filter((f) => f !== ''),
    transport: /;; SERVER: .*\((UDP|TCP)\)/.exec(stdout)?.[1] ?? 'unknown',
    question: section('QUESTION')[0] ?? '',
    answer: section('ANSWER'),
    authority: section('AUTHORITY'),
  }
}

describe('DNS server with dig', () => {
  const index = new ZoneIndex()
  let server: DnsServer
  before(async () => {
    assert.ok(index.load(zoneFromLines(ZONE)).ok)
    const started = await startDnsServer({ host: '127.0.0.1', port: 0, index })
    assert.ok(started.ok, JSON.stringify(started))
    server = started.value
    assert.ok(server.port > 0)
  })
  after(async () => {
    await server.close()
  })

  const cases: [string, string[], Partial<DigResult>][] = [
    [
      'A over UDP',
      ['myhost.dyn.example.test', 'A'],
      {
        status: 'NOERROR',
        transport: 'UDP',
        answer: ['myhost.dyn.example.test. 60 IN A 203.0.113.10'],
      },
    ],
    [
      'AAAA over TCP',
      ['+tcp', 'myhost.dyn.example.test', 'AAAA'],
      {
        status: 'NOERROR',
        transport: 'TCP',
        answer: ['myhost.dyn.example.test. 60 IN AAAA 2001:db8::10'],
      },
    ],
    [
      'apex SOA',
      ['dyn.example.test', 'SOA'],
      {
        status: 'NOERROR',
        answer: [
          'dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60',
        ],
      },
    ],
    [
      'apex NS over TCP',
      ['+tcp', 'dyn.example.test', 'NS'],
      {
        status: 'NOERROR',
        answer: [
          'dyn.example.test. 300 IN NS ns1.example.test.',
          'dyn.example.test. 300 IN NS ns2.example.test.',
        ],
      },
    ],
    [
      'NXDOMAIN',
      ['nope.dyn.example.test', 'A'],
      { status: 'NXDOMAIN', answer: [], authority: [SOA_LINE] },
    ],
    [
      'NXDOMAIN over TCP',
      ['+tcp', 'nope.dyn.example.test', 'A'],
      { status: 'NXDOMAIN', answer: [], authority: [SOA_LINE] },
    ],
    [
      'NODATA',
      ['myhost.dyn.example.test', 'TXT'],
      { status: 'NOERROR', answer: [], authority: [SOA_LINE] },
    ],
    [
      'the original case',
      ['MyHost.DYN.example.test', 'A'],
      {
        question: ';MyHost.DYN.example.test. IN A',
        answer: ['MyHost.DYN.example.test. 60 IN A 203.0.113.10'],
      },
    ],
  ]
  for (const [what, args, expected] of cases) {
    it(`answers ${what} authoritatively`, async () => {
      const got = await dig(server.port, ...args)
      assert.ok(got.flags.includes('aa'), `no aa flag: ${got.flags.join(' ')}`)
      assert.ok(got.flags.includes('qr'))
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(got[key as keyof DigResult], value, key)
      }
    })
  }

  it('refuses names outside the served zones', async () => {
    const got = await dig(server.port, 'www.example.org', 'A')
    assert.equal(got.status, 'REFUSED')
    assert.ok(!got.flags.includes('aa'))
  })

  it('serves a change the moment it is applied', async () => {
    const change = {
      zone: 'dyn.example.test' as Fqdn,
      serial: 2,
      replace: recordSetsFromLines('myhost.dyn.example.test. 60 IN A 198.51.100.77'),
      remove: [],
    }
    assert.ok(index.apply(change).ok)
    const udp = await dig(server.port, 'myhost.dyn.example.test', 'A')
    const tcp = await dig(server.port, '+tcp', 'myhost.dyn.example.test', 'A')
    for (const got of [udp, tcp])
      assert.deepEqual(got.answer, ['myhost.dyn.example.test. 60 IN A 198.51.100.77'])
    const soa = await dig(server.port, 'dyn.example.test', 'SOA')
    assert.match(soa.answer[0] ?? '', / 2 3600 600 1209600 60$/)
  })

  it('refuses to start a second server on the same port', async () => {
    const second = await startDnsServer({ host: '127.0.0.1', port: server.port, index })
    if (second.ok) await second.value.close()
    assert.ok(!second.ok)
    assert.equal(second.error.code, 'address-in-use')
    assert.equal(
      second.error.message,
      `DNS port 127.0.0.1:${server.port} is already in use (is systemd-resolved or another DNS server running?)`,
    )
  })

  it('keeps answering after garbage datagrams', async () => {
    const socket = createSocket('udp4')
    const packets = [
      '',
      'ff',
      'deadbeef',
      'abcd0100000100000000000001',
      'abcd 0100 0001 0000 0000 0000 c00c 0001 0001',
    ]
    for (const hex of packets) {
      await new Promise<void>((resolve, reject) => {
        socket.send(Buffer.from(hex.replace(/\s+/g, ''), 'hex'), server.port, '127.0.0.1', (e) => {
          if (e === null) resolve()
          else reject(e)
        })
      })
    }
    socket.close()
    const got = await dig(server.port, 'myhost.dyn.example.test', 'AAAA')
    assert.deepEqual(got.answer, ['myhost.dyn.example.test. 60 IN AAAA 2001:db8::10'])
  })

  it('answers several pipelined queries on one TCP connection, in order', async () => {
    const names = ['myhost.dyn.example.test', 'nope.dyn.example.test', 'dyn.example.test']
    const frames = names.map((name, i) => {
      const q = encodeQuery(name, RRType.A, { id: 100 + i })
      assert.ok(q.ok)
      const frame = Buffer.alloc(2 + q.value.length)
      frame.writeUInt16BE(q.value.length)
      q.value.copy(frame, 2)
      return frame
    })
    const socket = await open(server.port)
    socket.write(Buffer.concat(frames))
    const responses = await readFrames(socket, 3)
    socket.destroy()
    const decoded = responses.map((r) => {
      const m = decodeMessage(r)
      assert.ok(m.ok)
      return [
        m.value.header.id,
        m.value.header.rcode,
        m.value.answers.filter((a) => a.type === RRType.A).length,
      ]
    })
    assert.deepEqual(decoded, [
      [100, 0, 1],
      [101, 3, 0],
      [102, 0, 0],
    ])
  })

  it('closes a TCP connection that sends a garbage frame, and keeps serving', async () => {
    const socket = await open(server.port)
    socket.write(Buffer.from('0003ffffff', 'hex'))
    await new Promise((resolve) => socket.once('close', resolve))
    const got = await dig(server.port, '+tcp', 'myhost.dyn.example.test', 'AAAA')
    assert.equal(got.status, 'NOERROR')
  })
})

describe('DNS server TCP limits', () => {
  it('closes idle connections and caps open ones', async () => {
    const started = await startDnsServer({
      host: '127.0.0.1',
      port: 0,
      index: new ZoneIndex(),
      tcpIdleTimeoutMs: 150,
      maxTcpConnections: 1,
    })
    assert.ok(started.ok)
    const server = started.value
    try {
      const first = await open(server.port)
      const firstClosed = new Promise((resolve) => first.once('close', resolve))
      const second = await open(server.port)
      // The cap closes the second at once; the idle timeout closes the first a little later.
      await new Promise((resolve) => second.once('close', resolve))
      assert.equal(first.destroyed, false)
      await firstClosed
    } finally {
      await server.close()
    }
  })
})

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      resolve(socket)
    })
    socket.once('error', reject)
  })
}

function readFrames(socket: Socket, count: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    let pending = Buffer.alloc(0)
    const frames: Buffer[] = []
    const timer = setTimeout(() => {
      reject(new Error(`got ${frames.length} of ${count} answers`))
    }, 3000)
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        frames.push(pending.subarray(2, 2 + pending.readUInt16BE(0)))
        pending = pending.subarray(2 + pending.readUInt16BE(0))
      }
      if (frames.length >= count) {
        clearTimeout(timer)
        resolve(frames)
      }
    })
  })
}
