/**
 * The port second factors are kept behind (src/store/second-factor-store.ts keeps the rows):
 * a sealed TOTP secret per user, one-time recovery codes as keyed hashes, and passkeys
 * (WebAuthn credentials: public keys only, nothing secret).
 */

/** A passkey as stored. */
export interface StoredPasskey {
  readonly id: number
  /** base64url of the credential id. */
  readonly credentialId: string
  /** base64url of the COSE public key. */
  readonly publicKey: string
  /** The signature counter last seen (0: the authenticator keeps none). */
  readonly counter: number
  readonly transports: readonly string[]
  readonly name: string
  readonly createdAt: string
  readonly lastUsedAt: string | null
}

/** A user's TOTP secret as stored. */
export interface StoredTotp {
  /** The secret sealed under the pepper-derived key (src/core/auth/sealed.ts). */
  readonly sealed: string
  /** The last time step a code was accepted for. */
  readonly lastStep: number
}

/** Where second factors are kept. */
export interface SecondFactorStore {
  totp(userId: number): Promise<StoredTotp | undefined>
  /** Sets the user's TOTP secret and replaces the recovery codes, in one transaction. */
  enrol(userId: number, sealed: string, codeHashes: readonly string[], at: string): Promise<void>
  /** Moves the last accepted step forward; false when `step` is not newer (a replayed code). */
  advanceStep(userId: number, step: number): Promise<boolean>
  /** Deletes one unused recovery code; false when there was none with this hash. */
  useRecoveryCode(userId: number, hash: string): Promise<boolean>
  recoveryCodesLeft(userId: number): Promise<number>
  /** Replaces the recovery codes. */
  replaceRecoveryCodes(userId: number, codeHashes: readonly string[], at: string): Promise<void>
  /** Removes the TOTP secret and the recovery codes; true when there was a secret. */
  removeTotp(userId: number): Promise<boolean>
  /** Removes every second factor (TOTP, recovery codes, passkeys); true when there was one. */
  removeAll(userId: number): Promise<boolean>
  /** The user's passkeys, oldest first. */
  passkeys(userId: number): Promise<StoredPasskey[]>
  addPasskey(userId: number, p: Omit<StoredPasskey, 'id' | 'lastUsedAt'>): Promise<void>
  /** Deletes one of the user's passkeys; false when the user has none with this id. */
  removePasskey(userId: number, id: number): Promise<boolean>
  /**
   * Records a use: the counter moves from `from` to `to` (compare-and-set, so two uses of
   * one signature cannot both pass); false when it was not `from` any more.
   */
  usePasskey(userId: number, id: number, from: number, to: number, at: string): Promise<boolean>
}
