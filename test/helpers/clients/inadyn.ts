/**
 * Runs Debian's real inadyn (2.10) once in the foreground with a `custom` provider, a
 * config and a cache directory of its own, and a fixed address from `checkip-command`
 * (its default checkip server is on the Internet).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../tools.ts'

/** What one inadyn run printed. */
export interface InadynRun {
  readonly code: number
  readonly output: string
}

/** An inadyn set-up that keeps its cache between runs, as the real daemon does. */
export interface Inadyn {
  run(config: string, extra?: readonly string[]): Promise<InadynRun>
  /** Removes the config and cache. */
  dispose(): void
}

/** An inadyn.conf with one `custom` provider for dynzone's `/nic/update`. */
export function inadynConfig(options: {
  /** `host:port`; inadyn sends `Host:` without the port. */
  server: string
  username: string
  password: string
  ip: string
  hostname: string
}): string {
  return `custom dynzone {
    ssl             = false
    username        = ${options.username}
    password        = ${options.password}
    ddns-server     = ${options.server}
    ddns-path       = "/nic/update?hostname=%h&myip=%i"
    checkip-command = "echo ${options.ip}"
    hostname        = ${options.hostname}
}
`
}

// Debian installs it in /usr/sbin, which is not on every user's PATH.
const BINARY = existsSync('/usr/sbin/inadyn') ? '/usr/sbin/inadyn' : 'inadyn'

/** Creates a private directory for inadyn's config and cache. */
export function createInadyn(): Inadyn {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-inadyn-'))
  const file = join(dir, 'inadyn.conf')
  const cache = join(dir, 'cache')
  mkdirSync(cache)
  return {
    dispose: () => {
      rmSync(dir, { recursive: true, force: true })
    },
    async run(config, extra = []) {
      writeFileSync(file, config)
      chmodSync(file, 0o600) // it holds the token
      const r = await run(
        BINARY,
        [
          '--once',
          '--foreground',
          '--no-pidfile',
          '--loglevel=debug',
          `--config=${file}`,
          `--cache-dir=${cache}`,
          ...extra,
        ],
        30_000,
      )
      return { code: r.code, output: r.stdout + r.stderr }
    },
  }
}
