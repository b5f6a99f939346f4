/** HMAC-SHA256 under the server pepper: how tokens and cached credentials are keyed. */
import { createHmac } from 'node:crypto'
import type { KeyedHasher } from '../ports.ts'
import type { Secret } from './secret.ts'

/** A keyed hasher over a pepper. */
export function createKeyedHasher(pepper: Secret): KeyedHasher {
  const key = Buffer.from(pepper.reveal(), 'utf8')
  return { digest: (data) => createHmac('sha256', key).update(data, 'utf8').digest('hex') }
}
