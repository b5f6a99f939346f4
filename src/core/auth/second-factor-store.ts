/**
 * The port second factors are kept behind (src/store/second-factor-store.ts keeps the rows):
 * a sealed TOTP secret per user and one-time recovery codes as keyed hashes.
 */

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
  removeAll(userId: number): Promise<boolean>
}
