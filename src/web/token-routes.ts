/**
 * Token routes: list, create (the secret is shown once), rotate (a new secret with the same
 * host, label, scope, expiry, host list, record types and source ranges; the old one stops
 * working) and revoke. Users manage their
 * own tokens; admins any token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TokenSummary } from '../core/accounts/account-store.ts'
import type { Cidr } from '../core/addresses/addresses.ts'
import {
  parseCidrList,
  parseTypeList,
  type RestrictableType,
} from '../core/auth/token-restrictions.ts'
import { parseTokenScope } from '../core/auth/token-scope.ts'
import { registerConfirmable } from './confirm.ts'
import { clientTarget, notice, optionalInt } from './host-routes.ts'
import type { WebSession } from './session.ts'
import { secretPage, tokensPage } from './token-pages.ts'
import { field, redirectWithFlash, safePath, sendHtml, signedIn, type WebDeps } from './web-http.ts'

// A new secret is a new way into the account: it needs a recent proof (step-up).
const stepUp = { stepUp: 'always' } as const

/** Registers the token routes. */
export function registerTokenRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get(
    '/tokens',
    signedIn(deps, async (req, reply, session) => {
      const tokens = await deps.accounts.listTokens(session.userName)
      const hosts = (await deps.accounts.listHosts(session.userName)).map((h) => h.fqdn)
      const flash = notice(deps, req)
      return sendHtml(reply, 200, tokensPage({ session, tokens, hosts, flash }))
    }),
  )
  app.post(
    '/tokens',
    signedIn(
      deps,
      async (req, reply, session) => {
        const back = safePath(field(req, 'back')) ?? '/tokens'
        const refused = (text: string) =>
          redirectWithFlash(deps, req, reply, session, back, {
            kind: 'error',
            text: `No token created: ${text}`,
          })
        const host = (field(req, 'host') ?? '').trim()
        const scope = parseTokenScope(field(req, 'scope') ?? 'address')
        const days = optionalInt(field(req, 'expires_days'))
        const label = (field(req, 'label') ?? '').trim()
        if (scope === undefined) return refused('choose a scope.')
        if (days === 'bad' || days === 0 || (days !== undefined && days > 3650))
          return refused('expiry must be 1 to 3650 days, or empty.')
        const owner = host === '' ? session.userName : await hostOwner(deps, host, session)
        if (owner === undefined) return refused(`no host "${host}" of yours.`)
        const expiresAt =
          days === undefined ? undefined : new Date(deps.clock.now().getTime() + days * 86_400_000)
        const r = await deps.accounts.createToken({
          owner,
          label,
          scope,
          ...(host === '' ? {} : { host }),
          ...(expiresAt === undefined ? {} : { expiresAt }),
        })
        if (!r.ok) return refused(r.error.message)
        const text = `Token ${name(r.value.token)} created.`
        return toSecret(deps, req, reply, session, r.value.token, r.value.secret, back, text)
      },
      stepUp,
    ),
  )
  app.get(
    '/tokens/secret',
    signedIn(deps, async (req, reply, session) => {
      // The secret rode in the sealed flash cookie of the redirect: shown once, never stored.
      const once = deps.flash.of(req)?.once
      const back = safePath(once?.back) ?? '/tokens'
      const id = Number(once?.token)
      const token = (await ownTokens(deps, session)).find((t) => t.id === id)
      if (once?.secret === undefined || token === undefined) {
        const text = 'A secret is shown only once. Rotate the token for a new one.'
        return redirectWithFlash(deps, req, reply, session, back, { kind: 'error', text })
      }
      const secret = once.secret
      const client =
        token.host === null ? undefined : clientTarget(req, token.owner, token.host, secret)
      const rotated = once.rotated === 'yes'
      return sendHtml(reply, 200, secretPage({ session, token, secret, back, client, rotated }))
    }),
  )
  const load = (req: FastifyRequest, s: WebSession) => ownToken(deps, req, s)
  registerConfirmable(app, deps, {
    path: '/tokens/:id/revoke',
    load,
    missing: 'No such token.',
    confirm: (t) => ({
      title: `Revoke token ${name(t)}`,
      question: `Routers and scripts that use this token will be refused from now on. This cannot be undone.`,
      submit: { label: 'Revoke token', kind: 'danger' },
      cancel: '/tokens',
    }),
    act: async (req, reply, session, token) => {
      await deps.accounts.revokeToken(token.id)
      const back = safePath(field(req, 'back')) ?? '/tokens'
      const text = `Token ${name(token)} revoked: its secret no longer works.`
      return redirectWithFlash(deps, req, reply, session, back, { kind: 'notice', text })
    },
  })
  registerConfirmable(app, deps, {
    path: '/tokens/:id/rotate',
    stepUp: 'always',
    load,
    missing: 'No such token.',
    confirm: (t) => ({
      title: `Rotate token ${name(t)}`,
      question: `A new secret replaces the current one, with the same host, scope and limits. The current secret stops working at once: update every router or script that uses it.`,
      submit: { label: 'Rotate token' },
      cancel: '/tokens',
    }),
    act: async (req, reply, session, old) => {
      const back = safePath(field(req, 'back')) ?? '/tokens'
      const refused = (text: string) =>
        redirectWithFlash(deps, req, reply, session, back, {
          kind: 'error',
          text: `Token ${name(old)} not rotated: ${text}`,
        })
      if (old.hosts?.length === 0) return refused('every host of this token is gone.')
      const r = await deps.accounts.createToken({
        owner: old.owner,
        label: old.label,
        scope: old.scope,
        ...(old.host === null ? {} : { host: old.host }),
        ...(old.expiresAt === null ? {} : { expiresAt: new Date(old.expiresAt) }),
        ...sameLimits(old),
      })
      if (!r.ok) return refused(r.error.message)
      await deps.accounts.revokeToken(old.id)
      const text = `Token ${name(old)} rotated: the old secret no longer works.`
      return toSecret(deps, req, reply, session, r.value.token, r.value.secret, back, text, true)
    },
  })
}

/** How a flash message names a token: its label (or number) and host. */
function name(t: TokenSummary): string {
  const label = t.label === '' ? `#${String(t.id)}` : `“${t.label}”`
  return `${label} (${t.host ?? 'any host'}, ${t.scope})`
}

// A rotated token keeps every limit of the old one: rotating must never widen a credential.
function sameLimits(t: TokenSummary): {
  hosts?: readonly string[]
  recordTypes?: RestrictableType[]
  sources?: Cidr[]
} {
  const types = t.recordTypes === undefined ? undefined : parseTypeList(t.recordTypes.join(','))
  const sources = t.sources === undefined ? undefined : parseCidrList(t.sources.join(','))
  return {
    ...(t.hosts === undefined ? {} : { hosts: t.hosts }),
    // A list that no longer parses keeps a limit that allows nothing, never none.
    ...(types === undefined ? {} : { recordTypes: types.ok ? types.value : [] }),
    ...(sources === undefined ? {} : { sources: sources.ok ? sources.value : [] }),
  }
}

function toSecret(
  deps: WebDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  session: WebSession,
  token: TokenSummary,
  secret: string,
  back: string,
  text: string,
  rotated = false,
): FastifyReply {
  const once = { token: String(token.id), secret, back, rotated: rotated ? 'yes' : 'no' }
  return redirectWithFlash(deps, req, reply, session, '/tokens/secret', {
    kind: 'notice',
    text,
    once,
  })
}

/** The owner of a host the session may make tokens for (its own; any for admins). */
async function hostOwner(deps: WebDeps, fqdn: string, s: WebSession): Promise<string | undefined> {
  const hosts = await deps.accounts.listHosts(s.isAdmin ? undefined : s.userName)
  return hosts.find((h) => h.fqdn === fqdn.toLowerCase().replace(/\.$/, ''))?.owner
}

/** The token of `:id` when the session may manage it. */
async function ownToken(
  deps: WebDeps,
  req: FastifyRequest,
  s: WebSession,
): Promise<TokenSummary | undefined> {
  const id = Number((req.params as { id?: string }).id)
  if (!Number.isSafeInteger(id) || id < 1) return undefined
  return (await ownTokens(deps, s)).find((t) => t.id === id)
}

/** The tokens the session may manage (its own; any for admins). */
function ownTokens(deps: WebDeps, s: WebSession): Promise<TokenSummary[]> {
  return deps.accounts.listTokens(s.isAdmin ? undefined : s.userName)
}
