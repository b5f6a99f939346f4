/** The store port for IPv6 prefix group administration. */
import type { Fqdn } from '../names.ts'

/** A prefix group as listed. */
export interface GroupSummary {
  readonly id: number
  readonly name: string
  readonly owner: string
  readonly prefixLength: number
  /** The current prefix (`2001:db8:1:2::`), null before the first update. */
  readonly prefix: string | null
  readonly createdAt: string
  readonly members: readonly { readonly host: Fqdn; readonly iid: string }[]
}

/** Persistence for prefix groups and their members. */
export interface GroupStore {
  listGroups(owner?: string): Promise<GroupSummary[]>
  insertGroup(g: {
    name: string
    ownerId: number
    prefixLength: number
    createdAt: string
  }): Promise<GroupSummary>
  deleteGroup(groupId: number): Promise<void>
  /** Makes the host a member of the group (moving it from another) with this identifier. */
  setMembership(hostId: number, groupId: number, iid: string): Promise<void>
  /** Removes the host from its group; false when it was in none. */
  removeMembership(hostId: number): Promise<boolean>
}
