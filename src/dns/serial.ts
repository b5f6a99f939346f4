/**
 * SOA serial numbers: RFC 1982 §3.2 comparison (modulo 2^32; a serial exactly half the space
 * away is neither greater nor smaller, so it counts as not greater), and the three schemes
 * a zone's `serial_scheme` may choose:
 * - `unixtime` (default): the current time in seconds, or old + 1 when that is not ahead
 *   (several changes in one second);
 * - `date`: YYYYMMDDnn, or old + 1 when that is not ahead (past nn = 99 it runs into the
 *   next day's numbers, as BIND's date serials do);
 * - `increment`: old + 1.
 * Every scheme always increases in serial-number order, wrapping at 2^32.
 */

const MOD = 2 ** 32
const HALF = 2 ** 31

/** The serial schemes a zone can use. */
export const SERIAL_SCHEMES = ['unixtime', 'date', 'increment'] as const
/** One serial scheme. */
export type SerialScheme = (typeof SERIAL_SCHEMES)[number]

/** True when serial `a` is greater than `b` in RFC 1982 order. */
export function serialGreater(a: number, b: number): boolean {
  const d = (((a - b) % MOD) + MOD) % MOD
  return d !== 0 && d < HALF
}

/** The serial a new zone starts at. */
export function initialSerial(scheme: SerialScheme, nowSeconds: number): number {
  switch (scheme) {
    case 'unixtime':
      return nowSeconds % MOD
    case 'date':
      return dateSerial(nowSeconds)
    case 'increment':
      return 1
  }
}

/** The serial after `old` at unix time `nowSeconds` (default scheme: unixtime). */
export function nextSerial(
  old: number,
  nowSeconds: number,
  scheme: SerialScheme = 'unixtime',
): number {
  const candidate = scheme === 'increment' ? old : initialSerial(scheme, nowSeconds)
  return serialGreater(candidate, old) ? candidate : (old + 1) % MOD
}

/** True for a known scheme name (the store holds it as text). */
export function isSerialScheme(value: string): value is SerialScheme {
  return (SERIAL_SCHEMES as readonly string[]).includes(value)
}

function dateSerial(nowSeconds: number): number {
  const d = new Date(nowSeconds * 1000)
  return (d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate()) * 100
}
