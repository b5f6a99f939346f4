/**
 * Passkeys (WebAuthn, through @simplewebauthn/server) as a second factor of web accounts:
 * several per user, each named. The relying party is the web's public address
 * (`web.public_url`: its host is the rpID, its origin the only origin accepted). Each
 * ceremony's challenge is kept here, per web session and purpose, for 5 minutes and taken
 * on first use (a replayed or late answer finds none). A sign-in must name a passkey of that
 * user, and its signature counter must move forward when the authenticator keeps one.
 *
 * Challenges live in this process's memory: behind several instances, a ceremony must end
 * on the instance that began it (a refused one is simply tried again).
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server'
import type { Clock } from '../ports.ts'
import { err, ok, type Result } from '../result.ts'
import type { SecondFactorStore, StoredPasskey } from './second-factor-store.ts'

const CHALLENGE_MS = 5 * 60_000
// A user keeps at most this many passkeys; a name at most this many characters.
export const MAX_PASSKEYS = 20
export const MAX_NAME = 60

/** Options of the passkey service. */
export interface PasskeysOptions {
  readonly store: SecondFactorStore
  readonly clock: Clock
  /** The web's public address, e.g. `https://dyn.example.net`. */
  readonly publicUrl: string
  readonly rpName?: string
}

type Purpose = 'register' | 'sign-in'

interface Pending {
  readonly challenge: string
  readonly userId: number
  readonly expires: number
}

/** Why a registration was refused. */
export type RegisterError = 'expired' | 'invalid' | 'name' | 'duplicate' | 'full'

/** Registration and sign-in ceremonies, and the challenges between their two halves. */
export class Passkeys {
  readonly #o: PasskeysOptions
  readonly #rpId: string
  readonly #origin: string
  readonly #pending = new Map<string, Pending>()

  constructor(options: PasskeysOptions) {
    this.#o = options
    const url = new URL(options.publicUrl)
    this.#rpId = url.hostname
    this.#origin = url.origin
  }

  /** The user's passkeys. */
  list(userId: number): Promise<StoredPasskey[]> {
    return this.#o.store.passkeys(userId)
  }

  /** Options for `navigator.credentials.create`; the challenge is kept for this session. */
  async registrationOptions(
    sessionKey: string,
    userId: number,
    userName: string,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.#o.store.passkeys(userId)
    const options = await generateRegistrationOptions({
      rpName: this.#o.rpName ?? 'dynzone',
      rpID: this.#rpId,
      userName,
      userID: new TextEncoder().encode(`dynzone-user-${String(userId)}`),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({
        id: p.credentialId,
        transports: [...p.transports],
      })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    })
    this.#keep('register', sessionKey, userId, options.challenge)
    return options
  }

  /** Checks a `create` answer against this session's challenge and stores the passkey. */
  async register(
    sessionKey: string,
    userId: number,
    name: string,
    response: string,
  ): Promise<Result<StoredPasskey['name'], RegisterError>> {
    const trimmed = name.trim()
    if (trimmed === '' || trimmed.length > MAX_NAME) return err('name')
    const challenge = this.#take('register', sessionKey, userId)
    if (challenge === undefined) return err('expired')
    const parsed = parseJson<RegistrationResponseJSON>(response)
    if (parsed === undefined) return err('invalid')
    let info
    try {
      const v = await verifyRegistrationResponse({
        response: parsed,
        expectedChallenge: challenge,
        expectedOrigin: this.#origin,
        expectedRPID: this.#rpId,
        requireUserVerification: false,
      })
      if (!v.verified) return err('invalid')
      info = v.registrationInfo
    } catch {
      return err('invalid')
    }
    const existing = await this.#o.store.passkeys(userId)
    if (existing.length >= MAX_PASSKEYS) return err('full')
    if (existing.some((p) => p.credentialId === info.credential.id)) return err('duplicate')
    await this.#o.store.addPasskey(userId, {
      credentialId: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: info.credential.transports ?? [],
      name: trimmed,
      createdAt: this.#o.clock.now().toISOString(),
    })
    return ok(trimmed)
  }

  /**
   * Options for `navigator.credentials.get` naming the user's passkeys; undefined when the
   * user has none. The challenge is kept for this session.
   */
  async signInOptions(
    sessionKey: string,
    userId: number,
  ): Promise<PublicKeyCredentialRequestOptionsJSON | undefined> {
    const mine = await this.#o.store.passkeys(userId)
    if (mine.length === 0) return undefined
    const options = await generateAuthenticationOptions({
      rpID: this.#rpId,
      allowCredentials: mine.map((p) => ({ id: p.credentialId, transports: [...p.transports] })),
      userVerification: 'preferred',
    })
    this.#keep('sign-in', sessionKey, userId, options.challenge)
    return options
  }

  /**
   * Checks a `get` answer: this session's challenge (used up now, right or wrong), a passkey
   * of this user, its signature, and a counter that moved forward. True when all hold.
   */
  async verify(sessionKey: string, userId: number, response: string): Promise<boolean> {
    const challenge = this.#take('sign-in', sessionKey, userId)
    const parsed = parseJson<AuthenticationResponseJSON>(response)
    if (challenge === undefined || parsed === undefined || typeof parsed.id !== 'string')
      return false
    const mine = await this.#o.store.passkeys(userId)
    const passkey = mine.find((p) => p.credentialId === parsed.id)
    if (passkey === undefined) return false
    try {
      const v = await verifyAuthenticationResponse({
        response: parsed,
        expectedChallenge: challenge,
        expectedOrigin: this.#origin,
        expectedRPID: this.#rpId,
        requireUserVerification: false,
        credential: {
          id: passkey.credentialId,
          publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
          counter: passkey.counter,
          transports: passkey.transports as AuthenticatorTransport[],
        },
      })
      if (!v.verified) return false
      const at = this.#o.clock.now().toISOString()
      const to = v.authenticationInfo.newCounter
      return await this.#o.store.usePasskey(userId, passkey.id, passkey.counter, to, at)
    } catch {
      // A bad signature, origin or challenge, or a counter that did not move forward.
      return false
    }
  }

  #keep(purpose: Purpose, sessionKey: string, userId: number, challenge: string): void {
    const now = this.#o.clock.now().getTime()
    for (const [k, p] of this.#pending) if (p.expires <= now) this.#pending.delete(k)
    this.#pending.set(`${purpose}:${sessionKey}`, {
      challenge,
      userId,
      expires: now + CHALLENGE_MS,
    })
  }

  #take(purpose: Purpose, sessionKey: string, userId: number): string | undefined {
    const key = `${purpose}:${sessionKey}`
    const p = this.#pending.get(key)
    this.#pending.delete(key)
    if (p === undefined || p.userId !== userId) return undefined
    return p.expires > this.#o.clock.now().getTime() ? p.challenge : undefined
  }
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape
function parseJson<T>(text: string): T | undefined {
  if (text.length > 20_000) return undefined
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === 'object' && v !== null ? (v as T) : undefined
  } catch {
    return undefined
  }
}
