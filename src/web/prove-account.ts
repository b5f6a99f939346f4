/**
 * Proving the account again: the second factor (a TOTP or recovery code, or a passkey's
 * signature over this session's challenge) for users who have one, else the account password. Both go through the credential gate, so a wrong code or
 * password counts in the same lockout and failure budgets as a wrong login.
 */
import type { IpAddress } from '../core/addresses/addresses.ts'
import type { CredentialGate } from '../core/auth/credential-gate.ts'
import { Secret } from '../core/auth/secret.ts'
import type { Passkeys } from '../core/auth/passkeys.ts'
import type { FactorUsed, SecondFactors } from '../core/auth/second-factors.ts'

/** What a proof needs. */
export interface ProofRequest {
  readonly gate: Pick<CredentialGate, 'check' | 'secondFactor'>
  readonly secondFactors: SecondFactors
  readonly userId: number
  readonly userName: string
  readonly source: IpAddress
  /** True: `proof` is a code; false: the account password. */
  readonly hasFactor: boolean
  readonly proof: string
  /** Passkeys (undefined: off). */
  readonly passkeys?: Passkeys | undefined
  /** The web session whose passkey challenge an answer must match. */
  readonly sessionKey?: string
  /** A passkey's answer (`navigator.credentials.get`, as JSON); takes the place of `proof`. */
  readonly passkey?: string | undefined
}

/** How a proof ended. */
export type ProofResult =
  | { readonly ok: true; readonly used: FactorUsed | 'passkey' | 'password' }
  | { readonly ok: false; readonly message: string; readonly status: 401 | 429 }

/** Checks a second factor or password; counts a failure in the gate's budgets. */
export async function proveAccount(p: ProofRequest): Promise<ProofResult> {
  let used: FactorUsed | 'passkey' | 'password' | undefined
  const answer = p.passkey ?? ''
  const passkeys = p.passkeys
  const checked =
    p.hasFactor && answer !== '' && passkeys !== undefined
      ? await p.gate.secondFactor(
          { door: 'web-login', username: p.userName, source: p.source },
          async () => {
            const right = await passkeys.verify(p.sessionKey ?? '', p.userId, answer)
            if (right) used = 'passkey'
            return right
          },
        )
      : p.hasFactor
        ? await p.gate.secondFactor(
            { door: 'web-login', username: p.userName, source: p.source },
            async () => {
              used = await p.secondFactors.verify(p.userId, p.proof.slice(0, 40))
              return used !== undefined
            },
          )
        : await p.gate.check({
            door: 'web-login',
            credentials: { kind: 'basic', username: p.userName, secret: new Secret(p.proof) },
            source: p.source,
            accepts: 'password',
          })
  if (checked.ok) return { ok: true, used: used ?? 'password' }
  if (checked.error.code === 'abuse') {
    const minutes = String(Math.ceil(checked.error.retryAfterSeconds / 60))
    return {
      ok: false,
      status: 429,
      message: `Too many failed attempts. Try again in ${minutes} minutes.`,
    }
  }
  return {
    ok: false,
    status: 401,
    message: !p.hasFactor
      ? 'Wrong password.'
      : answer !== ''
        ? 'The passkey was not accepted (or its request expired): try again.'
        : 'That code is not right (or was used already).',
  }
}
