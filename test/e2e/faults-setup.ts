/**
 * What the fault tests share: a real BIND that can be frozen (SIGSTOP), killed and started
 * again on the same port and files; a dynzone configured to publish into it over RFC 2136;
 * a DynDNS2 update client; and a watcher that records what BIND serves over time.
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startBind, stopChild, type BindServer } from '../helpers/bind.ts'
import { waitForSoa } from '../helpers/daemon.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { digShort } from '../helpers/tools.ts'

/** The zone, hosts and TSIG key the fault tests use. */
export const ZONE = 'dyn.example.test'
export const HOSTS = ['h1', 'h2', 'h3'].map((h) => `${h}.${ZONE}`)
export const KEY = {
  name: 'dynzone',
  algorithm: 'hmac-sha256',
  secret: Buffer.alloc(32, 9).toString('base64'),
}

/** A BIND whose process can be paused, killed and started again. */
export class RestartableBind {
  #restarted: { child: ChildProcess; exited: Promise<void> } | undefined
  private constructor(readonly bind: BindServer) {}

  static async start(): Promise<RestartableBind> {
    return new RestartableBind(await startBind([KEY], [{ name: ZONE, keys: [KEY.name] }]))
  }

  get port(): number {
    return this.bind.port
  }

  /** The PID of the named now running. */
  pid(): number {
    const pid =
      this.#restarted?.child.pid ?? Number(readFileSync(join(this.bind.dir, 'named.pid'), 'utf8'))
    assert.ok(Number.isInteger(pid) && pid > 0)
    return pid
  }

  /** Freezes named: it neither reads nor answers, as a hung server. */
  pause(): void {
    process.kill(this.pid(), 'SIGSTOP')
  }

  resume(): void {
    process.kill(this.pid(), 'SIGCONT')
  }

  /** Stops named (SIGTERM; its journal keeps every applied UPDATE). */
  async kill(): Promise<void> {
    if (this.#restarted === undefined) await this.bind.kill()
    else await stopChild(this.#restarted.child, this.#restarted.exited)
  }

  /** Starts named again on the same port with the same files; waits until it answers. */
  async restart(): Promise<void> {
    const child = spawn('named', ['-g', '-n', '1', '-c', join(this.bind.dir, 'named.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let log = ''
    child.stderr.on('data', (d: Buffer) => (log += d.toString()))
    const exited = new Promise<void>((resolve) =>
      child.on('exit', () => {
        resolve()
      }),
    )
    this.#restarted = { child, exited }
    await waitForSoa(this.port, ZONE, child, () => log)
  }

  async stop(): Promise<void> {
    if (this.#restarted !== undefined)
      await stopChild(this.#restarted.child, this.#restarted.exited)
    await this.bind.stop()
  }
}

/** Writes the config, creates a user, the hosts and a token; returns the token. */
export async function prepareDynzone(dir: string, bindPort: number): Promise<string> {
  writeFileSync(
    join(dir, 'dynzone.key'),
    `key "${KEY.name}" { algorithm hmac-sha256; secret "${KEY.secret}"; };\n`,
  )
  writeFileSync(
    join(dir, 'dynzone.toml'),
    [
      `data_dir = "${join(dir, 'data')}"`,
      '[update]',
      'answer_deadline_ms = 800',
      '[[zones]]',
      `name = "${ZONE}"`,
      'backend = "rfc2136"',
      '[zones.rfc2136]',
      'server = "127.0.0.1"',
      `port = ${String(bindPort)}`,
      `key_file = "${join(dir, 'dynzone.key')}"`,
      'timeout_ms = 300',
      '',
    ].join('\n'),
  )
  const ok = async (args: string[], stdin?: string): Promise<string> => {
    const r = await runDynzone(args, dir, stdin === undefined ? {} : { stdin })
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  await ok(['user', 'add', 'alice', '--password-stdin'], 'correct horse battery\n')
  for (const host of HOSTS) await ok(['host', 'add', host, '--user', 'alice'])
  const out = await ok(['token', 'create', '--user', 'alice'])
  const token = /\b[a-z2-7]{32}\b/.exec(out)?.[0]
  assert.ok(token !== undefined, out)
  return token
}

/** Starts `dynzone serve`; resolves with the process and its HTTP base URL. */
export async function serveDynzone(dir: string): Promise<{ server: DynzoneProcess; http: string }> {
  const server = startDynzone(['serve', '--set', 'http.port=0', '--set', 'dns.port=0'], dir)
  const listening = await server.waitFor(/HTTP on (\S+?:\d+)/, 60_000)
  return { server, http: `http://${listening[1] ?? ''}` }
}

/** The address of the n-th update: increasing with n, so order is visible in the value. */
export function addressOf(n: number): string {
  return `10.0.${String(Math.floor(n / 256))}.${String(n % 256)}`
}

/** Inverse of `addressOf`. */
export function indexOf(address: string): number {
  const parts = address.split('.').map(Number)
  return (parts[2] ?? 0) * 256 + (parts[3] ?? 0)
}

/** Sends one DynDNS2 update; returns the body's first word (`good`, `dnserr`, …). */
export async function update(http: string, token: string, query: string): Promise<string> {
  const r = await fetch(`${http}/nic/update?${query}`, {
    headers: { authorization: `Basic ${Buffer.from(`alice:${token}`).toString('base64')}` },
    signal: AbortSignal.timeout(15_000),
  })
  return (await r.text()).split(/\s/)[0] ?? ''
}

/** What BIND served, sampled: per host the A values seen, and the SOA serials seen. */
export class Watcher {
  readonly seen = new Map<string, number[]>()
  readonly serials: number[] = []
  #stop = false
  #done: Promise<void> | undefined

  constructor(private readonly port: () => number) {}

  start(): void {
    this.#done = (async () => {
      while (!this.#stop) {
        await this.sample()
        await new Promise((resolve) => setTimeout(resolve, 150))
      }
    })()
  }

  async sample(): Promise<void> {
    try {
      const [serial] = await digShort('127.0.0.1', this.port(), ZONE, 'SOA')
      const n = Number(serial?.split(' ')[2])
      if (Number.isInteger(n)) this.serials.push(n)
      for (const host of HOSTS) {
        const values = await digShort('127.0.0.1', this.port(), host, 'A')
        const list = this.seen.get(host) ?? []
        for (const v of values) list.push(indexOf(v))
        this.seen.set(host, list)
      }
    } catch {
      // BIND paused or restarting: nothing to see now.
    }
  }

  async stop(): Promise<void> {
    this.#stop = true
    await this.#done
  }
}

/** Asserts a sequence never goes down (what was seen was applied in order). */
export function assertNonDecreasing(what: string, values: readonly number[]): void {
  for (let i = 1; i < values.length; i++) {
    const before = values[i - 1] ?? 0
    const now = values[i] ?? 0
    assert.ok(
      now >= before,
      `${what} went back from ${String(before)} to ${String(now)}: ${values.join(' ')}`,
    )
  }
}

/** Polls until BIND serves `expected` for every host, or fails with what it serves. */
export async function untilBindServes(
  port: number,
  expected: ReadonlyMap<string, string[]>,
  ms = 45_000,
): Promise<void> {
  const deadline = Date.now() + ms
  let last = ''
  while (Date.now() < deadline) {
    const got = new Map<string, string[]>()
    for (const host of expected.keys())
      got.set(host, await digShort('127.0.0.1', port, host, 'A').catch(() => ['?']))
    last = JSON.stringify([...got])
    if ([...expected].every(([h, v]) => JSON.stringify(got.get(h)) === JSON.stringify(v))) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  assert.fail(`BIND serves ${last}, expected ${JSON.stringify([...expected])}`)
}
