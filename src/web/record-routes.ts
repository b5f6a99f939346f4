/**
 * The record editor's routes: an admin's per-zone records page (`/admin/zones/{zone}/records`)
 * and an owner's records at and below a host (the host page's "Records" section, posting to
 * `/hosts/{id}/records`). One mechanism for both: a scope (the zone, or the host) gives the
 * origin of relative names, the paths and the types offered; every change goes through core's
 * `ZoneRecordService.apply` as the signed-in user (kind `admin` for admins, `user` for
 * owners), whose rules decide who may write what. Adding is a form; deleting an RRset or one
 * value is a link to a confirmation page. Every POST answers with a redirect and a flash
 * message naming the change, or the service's error naming the record (nothing written).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { registerConfirmable } from './confirm.ts'
import { html } from './html.ts'
import { hostById, PAGE_SIZE, pageNumber } from './host-access.ts'
import {
  recordsSection,
  zoneRecordsPage,
  type RecordList,
  type RecordScope,
} from './record-pages.ts'
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
import type { HostDetail } from '../core/accounts/account-store.ts'
import type { Fqdn } from '../core/names.ts'
import { RECORD_TYPES, type RecordType } from '../core/records.ts'
import { OWNER_BELOW_HOST } from '../core/zone-records/record-permissions.ts'
import type { ZoneRecordService } from '../core/zone-records/zone-record-service.ts'
import type {
  RecordActor,
  RecordEdit,
  ZoneRecordSet,
} from '../core/zone-records/zone-record-types.ts'
import type { Html } from './html.ts'

type Records = Pick<ZoneRecordService, 'list' | 'apply'>

/** The admin scope of a zone. */
function zoneScope(zone: string): RecordScope {
  const base = `/admin/zones/${encodeURIComponent(zone)}/records`
  return { zone, origin: zone, base, back: base, types: RECORD_TYPES }
}

/** The owner scope of a host (the types an owner may write below a host). */
function hostScope(host: HostDetail): RecordScope {
  return {
    zone: host.zone,
    origin: host.fqdn,
    base: `/hosts/${String(host.id)}/records`,
    back: `/hosts/${String(host.id)}`,
    types: RECORD_TYPES.filter((t) => OWNER_BELOW_HOST.has(t)),
  }
}

/** The records of a scope, filtered by `?name=` and `?type=`, one page. */
async function listed(
  records: Records,
  scope: RecordScope,
  req: FastifyRequest,
): Promise<RecordList | string> {
  const name = (queryParam(req, 'name') ?? '').trim().toLowerCase().slice(0, 255)
  const t = queryParam(req, 'type') ?? ''
  const type = (RECORD_TYPES as readonly string[]).includes(t) ? (t as RecordType) : undefined
  const below = scope.origin === scope.zone ? {} : { below: scope.origin as Fqdn }
  const r = await records.list(scope.zone as Fqdn, {
    ...below,
    ...(type === undefined ? {} : { type }),
  })
  if (!r.ok) return r.error.message
  const matching = r.value.filter((s) => name === '' || s.name.includes(name.replace(/\.$/, '')))
  const page = pageNumber(req)
  const from = (page - 1) * PAGE_SIZE
  return {
    sets: matching.slice(from, from + PAGE_SIZE),
    name,
    type: type ?? '',
    page,
    more: matching.length > from + PAGE_SIZE,
  }
}

/** The host page's "Records" section, or undefined when the server has no record service. */
export async function hostRecordsSection(
  deps: WebDeps,
  req: FastifyRequest,
  session: WebSession,
  host: HostDetail,
): Promise<Html | undefined> {
  if (deps.zoneRecords === undefined) return undefined
  const scope = hostScope(host)
  const list = await listed(deps.zoneRecords, scope, req)
  if (typeof list === 'string') return undefined
  return recordsSection(scope, list, session, 'h3')
}

/** A name as typed: absolute with a final dot, `@` for the origin, else under the origin. */
export function absoluteName(typed: string, origin: string): string {
  const t = typed.trim().toLowerCase()
  if (t === '@' || t === '') return origin
  if (t.endsWith('.')) return t.slice(0, -1)
  return `${t}.${origin}`
}

function actorOf(session: WebSession): RecordActor {
  return session.isAdmin
    ? { kind: 'admin', label: session.userName }
    : { kind: 'user', userId: session.userId, label: session.userName }
}

/** One RRset (and maybe one value of it) a delete link names. */
interface Target {
  readonly scope: RecordScope
  readonly set: ZoneRecordSet
  readonly value?: string
}

/** Registers the editor's routes (none without the record service). */
export function registerRecordRoutes(app: FastifyInstance, deps: WebDeps): void {
  const records = deps.zoneRecords
  if (records === undefined) return

  const zoneOf = (req: FastifyRequest): RecordScope =>
    zoneScope((req.params as { zone: string }).zone.trim().toLowerCase().replace(/\.$/, ''))
  const hostOf = async (req: FastifyRequest, s: WebSession): Promise<RecordScope | undefined> => {
    const host = await hostById(deps, (req.params as { id?: string }).id, s)
    return host === undefined ? undefined : hostScope(host)
  }

  app.get(
    '/admin/zones/:zone/records',
    signedIn(
      deps,
      async (req, reply, session) => {
        const scope = zoneOf(req)
        const list = await listed(records, scope, req)
        if (typeof list === 'string') return errorPage(reply, 404, list, session)
        const flash = flashOf(deps, req)
        return sendHtml(reply, 200, zoneRecordsPage({ session, scope, list, flash }))
      },
      { admin: true },
    ),
  )

  const add =
    (scopeOf: (req: FastifyRequest, s: WebSession) => Promise<RecordScope | undefined>) =>
    async (req: FastifyRequest, reply: FastifyReply, session: WebSession) => {
      const scope = await scopeOf(req, session)
      if (scope === undefined) return errorPage(reply, 404, 'No such host.', session)
      const name = absoluteName(field(req, 'record_name') ?? '', scope.origin)
      const typeText = (field(req, 'record_type') ?? '').trim().toUpperCase()
      const value = (field(req, 'record_value') ?? '').trim()
      const ttlText = (field(req, 'record_ttl') ?? '').trim()
      const what = `${name}. ${typeText} ${value}`.trim()
      const refuse = (why: string) =>
        redirectWithFlash(deps, req, reply, session, scope.back, {
          kind: 'error',
          text: `Not added: ${why}`,
        })
      if (!(RECORD_TYPES as readonly string[]).includes(typeText))
        return refuse(`${what}: ${typeText === '' ? 'no type' : 'an unknown type'}`)
      if (value === '') return refuse(`${name}. ${typeText}: no value`)
      const ttl = ttlText === '' ? undefined : Number(ttlText)
      if (ttl !== undefined && !/^\d{1,10}$/.test(ttlText))
        return refuse(`${what}: the TTL is not a whole number of seconds`)
      const edit: RecordEdit = {
        op: 'add',
        name: name as Fqdn,
        type: typeText as RecordType,
        value,
        ...(ttl === undefined ? {} : { ttl }),
      }
      const r = await records.apply(actorOf(session), scope.zone as Fqdn, [edit], {
        context: { door: 'web', clientIp: deps.clientIp(req).text },
      })
      if (!r.ok) return refuse(r.error.message)
      return redirectWithFlash(deps, req, reply, session, scope.back, {
        kind: 'notice',
        text: `Added ${what}.`,
      })
    }
  app.post(
    '/admin/zones/:zone/records',
    signedIn(
      deps,
      add((req) => Promise.resolve(zoneOf(req))),
      { admin: true },
    ),
  )
  app.post('/hosts/:id/records', signedIn(deps, add(hostOf)))

  // Deleting: the RRset, or one value of it (base64url in the path), behind a confirmation.
  const target = async (
    scope: RecordScope | undefined,
    req: FastifyRequest,
  ): Promise<Target | undefined> => {
    if (scope === undefined) return undefined
    const p = req.params as { name: string; type: string; value?: string }
    // Path parameters arrive decoded (`%2A` is `*`).
    const name = p.name.toLowerCase().replace(/\.$/, '')
    if (!(RECORD_TYPES as readonly string[]).includes(p.type)) return undefined
    const type = p.type as RecordType
    const r = await records.list(scope.zone as Fqdn, { name: name as Fqdn, type })
    const set = r.ok ? r.value.find((s) => s.name === name && s.type === type) : undefined
    if (set === undefined) return undefined
    if (
      scope.origin !== scope.zone &&
      set.name !== scope.origin &&
      !set.name.endsWith(`.${scope.origin}`)
    )
      return undefined
    if (p.value === undefined) return { scope, set }
    const value = Buffer.from(p.value, 'base64url').toString('utf8')
    return set.values.includes(value) ? { scope, set, value } : undefined
  }
  const confirmDelete = (t: Target) => {
    const rrset = `${t.set.name}. ${t.set.type}`
    return {
      title: t.value === undefined ? `Delete ${rrset}` : `Delete ${rrset} ${t.value}`,
      question:
        t.value === undefined
          ? html`Every value of <code>${rrset}</code> (${t.set.values.join(', ')}) is removed from
              ${t.scope.zone}.`
          : html`The value <code>${t.value}</code> is removed from <code>${rrset}</code>.`,
      submit: { label: 'Delete', kind: 'danger' as const },
      cancel: t.scope.back,
    }
  }
  const remove = async (
    req: FastifyRequest,
    reply: FastifyReply,
    session: WebSession,
    t: Target,
  ) => {
    const edit: RecordEdit = {
      op: 'delete',
      name: t.set.name,
      type: t.set.type,
      ...(t.value === undefined ? {} : { value: t.value }),
    }
    const what = `${t.set.name}. ${t.set.type}${t.value === undefined ? '' : ` ${t.value}`}`
    const r = await records.apply(actorOf(session), t.scope.zone as Fqdn, [edit], {
      context: { door: 'web', clientIp: deps.clientIp(req).text },
    })
    return redirectWithFlash(deps, req, reply, session, t.scope.back, {
      kind: r.ok ? 'notice' : 'error',
      text: r.ok ? `Deleted ${what}.` : `Not deleted: ${r.error.message}`,
    })
  }
  for (const suffix of [':name/:type/delete', ':name/:type/:value/delete']) {
    registerConfirmable(app, deps, {
      path: `/admin/zones/:zone/records/${suffix}`,
      admin: true,
      load: (req) => target(zoneOf(req), req),
      missing: 'No such record.',
      confirm: confirmDelete,
      act: remove,
    })
    registerConfirmable(app, deps, {
      path: `/hosts/:id/records/${suffix}`,
      load: async (req, s) => target(await hostOf(req, s), req),
      missing: 'No such record.',
      confirm: confirmDelete,
      act: remove,
    })
  }
}
