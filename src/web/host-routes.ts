/**
 * Self-service host routes: my hosts, a host's page, creating and deleting hosts, its TTLs
 * and LAN addresses. Every change goes through core's account service (a new DNS TTL bumps
 * the zone serial in the same transaction) so history, serial and publishing follow. A user
 * sees and changes only their own hosts; an admin any host.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ClientTarget } from './client-settings.ts'
import { registerAddressRoute } from './host-address.ts'
import { hostListPage, hostPage, newHostPage } from './host-pages.ts'
import { hostById, pageNumber, PAGE_SIZE } from './host-access.ts'
import { hostRecordsSection } from './record-routes.ts'
import type { Flash } from './layout.ts'
import type { WebSession } from './session.ts'
import {
  errorPage,
  field,
  flashOf,
  queryParam,
  redirectWithFlash,
  sendHtml,
  signedIn,
  type WebDeps,
} from './web-http.ts'
import type { HostDetail, HostEvent } from '../core/accounts/account-store.ts'
import { temporaryIpv6 } from '../core/addresses/temporary-ipv6.ts'

export { hostById, pageNumber, PAGE_SIZE }

/** The message a redirect carried to this page, if any (read once). */
export function notice(deps: WebDeps, req: FastifyRequest): Flash | undefined {
  return flashOf(deps, req)
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
  registerAddressRoute(app, deps, (id, s) => hostById(deps, id, s))
  app.get(
    '/hosts',
    signedIn(deps, async (req, reply, session) => {
      const search = (queryParam(req, 'q') ?? '').slice(0, 100)
      const n = pageNumber(req)
      const q = { ownerId: session.userId, search, offset: (n - 1) * PAGE_SIZE, limit: PAGE_SIZE }
      const { hosts, more } = await deps.store.hosts(q)
      const view = {
        session,
        hosts,
        search,
        page: n,
        more,
        path: '/hosts',
        flash: notice(deps, req),
      }
      return sendHtml(reply, 200, hostListPage(view))
    }),
  )
  app.get(
    '/hosts/new',
    signedIn(deps, async (req, reply, session) => {
      const zones = await deps.store.zoneNames()
      // After a refused form the redirect brings back what was typed (a name and a zone).
      const label = (queryParam(req, 'label') ?? '').slice(0, 253)
      const zone = (queryParam(req, 'zone') ?? '').slice(0, 253)
      const flash = notice(deps, req)
      return sendHtml(reply, 200, newHostPage({ session, zones, label, zone, flash }))
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
      if (r.ok)
        return redirectWithFlash(deps, req, reply, session, `/hosts/${r.value.id}`, {
          kind: 'notice',
          text: `Host ${label}.${zone} created.`,
        })
      const again = `/hosts/new?${new URLSearchParams({ label, zone }).toString()}`
      const flash: Flash = { kind: 'error', text: `Nothing created: ${r.error.message}` }
      return redirectWithFlash(deps, req, reply, session, again, flash)
    }),
  )
  app.get(
    '/hosts/:id',
    signedIn(deps, async (req, reply, session) => {
      const host = await ownHost(deps, req, session)
      if (host === undefined) return errorPage(reply, 404, 'No such host.', session)
      return showHost(deps, req, reply, session, host, notice(deps, req), 200)
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
      const back = `/hosts/${host.id}`
      if (problem !== undefined || dns === 'bad' || expiry === 'bad' || expiry === undefined) {
        const flash: Flash = { kind: 'error', text: `TTLs unchanged: ${problem ?? 'invalid TTL'}` }
        return redirectWithFlash(deps, req, reply, session, back, flash)
      }
      const r = await deps.accounts.changeHost(host.fqdn, {
        dnsTtl: dns ?? null,
        expiryTtl: expiry,
      })
      if (!r.ok) {
        const flash: Flash = { kind: 'error', text: `TTLs unchanged: ${r.error.message}` }
        return redirectWithFlash(deps, req, reply, session, back, flash)
      }
      const text = changes(`TTLs of ${host.fqdn}`, [
        ['DNS TTL', ttlText(host.dnsTtl, 'zone default'), ttlText(dns ?? null, 'zone default')],
        ['expiry', ttlText(host.expiryTtl || null, 'never'), ttlText(expiry || null, 'never')],
      ])
      return redirectWithFlash(deps, req, reply, session, back, { kind: 'notice', text })
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
      const back = `/hosts/${host.id}`
      if (!r.ok) {
        const flash: Flash = { kind: 'error', text: `LAN addresses unchanged: ${r.error.message}` }
        return redirectWithFlash(deps, req, reply, session, back, flash)
      }
      const text = changes(`LAN addresses of ${host.fqdn}`, [
        ['IPv4', host.lanIpv4 ?? 'none', value('lan_ipv4') ?? 'none'],
        ['IPv6', host.lanIpv6 ?? 'none', value('lan_ipv6') ?? 'none'],
      ])
      return redirectWithFlash(deps, req, reply, session, back, { kind: 'notice', text })
    }),
  )
  app.post(
    '/hosts/:id/delete',
    signedIn(deps, async (req, reply, session) => {
      const host = await ownHost(deps, req, session)
      if (host === undefined) return errorPage(reply, 404, 'No such host.', session)
      if (field(req, 'confirm') !== 'yes') {
        const flash: Flash = {
          kind: 'error',
          text: `${host.fqdn} was not deleted: tick the box to confirm the deletion.`,
        }
        return redirectWithFlash(deps, req, reply, session, `/hosts/${host.id}`, flash)
      }
      const r = await deps.accounts.deleteHost(host.fqdn)
      if (!r.ok) return errorPage(reply, 404, r.error.message, session)
      const list = session.isAdmin && host.ownerId !== session.userId ? '/admin/hosts' : '/hosts'
      const text = `Host ${host.fqdn} deleted (it had ${host.ipv4 ?? 'no IPv4'} and ${host.ipv6 ?? 'no IPv6'}).`
      return redirectWithFlash(deps, req, reply, session, list, { kind: 'notice', text })
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
  // The timeline reads further back than the table shows.
  const history = await deps.store.history(host.id, 1000)
  const tokens = (await deps.accounts.listTokens(host.owner)).filter((t) => t.host === host.fqdn)
  const client = clientTarget(req, host.owner, host.fqdn, 'TOKEN')
  const mine = deps.clientIp(req)
  const now = deps.clock.now()
  const requests = (await deps.requests?.recent(host.id, 50)) ?? []
  const temporary = temporaryIpv6(ipv6Seen(history), now)
  const records = await hostRecordsSection(deps, req, session, host)
  const view = {
    session,
    host,
    history,
    requests,
    temporary,
    tokens,
    client,
    flash,
    mine,
    now,
    records,
  }
  return sendHtml(reply, status, hostPage(view))
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
  return hostById(deps, (req.params as { id?: string }).id, s)
}

/**
 * A flash text naming what changed, old → new, or that nothing did:
 * `changes('TTLs of a.example', [['DNS TTL', '60 s', '300 s']])` →
 * `TTLs of a.example: DNS TTL 60 s → 300 s.`
 */
export function changes(
  what: string,
  fields: readonly (readonly [string, string, string])[],
): string {
  const changed = fields.filter(([, from, to]) => from !== to)
  if (changed.length === 0) return `${what}: nothing changed.`
  return `${what}: ${changed.map(([name, from, to]) => `${name} ${from} → ${to}`).join('; ')}.`
}

function ttlText(seconds: number | null, none: string): string {
  return seconds === null ? none : `${String(seconds)} s`
}

/** A whole number from a form field; undefined when empty, `bad` when not a number. */
export function optionalInt(text: string | undefined): number | undefined | 'bad' {
  const t = (text ?? '').trim()
  if (t === '') return undefined
  return /^\d{1,9}$/.test(t) ? Number(t) : 'bad'
}
