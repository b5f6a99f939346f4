/**
 * A real `dynzone serve` on loopback with one account, a set of hosts and an update token,
 * for the real-client tests: the CLI creates them before the server starts, so the server
 * loads them from the database like any production start.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runDynzone, startDynzone, type DynzoneProcess } from '../dynzone-process.ts'
import { digShort } from '../tools.ts'

/** A running server and the credentials made for it. */
export interface DynzoneFixture {
  readonly dir: string
  readonly httpPort: number
  readonly dnsPort: number
  /** `http://127.0.0.1:<port>` */
  readonly base: string
  readonly user: string
  readonly token: string
  /** The A (or AAAA) records the built-in server answers for `name`. */
  dig(name: string, type?: 'A' | 'AAAA'): Promise<string[]>
  stop(): Promise<void>
}

/** The zone every fixture host lives in (the embedded default zone). */
export const ZONE = 'dyn.example.test'

// Isolated from the machine's config and from the demo account.
const FLAGS = ['--set', 'demo.enabled=false']

/** Creates `user` with `hosts` (labels under {@link ZONE}) and a token, then starts serving. */
export async function startFixture(
  user: string,
  hosts: readonly string[],
): Promise<DynzoneFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-clients-'))
  const cli = async (args: readonly string[]): Promise<string> => {
    const r = await runDynzone([...FLAGS, ...args], dir)
    if (r.code !== 0) throw new Error(`dynzone ${args.join(' ')}: ${String(r.code)} ${r.stderr}`)
    return r.stdout
  }
  let server: DynzoneProcess | undefined
  try {
    await cli(['user', 'add', user])
    for (const h of hosts) await cli(['host', 'add', `${h}.${ZONE}`, '--user', user])
    const created = JSON.parse(await cli(['token', 'create', '--user', user, '--json'])) as {
      secret: string
    }
    server = startDynzone(['serve', ...FLAGS, '--set', 'http.port=0', '--set', 'dns.port=0'], dir)
    // Generous: CI machines run several test files at once.
    const m = await server.waitFor(/HTTP on 127\.0\.0\.1:(\d+), DNS on 127\.0\.0\.1:(\d+)/, 60_000)
    const httpPort = Number(m[1])
    const dnsPort = Number(m[2])
    const running = server
    return {
      dir,
      httpPort,
      dnsPort,
      base: `http://127.0.0.1:${String(httpPort)}`,
      user,
      token: created.secret,
      dig: (name, type = 'A') => digShort('127.0.0.1', dnsPort, name, type),
      async stop() {
        await running.stop()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch (e) {
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
}
