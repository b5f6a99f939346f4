/** A credential gate over an authenticator with no lockouts and no budgets, for core tests. */
import type { Authenticator } from './auth/auth.ts'
import { CredentialGate } from './auth/credential-gate.ts'
import { createKeyedHasher } from './auth/keyed-hash.ts'
import { Secret } from './auth/secret.ts'

/** The gate every door would use, with its budgets turned off. */
export function gateOf(auth: Authenticator): CredentialGate {
  return new CredentialGate({
    auth,
    hasher: createKeyedHasher(new Secret('a test pepper of at least 32 characters')),
    budgets: { bad: { windowSeconds: 900, max: 30 } },
  })
}
