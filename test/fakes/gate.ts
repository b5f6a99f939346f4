/** A credential gate over an authenticator with no lockouts and no budgets, for core tests. */
import type { Authenticator } from '../../src/core/auth/auth.ts'
import { CredentialGate } from '../../src/core/auth/credential-gate.ts'
import { createKeyedHasher } from '../../src/core/auth/keyed-hash.ts'
import { Secret } from '../../src/core/auth/secret.ts'

/** The gate every door would use, with its budgets turned off. */
export function gateOf(auth: Authenticator): CredentialGate {
  return new CredentialGate({
    auth,
    hasher: createKeyedHasher(new Secret('a test pepper of at least 32 characters')),
    budgets: { bad: { windowSeconds: 900, max: 30 } },
  })
}
