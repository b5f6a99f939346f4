/**
 * Sealing small secrets at rest (TOTP secrets, the enrolment's pending secret): AES-256-GCM
 * under a key derived from the server pepper with HKDF-SHA256, one key per purpose. A
 * database dump alone does not give the secrets away; the pepper file is needed too.
 * The purpose and a context string (the user id) are authenticated as additional data, so a
 * sealed value copied to another user or purpose does not open.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import type { Secret } from './secret.ts'

/** Seals and opens values for one purpose. */
export interface Sealer {
  /** `v1.<iv>.<ciphertext+tag>` in base64url. */
  seal(plain: string, context: string): string
  /** The plain value, or undefined when the value was not sealed here for this context. */
  open(sealed: string, context: string): string | undefined
}

/** A sealer whose key is derived from the pepper for `purpose`. */
export function createSealer(pepper: Secret, purpose: string): Sealer {
  const key = Buffer.from(
    hkdfSync('sha256', Buffer.from(pepper.reveal(), 'utf8'), 'dynzone', `seal:${purpose}`, 32),
  )
  const aad = (context: string) => Buffer.from(`${purpose}\0${context}`, 'utf8')
  return {
    seal(plain, context) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad(context))
      const body = Buffer.concat([
        cipher.update(plain, 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ])
      return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`
    },
    open(sealed, context) {
      const [version, iv, body] = sealed.split('.')
      if (version !== 'v1' || iv === undefined || body === undefined) return undefined
      const bytes = Buffer.from(body, 'base64url')
      if (bytes.length < 17) return undefined
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
        decipher.setAAD(aad(context)).setAuthTag(bytes.subarray(bytes.length - 16))
        return Buffer.concat([
          decipher.update(bytes.subarray(0, bytes.length - 16)),
          decipher.final(),
        ]).toString('utf8')
      } catch {
        return undefined
      }
    },
  }
}
