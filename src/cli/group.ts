/** `dynzone group add|list|delete|join|leave`: IPv6 prefix groups. */
import type { Command } from 'commander'
import { EXIT, exitFor } from './exit-codes.ts'
import { groupView } from '../api/views.ts'
import { fail, printJson, printRows, type CliIo, type Runner } from './io.ts'

/** Registers the prefix group commands. */
export function registerGroupCommands(program: Command, io: CliIo, run: Runner): void {
  const group = program.command('group').description('manage IPv6 prefix groups')
  group
    .command('add <name>')
    .description('add a group whose members share one delegated IPv6 prefix')
    .requiredOption('--user <name>', 'owner of the group (and of its member hosts)')
    .requiredOption('--prefix-length <bits>', 'length of the delegated prefix, e.g. 56 or 64')
    .action((name: string, opts: { user: string; prefixLength: string }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const length = /^\d{1,3}$/.test(opts.prefixLength) ? Number(opts.prefixLength) : NaN
        const r = await ctx.accounts.addGroup({ name, owner: opts.user, prefixLength: length })
        if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
        io.out(
          `added group ${r.value.name} (/${String(r.value.prefixLength)}, owner ${r.value.owner})\n`,
        )
        return EXIT.ok
      }),
    )
  group
    .command('list')
    .description('list groups with their members')
    .option('--user <name>', 'only this user’s groups')
    .option('--json', 'print JSON')
    .action((opts: { user?: string; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const groups = await ctx.accounts.listGroups(opts.user)
        if (opts.json === true) {
          printJson(io, groups.map(groupView))
          return EXIT.ok
        }
        printRows(
          io,
          groups.map((g) => ({
            group: g.name,
            owner: g.owner,
            prefix_length: g.prefixLength,
            prefix: g.prefix,
            members: g.members.map((m) => `${m.host}=${m.iid}`).join(' '),
          })),
        )
        return EXIT.ok
      }),
    )
  group
    .command('delete <name>')
    .description('delete a group (its members keep their records)')
    .action((name: string, _opts: unknown, cmd: Command) =>
      run(cmd, async (ctx) => {
        const r = await ctx.accounts.deleteGroup(name)
        if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
        io.out(`deleted group ${name}\n`)
        return EXIT.ok
      }),
    )
  group
    .command('join <name> <fqdn>')
    .description('put a host in a group with its interface identifier')
    .requiredOption('--iid <iid>', 'interface identifier written as IPv6, e.g. ::1:2')
    .action((name: string, fqdn: string, opts: { iid: string }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const r = await ctx.accounts.joinGroup({ host: fqdn, group: name, iid: opts.iid })
        if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
        io.out(`host ${r.value.host} joined group ${name} (iid ${r.value.iid})\n`)
        return EXIT.ok
      }),
    )
  group
    .command('leave <fqdn>')
    .description('take a host out of its group')
    .action((fqdn: string, _opts: unknown, cmd: Command) =>
      run(cmd, async (ctx) => {
        const r = await ctx.accounts.leaveGroup(fqdn)
        if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
        io.out(`host ${fqdn} left its group\n`)
        return EXIT.ok
      }),
    )
}
