/**
 * The port invitations are kept behind (src/store/invitation-store.ts keeps the rows): one
 * row per link, found by the keyed hash of its token, never by the token itself.
 */

/** One invitation as stored. */
export interface StoredInvitation {
  readonly id: number
  readonly email: string
  readonly isAdmin: boolean
  readonly invitedBy: string
  readonly createdAt: string
  readonly expiresAt: string
  readonly usedAt: string | null
  readonly revokedAt: string | null
}

/** Where invitations are kept. */
export interface InvitationStore {
  insert(
    row: Omit<StoredInvitation, 'id' | 'usedAt' | 'revokedAt'> & { hash: string },
  ): Promise<number>
  byHash(hash: string): Promise<StoredInvitation | undefined>
  /** Neither used, revoked nor expired at `now`; oldest first. */
  pending(now: string): Promise<StoredInvitation[]>
  /** Marks an open link revoked; false when it was used or revoked already. */
  revoke(id: number, at: string): Promise<boolean>
  /**
   * Marks the link used when it is still open at `at` (one conditional write: of two
   * requests with the same link, one wins); false otherwise.
   */
  claim(hash: string, at: string): Promise<boolean>
  /** Opens a claimed link again (the account could not be created). */
  release(hash: string): Promise<void>
}
