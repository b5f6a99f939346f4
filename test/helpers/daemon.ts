/** Shared bits of the real-daemon helpers (bind.ts, knot.ts): free ports and readiness. */
import type { ChildProcess } from 'node:child_process'
import { run } from './tools.ts'

export { freePort } from './free-port.ts'

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
