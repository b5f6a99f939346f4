/**
 * `dynzone zone forget <name> [--with-hosts]`: a zone removed from the config stays in the
 * database (unserved: listed as such, no new hosts, its hosts' updates answer `nohost`) until
 * forgotten. A zone the config still names is refused (the next start would add it back), and
 * so is one that still has hosts, unless `--with-hosts` removes them with it.
 */
import type { Command } from 'commander'
import { EXIT } from './exit-codes.ts'
import { fail, type CliIo, type Runner } from './io.ts'

/** Registers `zone forget` on the zone command group. */
export function registerZoneForget(zone: Command, io: CliIo, run: Runner): void {
  zone
    .command('forget <name>')
    .description('remove a zone that is no longer in the config from the database')
    .option('--with-hosts', 'also delete its hosts (and their records, tokens and history)')
    .action((name: string, opts: { withHosts?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const r = await ctx.zoneAdmin.forget(name, opts.withHosts === true)
        if (r.ok) {
          io.out(`forgot zone ${r.value.zone} (${String(r.value.hosts)} hosts deleted)\n`)
          return EXIT.ok
        }
        switch (r.error.code) {
          case 'invalid':
            return fail(io, r.error.message, EXIT.invalid)
          case 'served':
            return fail(
              io,
              `zone ${r.error.zone} is served (named in the config); remove its [[zones]] table first`,
              EXIT.invalid,
            )
          case 'not-served':
          case 'not-found':
            return fail(
              io,
              `zone ${r.error.zone} not found (see: dynzone zone list)`,
              EXIT.notFound,
            )
          case 'has-hosts':
            return fail(
              io,
              `zone ${r.error.zone} still has ${String(r.error.hosts)} hosts; delete them first or add --with-hosts`,
              EXIT.invalid,
            )
        }
      }),
    )
}
