/** `dynzone user add|list|delete|passwd`. */
import type { Command } from 'commander'
import { EXIT, exitFor } from './exit-codes.ts'
import { printRows, type CliIo } from './io.ts'
import type { Runner } from './program.ts'

/** Registers the user commands. */
export function registerUserCommands(program: Command, io: CliIo, run: Runner): void {
  const user = program.command('user').description('manage accounts')
  user
    .command('add <name>')
    .description(
      'create a user (password from --password-stdin; without one the account is token-only)',
    )
    .option('--email <address>', 'email address for notifications')
    .option('--admin', 'make the user an administrator')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(
      (
        name: string,
        opts: { email?: string; admin?: boolean; passwordStdin?: boolean },
        cmd: Command,
      ) =>
        run(cmd, async (ctx) => {
          const password = opts.passwordStdin === true ? await io.readStdin() : undefined
          if (opts.passwordStdin === true && password === undefined) {
            io.err('dynzone: --password-stdin given but no password on standard input\n')
            return EXIT.invalid
          }
          const r = await ctx.accounts.addUser({
            name,
            ...(password === undefined ? {} : { password }),
            ...(opts.email === undefined ? {} : { email: opts.email }),
            admin: opts.admin === true,
          })
          if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
          io.out(
            `created user ${r.value.name}${r.value.hasPassword ? '' : ' (no password: token-only)'}\n`,
          )
          return EXIT.ok
        }),
    )
  user
    .command('list')
    .description('list users')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const users = await ctx.accounts.listUsers()
        printRows(
          io,
          users.map((u) => ({
            name: u.name,
            email: u.email,
            admin: u.isAdmin,
            password: u.hasPassword,
            created: u.createdAt,
          })),
          opts.json === true,
        )
        return EXIT.ok
      }),
    )
  user
    .command('delete <name>')
    .description('delete a user with all their hosts and tokens')
    .action((name: string, _opts: unknown, cmd: Command) =>
      run(cmd, async (ctx) => {
        const r = await ctx.accounts.deleteUser(name)
        if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
        io.out(`deleted user ${name}\n`)
        return EXIT.ok
      }),
    )
  user
    .command('passwd <name>')
    .description('set a password, read from the first line of standard input')
    .action((name: string, _opts: unknown, cmd: Command) =>
      run(cmd, async (ctx) => {
        const password = await io.readStdin()
        if (password === undefined) return fail(io, 'no password on standard input', EXIT.invalid)
        const r = await ctx.accounts.setPassword(name, password)
        if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
        io.out(`password of ${name} changed\n`)
        return EXIT.ok
      }),
    )
}

/** Prints an error and returns its exit code. */
export function fail(io: CliIo, message: string, code: number): number {
  io.err(`dynzone: ${message}\n`)
  return code
}
