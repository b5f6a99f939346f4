/**
 * Never half alive: a `dynzone serve` whose listener cannot start, or stops later, does not
 * stay up with the rest (which systemd would never restart). A taken HTTP port ends the start
 * with the reason and exit code 69, the DNS port it had bound free again; a DNS worker that
 * keeps dying (killed again each time it answers) stops the whole server with 69 and the
 * reason, every port free, instead of serving DNS over TCP and HTTP without UDP.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort, portFree } from '../helpers/free-port.ts'

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The pid of the newest answering DNS worker in slot 1, from the main process's log. */
function workerPid(server: DynzoneProcess): number | undefined {
  let pid: number | undefined
  for (const line of server.stdout().split('\n')) {
    if (!line.includes('DNS worker answering')) continue
    const fields = JSON.parse(line) as { worker: number; pid: number }
    if (fields.worker === 1) pid = fields.pid
  }
  return pid
}

describe('never half alive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-half-'))
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('a taken HTTP port: exit 69 with the reason, and the DNS port is released', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const address = blocker.address()
    const httpPort = typeof address === 'object' && address !== null ? address.port : 0
    const dnsPort = await freePort()
    try {
      const r = await runDynzone(
        ['serve', '--http-port', String(httpPort), '--dns-port', String(dnsPort)],
        dir,
      )
      assert.equal(r.code, 69, r.stderr)
      assert.match(r.stderr, new RegExp(`HTTP port 127\\.0\\.0\\.1:${String(httpPort)} is already`))
      assert.ok(await portFree(dnsPort), 'the DNS port is still held')
    } finally {
      blocker.close()
    }
  })

  it('a DNS worker that keeps dying stops the server: exit 69, the reason, ports free', async () => {
    const [httpPort, dnsPort] = [await freePort(), await freePort()]
    const server = startDynzone(
      [
        'serve',
        '--http-port',
        String(httpPort),
        '--dns-port',
        String(dnsPort),
        '--set',
        'dns.workers=1',
        '--set',
        'demo.enabled=false',
      ],
      dir,
    )
    const running = (): boolean =>
      server.child.exitCode === null && server.child.signalCode === null
    try {
      // A worker compiles its TypeScript through tsx first: slow on a busy machine.
      await server.waitFor(/DNS worker answering/, 120_000)
      // Each worker killed as soon as it answers dies young; the pool gives up after a few.
      let killed = 0
      let last: number | undefined
      for (let waited = 0; running(); waited += 100) {
        assert.ok(waited < 300_000, `still running after ${String(killed)} worker kills`)
        const pid = workerPid(server)
        if (pid !== undefined && pid !== last) {
          process.kill(pid, 'SIGKILL')
          last = pid
          killed++
        }
        await pause(100)
      }
      assert.equal(await server.exited, 69, server.stderr())
      assert.match(server.stderr(), /dynzone: DNS worker 1 exited .*in a row; stopping/)
      assert.ok(await portFree(httpPort), 'the HTTP port is still held')
      assert.ok(await portFree(dnsPort), 'the DNS port is still held')
    } finally {
      await server.stop()
    }
  })
})
