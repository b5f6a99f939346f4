/**
 * What the update path tells the notifier and the expiry bookkeeping: which families a
 * request refreshed, the change events of a committed update (every one, marked when the
 * client asked with `notify_change=1`), and a failed login. Kept apart so update-service stays about rules.
 */
import type {
  AddressType,
  AuthFailureEvent,
  HostChangedEvent,
  HostWrite,
  UpdateContext,
} from '../ports.ts'
import type { UpdateIntent } from './update-intent.ts'

/**
 * The families a request named: set explicitly, or filled from its source address. A ping
 * that names a family refreshes it even when the value is the same (`nochg`); a family
 * kept by omission is not refreshed, so it can expire on its own.
 */
export function namedFamilies(intent: UpdateIntent): AddressType[] {
  const named = (wish: UpdateIntent['ipv4'], family: 4 | 6): boolean =>
    (wish.kind === 'set' && wish.address.family === family) ||
    (wish.kind === 'auto' && intent.clientIp.family === family)
  return [
    ...(named(intent.ipv4, 4) ? (['A'] as const) : []),
    ...(named(intent.ipv6, 6) ? (['AAAA'] as const) : []),
  ]
}

/** One change event per host whose addresses changed in this commit. */
export function changeEvents(
  changed: readonly HostWrite[],
  context: UpdateContext,
  requested: boolean,
): HostChangedEvent[] {
  return changed
    .filter((w) => w.ipv4 !== w.host.ipv4 || w.ipv6 !== w.host.ipv6)
    .map((w) => ({
      hostId: w.host.id,
      ownerId: w.host.ownerId,
      fqdn: w.host.fqdn,
      zone: w.host.zone,
      label: w.host.label,
      oldIpv4: w.host.ipv4,
      newIpv4: w.ipv4,
      oldIpv6: w.host.ipv6,
      newIpv6: w.ipv6,
      at: context.at,
      clientIp: context.clientIp,
      dialect: context.dialect,
      requested,
    }))
}

/** The failed-login event of a request refused as `badauth`. */
export function authFailureEvent(intent: UpdateIntent, at: string): AuthFailureEvent {
  return {
    username: intent.credentials?.kind === 'basic' ? intent.credentials.username : null,
    hostnames: intent.hostnames,
    clientIp: intent.clientIp.text,
    dialect: intent.dialect,
    at,
  }
}
