/** Shared bits of the real-daemon helpers (bind.ts, knot.ts): free ports and readiness. */
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { createSocket } from 'node:dgram'
import { run } from './tools.ts'

/** A port free on 127.0.0.1 for both TCP and UDP at the time of the call. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        const address = server.address()
        const p = typeof address === 'object' && address !== null ? address.port : 0
        server.close(() => {
          resolve(p)
        })
      })
    })
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4')
      socket.once('error', () => {
        resolve(false)
      })
      socket.bind(port, '127.0.0.1', () =>
        socket.close(() => {
          resolve(true)
        }),
      )
    })
    if (udpFree) return port
  }
}

/** Polls `dig SOA` until the server answers authoritatively; fails if the daemon exits. */
export async function waitForSoa(
  port: number,
  zone: string,
  child: ChildProcess,
  log: () => string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`daemon exited (${child.exitCode}):\n${log()}`)
    const r = await run('dig', [
      '@127.0.0.1',
      '-p',
      String(port),
      zone,
      'SOA',
      '+time=1',
      '+tries=1',
    ])
    if (r.code === 0 && / flags: qr aa/.test(r.stdout) && /status: NOERROR/.test(r.stdout)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  child.kill('SIGKILL')
  throw new Error(`daemon did not answer SOA for ${zone} on port ${port}:\n${log()}`)
}
