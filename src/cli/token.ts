/** `dynzone token create|list|revoke`. */
import type { Command } from 'commander'
import { parseTokenScope, TOKEN_SCOPES } from '../core/token-scope.ts'
import { EXIT, exitFor } from './exit-codes.ts'
import { printRows, type CliIo } from './io.ts'
import type { Runner } from './program.ts'
import { fail } from './user.ts'

/** Registers the token commands. */
export function registerTokenCommands(program: Command, io: CliIo, run: Runner): void {
  const token = program.command('token').description('manage update tokens')
  token
    .command('create')
    .description('create a token; the secret is printed once and never stored')
    .requiredOption('--user <name>', 'owner of the token')
    .option('--host <fqdn>', 'limit the token to one host')
    .option('--label <text>', 'a note to recognise the token by')
    .option(
      '--scope <scope>',
      'what the token may change: all, address (A/AAAA) or acme (_acme-challenge TXT)',
      'all',
    )
    .option('--expires <date>', 'expiry, ISO 8601 (e.g. 2027-01-31 or 2027-01-31T12:00:00Z)')
    .option('--json', 'print JSON')
    .action(
      (
        opts: {
          user: string
          host?: string
          label?: string
          scope: string
          expires?: string
          json?: boolean
        },
        cmd: Command,
      ) =>
        run(cmd, async (ctx) => {
          const scope = parseTokenScope(opts.scope)
          if (scope === undefined)
            return fail(
              io,
              `--scope: "${opts.scope.slice(0, 40)}" is not one of ${TOKEN_SCOPES.join(', ')}`,
              EXIT.invalid,
            )
          let expiresAt: Date | undefined
          if (opts.expires !== undefined) {
            expiresAt = new Date(opts.expires)
            if (Number.isNaN(expiresAt.getTime()))
              return fail(io, `--expires: "${opts.expires}" is not a date`, EXIT.invalid)
          }
          const r = await ctx.accounts.createToken({
            owner: opts.user,
            ...(opts.host === undefined ? {} : { host: opts.host }),
            ...(opts.label === undefined ? {} : { label: opts.label }),
            ...(expiresAt === undefined ? {} : { expiresAt }),
            scope,
          })
          if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
          if (opts.json === true)
            io.out(JSON.stringify({ ...r.value.token, secret: r.value.secret }, null, 2) + '\n')
          else
            io.out(
              `token ${String(r.value.token.id)} for ${r.value.token.owner}${r.value.token.host === null ? '' : ` (host ${r.value.token.host})`}${r.value.token.scope === 'all' ? '' : `, scope ${r.value.token.scope}`}:\n${r.value.secret}\nStore it now: it is not shown again.\n`,
            )
          return EXIT.ok
        }),
    )
  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--user <name>', 'only this user’s tokens')
    .option('--json', 'print JSON')
    .action((opts: { user?: string; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const tokens = await ctx.accounts.listTokens(opts.user)
        printRows(
          io,
          tokens.map((t) => ({
            id: t.id,
            owner: t.owner,
            host: t.host,
            label: t.label,
            scope: t.scope,
            expires: t.expiresAt,
            last_used: t.lastUsedAt,
          })),
          opts.json === true,
        )
        return EXIT.ok
      }),
    )
  token
    .command('revoke <id>')
    .description('revoke a token by id')
    .action((id: string, _opts: unknown, cmd: Command) =>
      run(cmd, async (ctx) => {
        if (!/^\d+$/.test(id))
          return fail(io, `"${id}" is not a token id (see dynzone token list)`, EXIT.invalid)
        const r = await ctx.accounts.revokeToken(Number(id))
        if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
        io.out(`revoked token ${id}\n`)
        return EXIT.ok
      }),
    )
}
