/** `dynzone user add|list|delete|passwd|email|reset-second-factor|invite`; passwords only from standard input, never argv. */
import type { Command } from 'commander'
import { EXIT, exitFor } from './exit-codes.ts'
import { userView } from '../api/views.ts'
import { fail, printJson, printRows, type CliIo, type Runner } from './io.ts'

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
          if (opts.email !== undefined && !validEmail(opts.email))
            return fail(
              io,
              `--email: "${opts.email.slice(0, 60)}" is not an email address`,
              EXIT.invalid,
            )
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
        if (opts.json === true) {
          printJson(io, users.map(userView))
          return EXIT.ok
        }
        printRows(
          io,
          users.map((u) => ({
            name: u.name,
            email: u.email,
            admin: u.isAdmin,
            password: u.hasPassword,
            created: u.createdAt,
          })),
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
    .command('email <name> <address>')
    .description('set a user’s email address for notifications (`none` clears it)')
    .action((name: string, address: string, _opts: unknown, cmd: Command) =>
      run(cmd, async (ctx) => {
        if (address !== 'none' && !validEmail(address))
          return fail(io, `"${address.slice(0, 60)}" is not an email address`, EXIT.invalid)
        const set = await ctx.accounts.setUserFields(name, {
          email: address === 'none' ? null : address,
        })
        if (!set.ok) return fail(io, set.error.message, exitFor(set.error.code))
        io.out(address === 'none' ? `email of ${name} cleared\n` : `email of ${name} set\n`)
        return EXIT.ok
      }),
    )
  user
    .command('passwd <name>')
    .description('set a password, read from the first line of standard input')
    .option(
      '--password-stdin',
      'read the password from standard input (the only way; accepted for symmetry with add)',
    )
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
  user
    .command('reset-second-factor <name>')
    .description(
      'remove a user’s authenticator app and recovery codes (a lost phone); the next login asks for the password only',
    )
    .action((name: string, _opts: unknown, cmd: Command) =>
      run(cmd, async (ctx) => {
        const found = await ctx.accountStore.userByName(name)
        if (found === undefined) return fail(io, `no user "${name.slice(0, 60)}"`, EXIT.notFound)
        const removed = await ctx.secondFactors.remove(found.id)
        io.out(
          removed
            ? `second factor of ${found.name} removed: the next login asks for the password only\n`
            : `${found.name} has no second factor\n`,
        )
        return EXIT.ok
      }),
    )
  registerInvite(user, io, run)
}

/**
 * `dynzone user invite EMAIL [--admin]`: a one-time link to create an account (src/web/README.md).
 * Mailed when `web.public_url` and an SMTP host are set; otherwise printed for the operator.
 */
function registerInvite(user: Command, io: CliIo, run: Runner): void {
  user
    .command('invite <email>')
    .description(
      'invite someone by email: a one-time link (valid web.invitation_hours) to choose a user name and password',
    )
    .option('--admin', 'the new account is an administrator')
    .action((email: string, opts: { admin?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const r = await ctx.invitations.invite({
          email,
          admin: opts.admin === true,
          invitedBy: 'an administrator',
        })
        if (!r.ok) return fail(io, r.error, EXIT.invalid)
        const site = ctx.config.web.public_url.replace(/\/+$/, '')
        const path = `/invite/${r.value.token}`
        if (site !== '') {
          const notifier = ctx.openNotifier()
          if (!notifier.ok) return fail(io, notifier.error, EXIT.invalid)
          try {
            const sent = await notifier.value.accountMail('invitation', r.value.email, {
              link: `${site}${path}`,
              site,
              invited_by: 'an administrator',
              expires: r.value.expiresAt,
            })
            if (sent) {
              io.out(`invitation mailed to ${r.value.email} (valid until ${r.value.expiresAt})\n`)
              return EXIT.ok
            }
          } finally {
            notifier.value.close()
          }
        }
        io.out(
          `invitation for ${r.value.email} not mailed (no web.public_url or SMTP host); give them this link, shown only now (valid until ${r.value.expiresAt}):\n${site === '' ? `<web address>${path}` : `${site}${path}`}\n`,
        )
        return EXIT.ok
      }),
    )
}

/** A plausible mailbox address: one @, a dot in the domain, no spaces, at most 254 characters. */
export function validEmail(text: string): boolean {
  return text.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)
}
