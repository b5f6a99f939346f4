/**
 * Runs Debian's real ddclient (3.10) once, in the foreground, against a config and cache
 * in a private directory: no daemon, no system files touched.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../tools.ts'

/** What one ddclient run printed. */
export interface DdclientRun {
  readonly code: number
  /** stdout and stderr together: ddclient logs SUCCESS/FAILED lines to either. */
  readonly output: string
}

/** A ddclient set-up: one config file and one cache file, reused across runs. */
export interface Ddclient {
  /** Rewrites the config and runs ddclient once. */
  run(config: string): Promise<DdclientRun>
  /** Removes the config and cache. */
  dispose(): void
}

/** A ddclient config for dynzone's dyndns2 endpoint at `server` (`host:port`). */
export function ddclientConfig(options: {
  server: string
  login: string
  password: string
  /** A fixed address: `use=ip` sends it as `myip`, IPv4 or IPv6. */
  ip: string
  hosts: readonly string[]
}): string {
  return [
    // ddclient otherwise refuses another update of a host within 30 s (5 min after an error).
    'min-interval=0',
    'min-error-interval=0',
    'daemon=0',
    'ssl=no',
    'protocol=dyndns2',
    `use=ip, ip=${options.ip}`,
    `server=${options.server}`,
    `login=${options.login}`,
    `password='${options.password}'`,
    options.hosts.join(','),
    '',
  ].join('\n')
}

/** Creates a private directory for ddclient's config and cache. */
export function createDdclient(): Ddclient {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-ddclient-'))
  const file = join(dir, 'ddclient.conf')
  const cache = join(dir, 'ddclient.cache')
  return {
    dispose: () => {
      rmSync(dir, { recursive: true, force: true })
    },
    async run(config) {
      writeFileSync(file, config)
      chmodSync(file, 0o600) // it holds the token
      const r = await run(
        'ddclient',
        ['-daemon=0', '-foreground', '-verbose', '-noquiet', '-file', file, '-cache', cache],
        30_000,
      )
      return { code: r.code, output: r.stdout + r.stderr }
    },
  }
}
