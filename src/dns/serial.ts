/**
 * Serial number arithmetic (RFC 1982 §3.2) for SOA serials: comparison modulo 2^32, where
 * a serial half the space away is neither greater nor smaller (treated as not greater).
 */

const MOD = 2 ** 32
const HALF = 2 ** 31

/** True when serial `a` is greater than `b` in RFC 1982 order. */
export function serialGreater(a: number, b: number): boolean {
  const d = (((a - b) % MOD) + MOD) % MOD
  return d !== 0 && d < HALF
}
