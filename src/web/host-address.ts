/**
 * Setting a host's address from its page: by hand, per family, or "use my current address"
 * (the browser's address as this server sees it, through `http.trusted_proxies`). Both go
 * through core's update service as the signed-in user (`updateAs`, dialect `web`): the
 * zone's address policy every writer shares, the update path's budgets, a history row, the
 * zone serial and publishing. The answer is a redirect whose message names old → new.
 */
import type { FastifyInstance } from 'fastify'
import { parseIpOf, type IpAddress } from '../core/addresses/addresses.ts'
import type { HostDetail } from '../core/accounts/account-store.ts'
import type { Principal } from '../core/auth/auth.ts'
import type { AddressWish, UpdateIntent } from '../core/update/update-intent.ts'
import { field as inputField, postForm } from './form.ts'
import { html, type Html } from './html.ts'
import type { WebSession } from './session.ts'
import { field, redirectWithFlash, signedIn, type WebDeps } from './web-http.ts'

type Family = 4 | 6

/** The forms of the host page's address section. */
export function addressForms(h: HostDetail, csrf: string, mine: IpAddress): Html {
  const one = (family: Family): Html => {
    const current = family === 4 ? h.ipv4 : h.ipv6
    const name = family === 4 ? 'IPv4 (A)' : 'IPv6 (AAAA)'
    const byHand = postForm({
      action: `/hosts/${String(h.id)}/address`,
      csrf,
      layout: 'row',
      hidden: { family: String(family) },
      fields: inputField({
        id: `address-${String(family)}`,
        label: `New ${name} address`,
        hint: current === null ? 'none set' : `now ${current}`,
        type: 'text',
        attrs: { name: 'address', required: true, autocapitalize: 'none', spellcheck: 'false' },
      }),
      submit: { label: `Set ${name}` },
    })
    const useMine =
      mine.family === family
        ? postForm({
            action: `/hosts/${String(h.id)}/address`,
            csrf,
            layout: 'inline',
            hidden: { family: String(family), mine: 'yes' },
            submit: {
              label: html`Use my current address (<code>${mine.text}</code>)`,
              kind: 'secondary',
            },
          })
        : html`<p class="muted">
            Your browser reaches this server over IPv${String(mine.family)}: no current
            IPv${String(family)} address to offer.
          </p>`
    return html`${byHand} ${useMine}`
  }
  return html`<p>
      Your address as this server sees it: <code id="my-address">${mine.text}</code>
      (IPv${String(mine.family)}). An address set here is checked and recorded like a router's
      update.
    </p>
    ${one(4)} ${one(6)}`
}

/** Registers `POST /hosts/:id/address`. */
export function registerAddressRoute(
  app: FastifyInstance,
  deps: WebDeps,
  ownHost: (id: unknown, s: WebSession) => Promise<HostDetail | undefined>,
): void {
  app.post(
    '/hosts/:id/address',
    signedIn(deps, async (req, reply, session) => {
      const host = await ownHost((req.params as { id?: string }).id, session)
      if (host === undefined)
        return redirectWithFlash(deps, req, reply, session, '/hosts', {
          kind: 'error',
          text: 'No such host.',
        })
      const back = `/hosts/${String(host.id)}`
      const family: Family = field(req, 'family') === '6' ? 6 : 4
      const what = `IPv${String(family)} of ${host.fqdn}`
      const refused = (why: string) =>
        redirectWithFlash(deps, req, reply, session, back, {
          kind: 'error',
          text: `${what} unchanged: ${why}`,
        })
      const clientIp = deps.clientIp(req)
      let address: IpAddress
      if (field(req, 'mine') === 'yes') {
        if (clientIp.family !== family)
          return refused(
            `your current address ${clientIp.text} is not an IPv${String(family)} address.`,
          )
        address = clientIp
      } else {
        const ip = parseIpOf((field(req, 'address') ?? '').trim(), family)
        if (!ip.ok) return refused(`${ip.error.message}.`)
        address = ip.value
      }
      const wish: AddressWish = { kind: 'set', address }
      const keep: AddressWish = { kind: 'keep' }
      const intent: UpdateIntent = {
        dialect: 'web',
        credentials: null,
        hostnames: [host.fqdn],
        ipv4: family === 4 ? wish : keep,
        ipv6: family === 6 ? wish : keep,
        clientIp,
      }
      const principal = principalOf(session)
      const limited = deps.guard?.admitAuthenticated(intent, principal)
      const result = limited ?? (await deps.updates.updateAs(principal, intent))
      deps.guard?.settled(intent, principal, result)
      if (result.kind === 'rejected') return refused(result.message)
      const status = result.outcomes[0]?.status ?? 'no outcome'
      if (status !== 'good' && status !== 'nochg' && status !== 'dnserr') return refused(status)
      const old = (family === 4 ? host.ipv4 : host.ipv6) ?? 'none'
      const text =
        status === 'nochg'
          ? `${what}: already ${address.text}, nothing changed.`
          : `${what}: ${old} → ${address.text}.${status === 'dnserr' ? ' Saved; DNS has not confirmed it yet.' : ''}`
      return redirectWithFlash(deps, req, reply, session, back, { kind: 'notice', text })
    }),
  )
}

// The signed-in user acts as the host's owner (or an admin) with full rights over its records.
function principalOf(s: WebSession): Principal {
  return { userId: s.userId, userName: s.userName, isAdmin: s.isAdmin, scope: 'all' }
}
