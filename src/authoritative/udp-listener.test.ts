import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { bindUdp, closeUdp, UDP_RECEIVE_BUFFER } from './udp-listener.ts'

/** What the kernel allows a socket to ask for (Linux doubles the value it grants). */
const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'))

describe('bindUdp', () => {
  it('asks for a receive buffer of UDP_RECEIVE_BUFFER, as far as net.core.rmem_max allows', async () => {
    const bound = await bindUdp('127.0.0.1', 0, () => undefined)
    assert.ok(bound.ok)
    try {
      assert.ok(bound.value.getRecvBufferSize() >= 2 * Math.min(UDP_RECEIVE_BUFFER, rmemMax))
    } finally {
      await closeUdp(bound.value)
    }
  })

  it('keeps a burst of queries that arrives while the event loop is busy', async () => {
    let received = 0
    const bound = await bindUdp('127.0.0.1', 0, () => {
      received += 1
    })
    assert.ok(bound.ok)
    const port = bound.value.address().port
    // As many datagrams as the buffer holds at about 2 KiB each (a loopback datagram's
    // accounting is near 1 KiB).
    const burst = Math.min(2000, Math.floor((2 * Math.min(UDP_RECEIVE_BUFFER, rmemMax)) / 2048))
    // A child process sends the burst while this process is held in spawnSync, so nothing
    // reads the socket until all of it has arrived.
    const sender = `const s = require('node:dgram').createSocket('udp4'); let n = 0;
      for (let i = 0; i < ${String(burst)}; i++) s.send(Buffer.alloc(40, 1), ${String(port)}, '127.0.0.1', () => { if (++n === ${String(burst)}) s.close() })`
    try {
      const r = spawnSync(process.execPath, ['-e', sender], { timeout: 20_000 })
      assert.equal(r.status, 0, r.stderr.toString())
      const deadline = Date.now() + 5000
      while (received < burst && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
      assert.equal(received, burst)
    } finally {
      await closeUdp(bound.value)
    }
  })
})
