/** argon2id password hashing (OWASP parameters: 19 MiB, t=2, p=1). */
import argon2 from 'argon2'
import type { PasswordHasher } from '../core/ports.ts'

/** The argon2id implementation of core's `PasswordHasher`. */
export function createArgon2Hasher(): PasswordHasher {
  return {
    hash: (password) =>
      argon2.hash(password, {
        type: argon2.argon2id,
        memoryCost: 19456,
        timeCost: 2,
        parallelism: 1,
      }),
    verify: async (hash, password) => {
      try {
        return await argon2.verify(hash, password)
      } catch {
        return false
      }
    },
  }
}
