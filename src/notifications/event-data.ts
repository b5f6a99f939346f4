/**
 * One event in the two shapes it is sent in: flat strings for mail templates (ddns-service
 * variable names) and structured JSON for webhooks. Each kind is described once, as its time,
 * its host (when it has one) and its own fields in both shapes; one builder lays out either
 * shape, so every event shares the same envelope and the same key order.
 */
import type { HostChangedEvent, HostExpiredEvent } from '../core/ports.ts'
import type { TemporaryIpv6 } from '../core/addresses/temporary-ipv6.ts'
import type { AuthDigest } from './auth-digest.ts'

/** An event with its kind. */
export type EventData =
  | { readonly kind: 'changed'; readonly event: HostChangedEvent; readonly changes?: number }
  | { readonly kind: 'expired'; readonly event: HostExpiredEvent }
  | { readonly kind: 'auth-failures'; readonly digest: AuthDigest }
  | { readonly kind: 'lockout'; readonly event: LockoutNotice }
  | {
      readonly kind: 'temporary-ipv6'
      readonly event: HostChangedEvent
      readonly warning: TemporaryIpv6
    }

/** A credential locked out at one address (the first lock of an episode). */
export interface LockoutNotice {
  /** The user or host name as shown to the owner. */
  readonly subjectName: string
  readonly clientIp: string
  readonly until: string
  readonly at: string
}

/** The host an event is about: template variables, and the webhook's `host` object. */
interface HostRef {
  readonly hostname: string
  readonly zone: string
  readonly fqdn: string
}

/** What an event says, before it is laid out for a mail or a webhook. */
interface EventShape {
  readonly time: string
  readonly host?: HostRef
  /** The event's own template variables, after the common ones. */
  readonly vars: Record<string, string>
  /** The event's own webhook fields, after the common ones. */
  readonly json: Record<string, unknown>
}

const NONE = '-'

/** Template variables of an event (see TEMPLATE_VARIABLES); absent addresses read `-`. */
export function templateValues(data: EventData, user: string): Record<string, string> {
  const s = shapeOf(data)
  return { time: s.time, user, ...s.host, ...s.vars }
}

/** The JSON body of a webhook for an event. */
export function eventPayload(data: EventData, user: string | null): Record<string, unknown> {
  const s = shapeOf(data)
  const host = s.host === undefined ? {} : { host: s.host }
  return { event: data.kind, time: s.time, user, ...host, ...s.json }
}

function shapeOf(data: EventData): EventShape {
  switch (data.kind) {
    case 'changed':
      return changedShape(data.event, data.changes ?? 1)
    case 'expired':
      return expiredShape(data.event)
    case 'auth-failures':
      return digestShape(data.digest)
    case 'lockout':
      return lockoutShape(data.event)
    case 'temporary-ipv6':
      return {
        time: data.event.at,
        host: hostOf(data.event),
        vars: { prefix: data.warning.prefix, addresses: data.warning.addresses.join(', ') },
        json: { prefix: data.warning.prefix, addresses: data.warning.addresses },
      }
  }
}

function hostOf(e: HostChangedEvent | HostExpiredEvent): HostRef {
  return { hostname: e.label, zone: e.zone, fqdn: e.fqdn }
}

function changedShape(e: HostChangedEvent, changes: number): EventShape {
  const v4 = { old: e.oldIpv4, new: e.newIpv4, changed: e.oldIpv4 !== e.newIpv4 }
  const v6 = { old: e.oldIpv6, new: e.newIpv6, changed: e.oldIpv6 !== e.newIpv6 }
  return {
    time: e.at,
    host: hostOf(e),
    vars: {
      ipv4_changed: yesNo(v4.changed),
      ipv6_changed: yesNo(v6.changed),
      old_ipv4: v4.old ?? NONE,
      new_ipv4: v4.new ?? NONE,
      old_ipv6: v6.old ?? NONE,
      new_ipv6: v6.new ?? NONE,
      client_ip: e.clientIp,
      dialect: e.dialect,
      changes: String(changes),
    },
    json: { ipv4: v4, ipv6: v6, client_ip: e.clientIp, dialect: e.dialect, changes },
  }
}

function expiredShape(e: HostExpiredEvent): EventShape {
  const { ipv4 = null, ipv6 = null } = e.removed
  return {
    time: e.at,
    host: hostOf(e),
    vars: {
      families: families(e),
      old_ipv4: ipv4 ?? NONE,
      old_ipv6: ipv6 ?? NONE,
      expiry_ttl: String(e.expiryTtl),
      last_update: e.lastUpdate,
    },
    json: { removed: { ipv4, ipv6 }, expiry_ttl: e.expiryTtl, last_update: e.lastUpdate },
  }
}

function digestShape(d: AuthDigest): EventShape {
  const window = {
    window_start: d.windowStart.toISOString(),
    window_end: d.windowEnd.toISOString(),
  }
  return {
    time: window.window_end,
    vars: {
      subject_name: d.subject.name,
      count: String(d.count),
      sources: d.sources.join(', '),
      dialects: d.dialects.join(', '),
      ...window,
    },
    json: {
      subject: d.subject.name,
      count: d.count,
      sources: d.sources,
      dialects: d.dialects,
      ...window,
    },
  }
}

function lockoutShape(e: LockoutNotice): EventShape {
  const rest = { client_ip: e.clientIp, until: e.until }
  return {
    time: e.at,
    vars: { subject_name: e.subjectName, ...rest },
    json: { subject: e.subjectName, ...rest },
  }
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no'
}

function families(e: HostExpiredEvent): string {
  const names = [
    ...(e.removed.ipv4 === undefined ? [] : ['A (IPv4)']),
    ...(e.removed.ipv6 === undefined ? [] : ['AAAA (IPv6)']),
  ]
  return names.join(' and ')
}
