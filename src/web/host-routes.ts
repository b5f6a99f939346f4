/**
 * Self-service host routes: my hosts, a host's page, creating and deleting hosts, its TTLs
 * and LAN addresses. Every change goes through core's account service (a new DNS TTL bumps
 * the zone serial in the same transaction) so history, serial and publishing follow. A user
 * sees and changes only their own hosts; an admin any host.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ClientTarget } from './client-settings.ts'
import { hostListPage, hostPage, newHostPage } from './host-pages.ts'
import type { Flash } from './layout.ts'
import type { WebSession } from './session.ts'
import {
  errorPage,
  field,
  queryParam,
  redirect,
  sendHtml,
  signedIn,
  type WebDeps,
} from './web-http.ts'
import type { HostDetail, HostEvent } from '../core/accounts/account-store.ts'
import { temporaryIpv6 } from '../core/addresses/temporary-ipv6.ts'

/** Hosts per page in host tables. */
export const PAGE_SIZE = 25

const NOTICES: Record<string, string> = {
  created: 'Host created.',
  ttl: 'TTLs saved.',
  lan: 'LAN addresses saved.',
  deleted: 'Host deleted.',
  revoked: 'Token revoked.',
}

/** A notice chosen by a fixed key from the query (never text from the URL). */
export function notice(req: FastifyRequest): Flash | undefined {
  const text = NOTICES[queryParam(req, 'done') ?? '']
  return text === undefined ? undefined : { kind: 'notice', text }
}

/** The page number from `?page=` (1 when absent or bad). */
export function pageNumber(req: FastifyRequest): number {
  const n = Number(queryParam(req, 'page') ?? '1')
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1
}

/** Where clients reach this server, as the browser did (for ready-to-paste settings). */
export function clientTarget(
  req: FastifyRequest,
  user: string,
  fqdn: string,
  token: string,
): ClientTarget {
  const host = req.headers.host ?? ''
  return {
    scheme: req.protocol === 'https' ? 'https' : 'http',
    server: /^[A-Za-z0-9.\-:[\]]{1,300}$/.test(host) ? host : 'dyn.example.com',
    user,
    fqdn,
    token,
  }
}

/** Registers the host routes. */
export function registerHostRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get(
    '/hosts',
    signedIn(deps, async (req, reply, session) => {
      const search = (queryParam(req, 'q') ?? '').slice(0, 100)
      const n = pageNumber(req)
      const q = { ownerId: session.userId, search, offset: (n - 1) * PAGE_SIZE, limit: PAGE_SIZE }
      const { hosts, more } = await deps.store.hosts(q)
      const view = { session, hosts, search, page: n, more, path: '/hosts', flash: notice(req) }
      return sendHtml(reply, 200, hostListPage(view))
    }),
  )
  app.get(
    '/hosts/new',
    signedIn(deps, async (_req, reply, session) => {
      const zones = await deps.store.zoneNames()
      return sendHtml(reply, 200, newHostPage({ session, zones }))
    }),
  )
  app.post(
    '/hosts/new',
    signedIn(deps, async (req, reply, session) => {
      const label = (field(req, 'label') ?? '').trim()
      const zone = field(req, 'zone') ?? ''
      const ttl = optionalInt(field(req, 'dns_ttl'))
      const r =
        ttl === 'bad'
          ? {
              ok: false as const,
              error: { code: 'invalid', message: 'DNS TTL must be a whole number' },
            }
          : label === ''
            ? {
                ok: false as const,
                error: { code: 'invalid', message: 'Enter a name for the host' },
              }
            : await deps.accounts.addHost({
                fqdn: `${label}.${zone}`,
                owner: session.userName,
                ...(ttl === undefined ? {} : { ttl }),
              })
      if (r.ok) return redirect(reply, `/hosts/${r.value.id}?done=created`)
      const zones = await deps.store.zoneNames()
      const flash: Flash = { kind: 'error', text: r.error.message }
      const status = r.error.code === 'exists' ? 409 : 422
      return sendHtml(reply, status, newHostPage({ session, zones, label, zone, flash }))
    }),
  )
  app.get(
    '/hosts/:id',
    signedIn(deps, async (req, reply, session) => {
      const host = await ownHost(deps, req, session)
      if (host === undefined) return errorPage(reply, 404, 'No such host.', session)
      return showHost(deps, req, reply, session, host, notice(req), 200)
    }),
  )
  app.post(
    '/hosts/:id/ttl',
    signedIn(deps, async (req, reply, session) => {
      const host = await ownHost(deps, req, session)
      if (host === undefined) return errorPage(reply, 404, 'No such host.', session)
      const dns = optionalInt(field(req, 'dns_ttl'))
      const expiry = optionalInt(field(req, 'expiry_ttl'))
      let problem: string | undefined
      if (dns === 'bad' || (dns !== undefined && (dns < 1 || dns > 604800)))
        problem = 'DNS TTL must be a whole number of seconds from 1 to 604800, or empty'
      else if (expiry === 'bad' || expiry === undefined || expiry < 0 || expiry > 31536000)
        problem = 'Expiry must be a whole number of seconds from 0 (never) to 31536000'
      if (problem !== undefined || dns === 'bad' || expiry === 'bad' || expiry === undefined) {
        const flash: Flash = { kind: 'error', text: problem ?? 'invalid TTL' }
        return showHost(deps, req, reply, session, host, flash, 422)
      }
      const r = await deps.accounts.changeHost(host.fqdn, {
        dnsTtl: dns ?? null,
        expiryTtl: expiry,
      })
      if (!r.ok) {
        const flash: Flash = { kind: 'error', text: r.error.message }
        return showHost(deps, req, reply, session, host, flash, 422)
      }
      return redirect(reply, `/hosts/${host.id}?done=ttl`)
    }),
  )
  app.post(
    '/hosts/:id/lan',
    signedIn(deps, async (req, reply, session) => {
      const host = await ownHost(deps, req, session)
      if (host === undefined) return errorPage(reply, 404, 'No such host.', session)
      const value = (name: string): string | null => {
        const v = (field(req, name) ?? '').trim()
        return v === '' ? null : v
      }
      const r = await deps.accounts.setHostLan(host.fqdn, {
        ipv4: value('lan_ipv4'),
        ipv6: value('lan_ipv6'),
      })
      if (r.ok) return redirect(reply, `/hosts/${host.id}?done=lan`)
      return showHost(
        deps,
        req,
        reply,
        session,
        host,
        { kind: 'error', text: r.error.message },
        422,
      )
    }),
  )
  app.post(
    '/hosts/:id/delete',
    signedIn(deps, async (req, reply, session) => {
      const host = await ownHost(deps, req, session)
      if (host === undefined) return errorPage(reply, 404, 'No such host.', session)
      if (field(req, 'confirm') !== 'yes') {
        const flash: Flash = { kind: 'error', text: 'Tick the box to confirm the deletion.' }
        return showHost(deps, req, reply, session, host, flash, 422)
      }
      const r = await deps.accounts.deleteHost(host.fqdn)
      if (!r.ok) return errorPage(reply, 404, r.error.message, session)
      return redirect(
        reply,
        `${session.isAdmin && host.ownerId !== session.userId ? '/admin/hosts' : '/hosts'}?done=deleted`,
      )
    }),
  )
}

async function showHost(
  deps: WebDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  session: WebSession,
  host: HostDetail,
  flash: Flash | undefined,
  status: number,
): Promise<FastifyReply> {
  const history = await deps.store.history(host.id, 50)
  const tokens = (await deps.accounts.listTokens(host.owner)).filter((t) => t.host === host.fqdn)
  const client = clientTarget(req, host.owner, host.fqdn, 'TOKEN')
  const requests = (await deps.requests?.recent(host.id, 50)) ?? []
  const temporary = temporaryIpv6(ipv6Seen(history), deps.clock.now())
  return sendHtml(
    reply,
    status,
    hostPage({ session, host, history, requests, temporary, tokens, client, flash }),
  )
}

// The IPv6 addresses the history's changes set (`v4,v6` text, `-` for none).
function ipv6Seen(history: readonly HostEvent[]): { at: string; ipv6: string }[] {
  return history.flatMap((r) => {
    const ipv6 = r.result === 'good' ? r.newValue.split(',')[1] : undefined
    return ipv6 === undefined || !ipv6.includes(':') ? [] : [{ at: r.at, ipv6 }]
  })
}

/** The host of `:id` when the session may see it. */
async function ownHost(
  deps: WebDeps,
  req: FastifyRequest,
  s: WebSession,
): Promise<HostDetail | undefined> {
  const id = Number((req.params as { id?: string }).id)
  if (!Number.isSafeInteger(id) || id < 1) return undefined
  const host = await deps.store.host(id)
  return host !== undefined && (host.ownerId === s.userId || s.isAdmin) ? host : undefined
}

/** A whole number from a form field; undefined when empty, `bad` when not a number. */
export function optionalInt(text: string | undefined): number | undefined | 'bad' {
  const t = (text ?? '').trim()
  if (t === '') return undefined
  return /^\d{1,9}$/.test(t) ? Number(t) : 'bad'
}
