/**
 * `dynzone zone add <name>`: zones live in the config file (their backend settings and
 * secrets belong there, not in the database), so adding one appends a `[[zones]]` table to
 * the config file in use — after checking that the whole file with it still loads. Nothing
 * is written when it would not. The running server picks zones up at its next start
 * (a SIGHUP reload applies only the log level).
 */
import { appendFileSync, readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { BACKEND_KINDS } from '../backends/registry.ts'
import { loadConfig } from '../config/load.ts'
import { parseName } from '../core/names.ts'
import { configFlags, type GlobalOptions } from './context.ts'
import { EXIT } from './exit-codes.ts'
import { fail, type CliIo, type Runner } from './io.ts'

interface ZoneAddOptions {
  backend: string
  ttl?: string
  ns: string[]
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** Registers `zone add` on the zone command group. */
export function registerZoneAdd(zone: Command, io: CliIo, run: Runner): void {
  zone
    .command('add <name>')
    .description('append a [[zones]] table to the config file (checked first); restart to serve it')
    .option('--backend <kind>', `where it is published: ${BACKEND_KINDS.join(', ')}`, 'builtin')
    .option('--ttl <seconds>', 'TTL of host records (1..604800, default 60)')
    .option(
      '--ns <name>',
      'a name server of the zone (repeatable; default ns1.<name>)',
      collect,
      [],
    )
    .action((name: string, opts: ZoneAddOptions, cmd: Command) =>
      run(cmd, (ctx) => {
        const zoneName = parseName(name)
        if (!zoneName.ok)
          return Promise.resolve(fail(io, `${name}: ${zoneName.error.message}`, EXIT.invalid))
        if (ctx.config.zones.some((z) => z.name === zoneName.value))
          return Promise.resolve(
            fail(io, `zone ${zoneName.value} is already configured`, EXIT.exists),
          )
        return Promise.resolve(
          append(cmd.optsWithGlobals<GlobalOptions>(), io, zoneName.value, opts),
        )
      }),
    )
}

function append(global: GlobalOptions, io: CliIo, name: string, opts: ZoneAddOptions): number {
  if (!/^[a-z0-9_-]{1,32}$/.test(opts.backend))
    return fail(io, `--backend: "${opts.backend.slice(0, 32)}" is not a backend kind`, EXIT.invalid)
  if (opts.ttl !== undefined && !/^\d{1,7}$/.test(opts.ttl))
    return fail(
      io,
      `--ttl: "${opts.ttl.slice(0, 20)}" is not a whole number of seconds`,
      EXIT.invalid,
    )
  const ns: string[] = []
  for (const n of opts.ns) {
    const parsed = parseName(n)
    if (!parsed.ok) return fail(io, `--ns: ${parsed.error.message}`, EXIT.invalid)
    ns.push(parsed.value)
  }
  const flags = configFlags(global)
  const current = loadConfig({ flags, env: io.env, cwd: io.cwd })
  if (!current.ok || current.value.source === null)
    return fail(
      io,
      'no config file in use: create one with `dynzone init`, then add the zone',
      EXIT.config,
    )
  const path = current.value.source
  const table = [
    '',
    `# Added by \`dynzone zone add\` on ${new Date().toISOString()}.`,
    '[[zones]]',
    `name = "${name}"`,
    `backend = "${opts.backend}"`,
    ...(opts.ttl === undefined ? [] : [`ttl = ${opts.ttl}`]),
    ...(ns.length === 0 ? [] : [`ns = [${ns.map((n) => `"${n}"`).join(', ')}]`]),
    '',
  ].join('\n')
  const before = readFileSync(path, 'utf8')
  const after = before + (before.endsWith('\n') || before === '' ? '' : '\n') + table
  const check = loadConfig({
    flags,
    env: io.env,
    cwd: io.cwd,
    readFile: (p) => (p === path ? after : readFileSync(p, 'utf8')),
  })
  if (!check.ok)
    return fail(
      io,
      `the config file would not load with this zone; nothing written\n${check.error.message}`,
      EXIT.config,
    )
  appendFileSync(path, after.slice(before.length))
  io.out(
    `added zone ${name} (backend ${opts.backend}) to ${path}\nrestart dynzone to serve it (a reload does not add zones)\n`,
  )
  return EXIT.ok
}
