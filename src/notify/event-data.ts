/**
 * One event in the two shapes it is sent in: flat strings for mail templates (ddns-service
 * variable names) and structured JSON for webhooks.
 */
import type { HostChangedEvent, HostExpiredEvent } from '../core/ports.ts'
import type { AuthDigest } from './auth-digest.ts'

/** An event with its kind. */
export type EventData =
  | { readonly kind: 'changed'; readonly event: HostChangedEvent }
  | { readonly kind: 'expired'; readonly event: HostExpiredEvent }
  | { readonly kind: 'auth-failures'; readonly digest: AuthDigest }
  | { readonly kind: 'lockout'; readonly event: LockoutNotice }

/** A credential locked out at one address (the first lock of an episode). */
export interface LockoutNotice {
  /** The user or host name as shown to the owner. */
  readonly subjectName: string
  readonly clientIp: string
  readonly until: string
  readonly at: string
}

const NONE = '-'

/** Template variables of an event (see TEMPLATE_VARIABLES); absent addresses read `-`. */
export function templateValues(data: EventData, user: string): Record<string, string> {
  switch (data.kind) {
    case 'changed': {
      const e = data.event
      return {
        time: e.at,
        user,
        hostname: e.label,
        zone: e.zone,
        fqdn: e.fqdn,
        ipv4_changed: yesNo(e.oldIpv4 !== e.newIpv4),
        ipv6_changed: yesNo(e.oldIpv6 !== e.newIpv6),
        old_ipv4: e.oldIpv4 ?? NONE,
        new_ipv4: e.newIpv4 ?? NONE,
        old_ipv6: e.oldIpv6 ?? NONE,
        new_ipv6: e.newIpv6 ?? NONE,
        client_ip: e.clientIp,
        dialect: e.dialect,
      }
    }
    case 'expired': {
      const e = data.event
      return {
        time: e.at,
        user,
        hostname: e.label,
        zone: e.zone,
        fqdn: e.fqdn,
        families: families(e),
        old_ipv4: e.removed.ipv4 ?? NONE,
        old_ipv6: e.removed.ipv6 ?? NONE,
        expiry_ttl: String(e.expiryTtl),
        last_update: e.lastUpdate,
      }
    }
    case 'auth-failures': {
      const d = data.digest
      return {
        time: d.windowEnd.toISOString(),
        user,
        subject_name: d.subject.name,
        count: String(d.count),
        sources: d.sources.join(', '),
        dialects: d.dialects.join(', '),
        window_start: d.windowStart.toISOString(),
        window_end: d.windowEnd.toISOString(),
      }
    }
    case 'lockout': {
      const e = data.event
      return {
        time: e.at,
        user,
        subject_name: e.subjectName,
        client_ip: e.clientIp,
        until: e.until,
      }
    }
  }
}

/** The JSON body of a webhook for an event. */
export function eventPayload(data: EventData, user: string | null): Record<string, unknown> {
  switch (data.kind) {
    case 'changed': {
      const e = data.event
      return {
        event: 'changed',
        time: e.at,
        user,
        host: { hostname: e.label, zone: e.zone, fqdn: e.fqdn },
        ipv4: { old: e.oldIpv4, new: e.newIpv4, changed: e.oldIpv4 !== e.newIpv4 },
        ipv6: { old: e.oldIpv6, new: e.newIpv6, changed: e.oldIpv6 !== e.newIpv6 },
        client_ip: e.clientIp,
        dialect: e.dialect,
      }
    }
    case 'expired': {
      const e = data.event
      return {
        event: 'expired',
        time: e.at,
        user,
        host: { hostname: e.label, zone: e.zone, fqdn: e.fqdn },
        removed: { ipv4: e.removed.ipv4 ?? null, ipv6: e.removed.ipv6 ?? null },
        expiry_ttl: e.expiryTtl,
        last_update: e.lastUpdate,
      }
    }
    case 'auth-failures': {
      const d = data.digest
      return {
        event: 'auth-failures',
        time: d.windowEnd.toISOString(),
        user,
        subject: d.subject.name,
        count: d.count,
        sources: d.sources,
        dialects: d.dialects,
        window_start: d.windowStart.toISOString(),
        window_end: d.windowEnd.toISOString(),
      }
    }
    case 'lockout': {
      const e = data.event
      return {
        event: 'lockout',
        time: e.at,
        user,
        subject: e.subjectName,
        client_ip: e.clientIp,
        until: e.until,
      }
    }
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
