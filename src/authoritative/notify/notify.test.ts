import assert from 'node:assert/strict'
import { createSocket, type Socket } from 'node:dgram'
import { after, before, describe, it } from 'node:test'
import { Flag, Opcode, RRType } from '../../dns/constants.ts'
import { decodeMessage } from '../../dns/decode-message.ts'
import { recordSetsFromLines, zoneFromLines } from '../../../test/helpers/zone-lines.ts'
import type { Fqdn } from '../../core/names.ts'
import { parseNotifyTarget } from './notify-target.ts'
import { Notifier } from './notify.ts'
import { notifySecondaries } from './secondaries.ts'
import { ZoneIndex } from '../index/zone-index.ts'

const ZONE = `
dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 7 3600 600 1209600 60
dyn.example.test. 300 IN NS ns1.example.test.
`

/** A UDP "secondary" that ignores the first `ignore` NOTIFYs and answers the rest. */
function secondary(ignore: number): Promise<{ socket: Socket; port: number; seen: Buffer[] }> {
  const socket = createSocket('udp4')
  const seen: Buffer[] = []
  socket.on('message', (msg, peer) => {
    seen.push(msg)
    if (seen.length <= ignore) return
    const response = Buffer.from(msg.subarray(0, 12))
    response.writeUInt16BE(msg.readUInt16BE(2) | Flag.QR, 2)
    response.writeUInt16BE(0, 4)
    response.writeUInt16BE(0, 6)
    socket.send(response, peer.port, peer.address)
  })
  return new Promise((resolve) => {
    socket.bind(0, '127.0.0.1', () => {
      resolve({ socket, port: socket.address().port, seen })
    })
  })
}

describe('Notifier', () => {
  const index = new ZoneIndex()
  before(() => {
    assert.ok(index.load(zoneFromLines(ZONE)).ok)
  })

  it('sends NOTIFY with AA and the SOA, retrying until the secondary answers', async () => {
    const s = await secondary(2)
    const notifier = new Notifier({
      targets: [{ address: '127.0.0.1', port: s.port }],
      firstTimeoutMs: 20,
    })
    const zone = index.zone('dyn.example.test')
    assert.ok(zone !== undefined)
    await notifier.notify(zone)
    assert.equal(s.seen.length, 3)
    const msg = decodeMessage(s.seen[0] ?? Buffer.alloc(0))
    assert.ok(msg.ok)
    assert.equal(msg.value.header.opcode, Opcode.NOTIFY)
    assert.ok((msg.value.header.flags & Flag.AA) !== 0)
    assert.deepEqual(
      msg.value.questions.map((q) => [q.name, q.type]),
      [['dyn.example.test', RRType.SOA]],
    )
    assert.match(msg.value.answers[0]?.data ?? '', / 7 3600 600 1209600 60$/)
    await notifier.close()
    s.socket.close()
  })

  it('gives up after the configured number of tries', async () => {
    const s = await secondary(Infinity)
    const notifier = new Notifier({
      targets: [{ address: '127.0.0.1', port: s.port }],
      firstTimeoutMs: 5,
      tries: 3,
    })
    const zone = index.zone('dyn.example.test')
    assert.ok(zone !== undefined)
    await notifier.notify(zone)
    assert.equal(s.seen.length, 3)
    await notifier.close()
    s.socket.close()
  })
})

describe('notifySecondaries', () => {
  let s: Awaited<ReturnType<typeof secondary>>
  before(async () => {
    s = await secondary(0)
  })
  after(() => {
    s.socket.close()
  })

  it('announces loaded zones at once and every applied change with its new serial', async () => {
    const index = new ZoneIndex()
    assert.ok(index.load(zoneFromLines(ZONE)).ok)
    const wiring = notifySecondaries(index, [`127.0.0.1:${String(s.port)}`], {
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    })
    const change = {
      zone: 'dyn.example.test' as Fqdn,
      serial: 8,
      replace: recordSetsFromLines('a.dyn.example.test. 60 IN A 192.0.2.1'),
      remove: [],
    }
    assert.ok(index.apply(change).ok)
    for (let i = 0; i < 100 && s.seen.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const serials = s.seen.map((m) => {
      const d = decodeMessage(m)
      return d.ok ? d.value.answers[0]?.data.split(' ')[2] : undefined
    })
    assert.deepEqual(serials, ['7', '8'])
    await wiring.close()
  })
})

describe('parseNotifyTarget', () => {
  const cases: [string, string][] = [
    ['192.0.2.1', '192.0.2.1 53'],
    ['192.0.2.1:5301', '192.0.2.1 5301'],
    ['2001:db8::1', '2001:db8::1 53'],
    ['[2001:db8::1]:5301', '2001:db8::1 5301'],
    ['192.0.2.1:0', 'error'],
    ['ns1.example.net', 'error'],
    ['192.0.2.300', 'error'],
  ]
  for (const [input, want] of cases) {
    it(`reads ${input}`, () => {
      const r = parseNotifyTarget(input)
      assert.equal(r.ok ? `${r.value.address} ${String(r.value.port)}` : 'error', want)
    })
  }
})
