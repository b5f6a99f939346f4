/**
 * Prefix group administration: a group has an owner and an IPv6 prefix length; each member
 * host (of the same owner) has an interface identifier that fits in the host bits.
 */
import type { AccountStore, HostSummary } from './account-store.ts'
import type { AccountError } from './account-error.ts'
import type { GroupSummary } from './group-store.ts'
import { parseInterfaceId, validPrefixLength } from '../addresses/ipv6-prefix.ts'
import { parseName } from '../names.ts'
import { err, ok, type Result } from '../result.ts'

const GROUP_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/i

async function groupByName(store: AccountStore, name: string): Promise<GroupSummary | undefined> {
  return (await store.listGroups()).find((g) => g.name === name)
}

/** Creates a group owned by `owner` with this prefix length. */
export async function addGroup(
  store: AccountStore,
  input: { name: string; owner: string; prefixLength: number },
  now: Date,
): Promise<Result<GroupSummary, AccountError>> {
  if (!GROUP_NAME.test(input.name)) {
    return err({
      code: 'invalid',
      message: `invalid group name "${input.name.slice(0, 70)}": use 1-64 letters, digits and . _ -`,
    })
  }
  if (!validPrefixLength(input.prefixLength)) {
    return err({ code: 'invalid', message: 'prefix length must be a whole number from 8 to 120' })
  }
  const owner = await store.userByName(input.owner)
  if (!owner) return err({ code: 'not-found', message: `user "${input.owner}" not found` })
  if (await groupByName(store, input.name)) {
    return err({ code: 'exists', message: `group "${input.name}" already exists` })
  }
  const group = await store.insertGroup({
    name: input.name,
    ownerId: owner.id,
    prefixLength: input.prefixLength,
    createdAt: now.toISOString(),
  })
  return ok(group)
}

/** Deletes a group; its members leave it and keep their records. */
export async function deleteGroup(
  store: AccountStore,
  name: string,
): Promise<Result<void, AccountError>> {
  const group = await groupByName(store, name)
  if (!group) return err({ code: 'not-found', message: `group "${name}" not found` })
  await store.deleteGroup(group.id)
  return ok(undefined)
}

/** Makes a host a member of a group with an interface identifier (`::1:2`). */
export async function joinGroup(
  store: AccountStore,
  input: { host: string; group: string; iid: string },
): Promise<Result<{ host: string; iid: string }, AccountError>> {
  const name = parseName(input.host)
  if (!name.ok) return err({ code: 'invalid', message: name.error.message })
  const host = await store.hostByName(name.value)
  if (!host) return err({ code: 'not-found', message: `host "${name.value}" not found` })
  const checked = await membership(store, host, input.group, input.iid)
  if (!checked.ok) return checked
  await store.setMembership(host.id, checked.value.groupId, checked.value.iid)
  return ok({ host: host.fqdn, iid: checked.value.iid })
}

/**
 * Checks that `host` may join group `name` with interface identifier `iid`: the group
 * exists, has the host's owner, and the identifier fits its host bits (canonical on return).
 */
export async function membership(
  store: AccountStore,
  host: HostSummary,
  name: string,
  iid: string,
): Promise<Result<{ groupId: number; iid: string }, AccountError>> {
  const group = await groupByName(store, name)
  if (!group) return err({ code: 'not-found', message: `group "${name}" not found` })
  // One router update rewrites every member: they must all be the group owner's.
  if (host.owner !== group.owner) {
    return err({
      code: 'invalid',
      message: `host "${host.fqdn}" belongs to "${host.owner}", group "${group.name}" to "${group.owner}"`,
    })
  }
  const parsed = parseInterfaceId(iid, group.prefixLength)
  if (!parsed.ok) return err({ code: 'invalid', message: parsed.error.message })
  return ok({ groupId: group.id, iid: parsed.value })
}

/** Removes a host from its group. */
export async function leaveGroup(
  store: AccountStore,
  fqdn: string,
): Promise<Result<void, AccountError>> {
  const name = parseName(fqdn)
  if (!name.ok) return err({ code: 'invalid', message: name.error.message })
  const host = await store.hostByName(name.value)
  if (!host) return err({ code: 'not-found', message: `host "${name.value}" not found` })
  if (!(await store.removeMembership(host.id))) {
    return err({ code: 'not-found', message: `host "${host.fqdn}" is in no group` })
  }
  return ok(undefined)
}
