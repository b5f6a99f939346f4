/**
 * TOTP (RFC 6238 over RFC 4226: SHA-1, 6 digits, 30-second steps, one step of clock skew
 * either way) with ten one-time recovery codes. The secret is stored sealed
 * (src/core/auth/sealed.ts); a code is accepted once (the last accepted step is kept); the
 * recovery codes are kept as keyed hashes and each one is deleted when used. Enrolment keeps
 * nothing until the first code is right: the new secret travels sealed in the form.
 *
 * Not implemented: other digests, digit counts or periods (authenticator apps differ there).
 */
import { randomBytes as cryptoRandom } from 'node:crypto'
import { Secret as OtpSecret, TOTP } from 'otpauth'
import type { Clock, KeyedHasher } from '../ports.ts'
import { err, ok, type Result } from '../result.ts'
import type { Sealer } from './sealed.ts'
import type { SecondFactorStore, StoredPasskey } from './second-factor-store.ts'

/** How many recovery codes an account gets. */
export const RECOVERY_CODES = 10
// An enrolment form is good for this long.
const ENROL_MS = 15 * 60_000
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** A TOTP enrolment in progress: what the page shows and the sealed secret the form carries. */
export interface Enrolment {
  /** The secret in base32, for typing in by hand. */
  readonly secret: string
  /** The `otpauth://` URI the QR code holds. */
  readonly uri: string
  /** The secret sealed for this user and time (a hidden form field). */
  readonly pending: string
}

/** Which factor a code matched. */
export type FactorUsed = 'totp' | 'recovery'

/** Options of the second-factor service. */
export interface SecondFactorsOptions {
  readonly store: SecondFactorStore
  readonly sealer: Sealer
  readonly hasher: KeyedHasher
  readonly clock: Clock
  /** The issuer name authenticator apps show. */
  readonly issuer?: string
  readonly randomBytes?: (n: number) => Uint8Array
}

/** TOTP and recovery codes of web accounts. */
export class SecondFactors {
  readonly #o: SecondFactorsOptions

  constructor(options: SecondFactorsOptions) {
    this.#o = options
  }

  /** True when the user has a second factor (TOTP or a passkey). */
  async has(userId: number): Promise<boolean> {
    const f = await this.kinds(userId)
    return f.totp || f.passkeys > 0
  }

  /** Which second factors the user has: TOTP, and how many passkeys. */
  async kinds(userId: number): Promise<{ totp: boolean; passkeys: number }> {
    const [totp, passkeys] = await Promise.all([
      this.#o.store.totp(userId),
      this.#o.store.passkeys(userId),
    ])
    return { totp: totp !== undefined, passkeys: passkeys.length }
  }

  /** Recovery codes the user has left. */
  codesLeft(userId: number): Promise<number> {
    return this.#o.store.recoveryCodesLeft(userId)
  }

  /** A new secret for a user to scan; nothing is stored until `confirm`. */
  begin(userId: number, userName: string): Enrolment {
    const secret = new OtpSecret({ buffer: this.#random(20).slice().buffer })
    const now = this.#o.clock.now().getTime()
    return {
      secret: secret.base32,
      uri: this.#totp(secret.base32, userName).toString(),
      pending: this.#o.sealer.seal(`${secret.base32}.${String(now)}`, `enrol:${String(userId)}`),
    }
  }

  /** The enrolment form's secret again (to show it after a wrong code), if still good. */
  resume(userId: number, userName: string, pending: string): Enrolment | undefined {
    const secret = this.#pendingSecret(userId, pending)
    if (secret === undefined) return undefined
    return { secret, uri: this.#totp(secret, userName).toString(), pending }
  }

  /** Stores the secret once a code from it is right; returns the new recovery codes. */
  async confirm(
    userId: number,
    pending: string,
    code: string,
  ): Promise<Result<string[], 'expired' | 'wrong'>> {
    const secret = this.#pendingSecret(userId, pending)
    if (secret === undefined) return err('expired')
    const step = this.#matchingStep(secret, code)
    if (step === undefined) return err('wrong')
    const codes = this.#newCodes()
    const at = this.#o.clock.now().toISOString()
    const sealed = this.#o.sealer.seal(secret, `totp:${String(userId)}`)
    await this.#o.store.enrol(
      userId,
      sealed,
      codes.map((c) => this.#codeHash(userId, c)),
      at,
    )
    await this.#o.store.advanceStep(userId, step)
    return ok(codes)
  }

  /** Checks a TOTP or recovery code and uses it up; undefined when it does not match. */
  async verify(userId: number, code: string): Promise<FactorUsed | undefined> {
    const stored = await this.#o.store.totp(userId)
    if (stored === undefined) return undefined
    const digits = code.replace(/\s/g, '')
    if (/^\d{6}$/.test(digits)) {
      const secret = this.#o.sealer.open(stored.sealed, `totp:${String(userId)}`)
      const step = secret === undefined ? undefined : this.#matchingStep(secret, digits)
      if (step === undefined) return undefined
      return (await this.#o.store.advanceStep(userId, step)) ? 'totp' : undefined
    }
    const recovery = normalCode(code)
    if (recovery === undefined) return undefined
    const used = await this.#o.store.useRecoveryCode(userId, this.#codeHash(userId, recovery))
    return used ? 'recovery' : undefined
  }

  /** New recovery codes in place of the old ones (shown once). */
  async renewCodes(userId: number): Promise<string[]> {
    const codes = this.#newCodes()
    const hashes = codes.map((c) => this.#codeHash(userId, c))
    await this.#o.store.replaceRecoveryCodes(userId, hashes, this.#o.clock.now().toISOString())
    return codes
  }

  /** Removes the user's TOTP secret and recovery codes; true when there was one. */
  removeTotp(userId: number): Promise<boolean> {
    return this.#o.store.removeTotp(userId)
  }

  /** The user's passkeys. */
  passkeys(userId: number): Promise<StoredPasskey[]> {
    return this.#o.store.passkeys(userId)
  }

  /** Removes one of the user's passkeys; false when the user has none with this id. */
  removePasskey(userId: number, id: number): Promise<boolean> {
    return this.#o.store.removePasskey(userId, id)
  }

  /** Removes every second factor of the user (TOTP, recovery codes, passkeys). */
  remove(userId: number): Promise<boolean> {
    return this.#o.store.removeAll(userId)
  }

  #pendingSecret(userId: number, pending: string): string | undefined {
    const plain = this.#o.sealer.open(pending, `enrol:${String(userId)}`)
    const [secret, issued] = (plain ?? '').split('.')
    const age = this.#o.clock.now().getTime() - Number(issued)
    if (secret === undefined || secret === '' || !(age >= 0 && age < ENROL_MS)) return undefined
    return secret
  }

  // The time step a code belongs to (within one step of now), or undefined.
  #matchingStep(secret: string, code: string): number | undefined {
    const digits = code.replace(/\s/g, '')
    if (!/^\d{6}$/.test(digits)) return undefined
    const timestamp = this.#o.clock.now().getTime()
    const delta = this.#totp(secret, '').validate({ token: digits, timestamp, window: 1 })
    return delta === null ? undefined : TOTP.counter({ period: 30, timestamp }) + delta
  }

  #totp(secret: string, label: string): TOTP {
    return new TOTP({
      issuer: this.#o.issuer ?? 'dynzone',
      label,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      secret: OtpSecret.fromBase32(secret),
    })
  }

  #newCodes(): string[] {
    return Array.from({ length: RECOVERY_CODES }, () => {
      const chars = Array.from(this.#random(10), (b) => BASE32[b % 32] ?? 'A').join('')
      return `${chars.slice(0, 5)}-${chars.slice(5)}`
    })
  }

  #codeHash(userId: number, code: string): string {
    return this.#o.hasher.digest(`recovery\0${String(userId)}\0${code.replace('-', '')}`)
  }

  #random(n: number): Uint8Array {
    return (this.#o.randomBytes ?? ((k: number) => new Uint8Array(cryptoRandom(k))))(n)
  }
}

// A recovery code as typed: any case, with or without the dash and spaces.
function normalCode(code: string): string | undefined {
  const c = code.replace(/[\s-]/g, '').toUpperCase()
  return /^[A-Z2-7]{10}$/.test(c) ? c : undefined
}
