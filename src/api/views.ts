/**
 * The JSON shape of each resource, built in one place for both doors that print it: the REST
 * API's answers and the CLI's `--json` output. Field names are camelCase, and a field has the
 * same name wherever it appears (`expiresAt`, `lastUsedAt`, `createdAt`, …);
 * test/e2e/json-shapes.test.ts walks every `--json` command and API answer to keep it so.
 */
import type { HostSummary, TokenSummary, UserSummary } from '../core/accounts/account-store.ts'
import type { GroupSummary } from '../core/accounts/group-store.ts'
import type { AccountService } from '../core/accounts/accounts.ts'
import type { ZoneState } from '../core/accounts/zone-admin.ts'
import type { host, token, user, zone } from './schemas.ts'
import type { z } from 'zod'

/** A user as answered. */
export function userView(u: UserSummary): z.output<typeof user> {
  return {
    name: u.name,
    email: u.email,
    admin: u.isAdmin,
    hasPassword: u.hasPassword,
    createdAt: u.createdAt,
  }
}

/** A host as answered: addresses, settings and its last accepted update. */
export async function hostView(
  accounts: Pick<AccountService, 'hostSettings'>,
  h: HostSummary,
): Promise<z.output<typeof host>> {
  const s = await accounts.hostSettings(h)
  return {
    fqdn: h.fqdn,
    zone: h.zone,
    owner: h.owner,
    dnsTtl: h.ttl,
    expiryTtl: s?.expiryTtl ?? 0,
    ipv4: h.ipv4,
    ipv6: h.ipv6,
    lan: { ipv4: s?.lanIpv4 ?? null, ipv6: s?.lanIpv6 ?? null },
    group: s?.group ?? null,
    lastSeenAt: h.lastSeenAt,
    lastClientIp: s?.lastClientIp ?? null,
    lastDialect: s?.lastDialect ?? null,
    createdAt: h.createdAt,
  }
}

/** A token as answered: never its secret (which is not stored anyway). */
export function tokenView(t: TokenSummary): z.output<typeof token> {
  return {
    id: t.id,
    owner: t.owner,
    host: t.host,
    label: t.label,
    scope: t.scope,
    hosts: t.hosts === undefined ? null : [...t.hosts],
    recordTypes: t.recordTypes === undefined ? null : [...t.recordTypes],
    sources: t.sources === undefined ? null : [...t.sources],
    expiresAt: t.expiresAt,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
  }
}

/** A zone as answered; `served`: the zones the config names now. */
export function zoneView(s: ZoneState, served: ReadonlySet<string>): z.output<typeof zone> {
  return {
    name: s.name,
    served: served.has(s.name),
    backend: s.backend,
    serial: s.serial,
    hosts: s.hosts,
    resync: { requestedAt: s.requestedAt, handledAt: s.handledAt, report: s.report },
    lease: { holder: s.leaseHolder, expiresAt: s.leaseExpiresAt },
    ownerConflict: s.ownerConflict,
  }
}

/** An IPv6 prefix group with its members (the CLI prints these; the API has no groups yet). */
export function groupView(g: GroupSummary) {
  return {
    name: g.name,
    owner: g.owner,
    prefixLength: g.prefixLength,
    prefix: g.prefix,
    members: g.members.map((m) => ({ host: m.host, iid: m.iid })),
    createdAt: g.createdAt,
  }
}
