/**
 * SOA serials in the "unix time" scheme with RFC 1982 arithmetic: the next serial is the
 * current time in seconds when that is ahead of the old serial, else old + 1 (many changes
 * in one second). Always increases in serial-number order, wrapping at 2^32.
 */

const MOD = 2 ** 32
const HALF = 2 ** 31

/** True when serial `a` is greater than `b` in RFC 1982 order. */
export function serialGreater(a: number, b: number): boolean {
  return a !== b && ((a > b && a - b < HALF) || (a < b && b - a > HALF))
}

/** The serial after `old` at unix time `nowSeconds`. */
export function nextSerial(old: number, nowSeconds: number): number {
  const candidate = nowSeconds % MOD
  return serialGreater(candidate, old) ? candidate : (old + 1) % MOD
}
