/**
 * Invitations to web accounts. An administrator invites an email address; the invitee gets a
 * one-time link (a random token, only its keyed hash stored) that expires after
 * `web.invitation_hours` and can be revoked. Following it, the invitee chooses a user name
 * and a password: the account is created with the invited email and admin flag, and the link
 * is spent. A used, expired, revoked or unknown link changes nothing.
 */
import { err, ok, type Result } from '../result.ts'
import type { KeyedHasher } from '../ports.ts'
import type { AccountService } from './accounts.ts'
import type { InvitationStore, StoredInvitation } from './invitation-store.ts'

/** Why a link cannot be followed. */
export type ClosedLink = 'unknown' | 'used' | 'expired' | 'revoked'

/** What an invitation link says about itself. */
export const CLOSED_LINK_TEXT: Readonly<Record<ClosedLink, string>> = {
  unknown: 'This invitation link is not valid. Check that the whole link was copied.',
  used: 'This invitation was used already. Log in with the account it created.',
  expired: 'This invitation expired. Ask an administrator for a new one.',
  revoked: 'This invitation was withdrawn by an administrator.',
}

/** Parts of the invitation service. */
export interface InvitationOptions {
  readonly store: InvitationStore
  readonly accounts: Pick<AccountService, 'addUser'>
  readonly hasher: KeyedHasher
  readonly randomBytes: (n: number) => Buffer
  readonly now: () => Date
  /** How long a link stays valid. */
  readonly validHours: number
}

/** A new invitation: the token is shown or mailed once and never stored. */
export interface NewInvitation {
  readonly id: number
  readonly token: string
  readonly email: string
  readonly expiresAt: string
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
// base64url of 32 random bytes; anything else is no link of ours.
const TOKEN = /^[A-Za-z0-9_-]{43}$/

/** Invites, lists, revokes and accepts. */
export class Invitations {
  readonly #o: InvitationOptions

  constructor(options: InvitationOptions) {
    this.#o = options
  }

  /** A new link for `email`; `invitedBy` names the administrator (audit, the mail). */
  async invite(input: {
    email: string
    admin: boolean
    invitedBy: string
  }): Promise<Result<NewInvitation, string>> {
    const email = input.email.trim()
    if (email.length > 254 || !EMAIL.test(email))
      return err(`"${email.slice(0, 60)}" is not an email address`)
    const token = this.#o.randomBytes(32).toString('base64url')
    const now = this.#o.now()
    const expiresAt = new Date(now.getTime() + this.#o.validHours * 3600_000).toISOString()
    const id = await this.#o.store.insert({
      hash: this.#hash(token),
      email,
      isAdmin: input.admin,
      invitedBy: input.invitedBy,
      createdAt: now.toISOString(),
      expiresAt,
    })
    return ok({ id, token, email, expiresAt })
  }

  /** Links neither used, revoked nor expired. */
  pending(): Promise<StoredInvitation[]> {
    return this.#o.store.pending(this.#o.now().toISOString())
  }

  /** Withdraws an open link; false when there is none with this id. */
  revoke(id: number): Promise<boolean> {
    return this.#o.store.revoke(id, this.#o.now().toISOString())
  }

  /** The invitation behind an open link, or why the link is closed. */
  async open(token: string): Promise<Result<StoredInvitation, ClosedLink>> {
    if (!TOKEN.test(token)) return err('unknown')
    const row = await this.#o.store.byHash(this.#hash(token))
    if (row === undefined) return err('unknown')
    if (row.usedAt !== null) return err('used')
    if (row.revokedAt !== null) return err('revoked')
    if (row.expiresAt <= this.#o.now().toISOString()) return err('expired')
    return ok(row)
  }

  /**
   * Creates the invited account and spends the link. A closed link, or a name or password the
   * account rules refuse, creates nothing (and leaves an open link open).
   */
  async accept(
    token: string,
    name: string,
    password: string,
  ): Promise<Result<{ userId: number; name: string }, { closed?: ClosedLink; message: string }>> {
    const opened = await this.open(token)
    if (!opened.ok) return err({ closed: opened.error, message: CLOSED_LINK_TEXT[opened.error] })
    if (password.length < 8) return err({ message: 'password must be at least 8 characters' })
    const hash = this.#hash(token)
    if (!(await this.#o.store.claim(hash, this.#o.now().toISOString())))
      return err({ closed: 'used', message: CLOSED_LINK_TEXT.used })
    const added = await this.#o.accounts.addUser({
      name,
      password,
      email: opened.value.email,
      admin: opened.value.isAdmin,
    })
    if (!added.ok) {
      await this.#o.store.release(hash)
      return err({ message: added.error.message })
    }
    return ok({ userId: added.value.id, name: added.value.name })
  }

  #hash(token: string): string {
    return this.#o.hasher.digest(`invitation:${token}`)
  }
}
