/**
 * TSIG: transaction signatures (RFC 8945), for dynzone as a client (RFC 2136 UPDATE, AXFR)
 * and as a server (verifying a signed request and signing the reply).
 *
 * Implements RFC 8945 §4.2 (the TSIG RR), §4.3.1–4.3.3 (MAC over request, response and the
 * TSIG variables), §5.2 (server checks: key, MAC, time with fudge), §5.3.1 (messages after the
 * first of a TCP stream: prior MAC + unsigned messages + timers), §5.3.2 (error responses:
 * BADKEY and BADSIG unsigned, BADTIME signed), §6 algorithms hmac-md5, hmac-sha1,
 * hmac-sha224, hmac-sha256, hmac-sha384, hmac-sha512.
 *
 * Not implemented: MAC truncation (§5.2.2.1, BADTRUNC), GSS-TSIG, the BADTIME server clock in
 * Other Data on outgoing errors is written but never read, the 100-message limit of §5.3.1.
 *
 * API: `signMessage(msg, key, options)` appends a TSIG record and returns the MAC (keep it to
 * verify the reply); `verifyMessage(msg, keys, options)` checks the last record is a valid
 * TSIG and returns the message without it; `TsigStream` verifies a multi-message reply.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { err, ok, type Result } from '../core/result.ts'
import type { Secret } from '../core/auth/secret.ts'
import { lowerName, nameToWire } from './name-text.ts'
import { locateTsig, readTsig, type TsigRecord } from './tsig-record.ts'

/** TSIG algorithm names (RFC 8945 §6) and the Node digest behind each. */
export const TSIG_ALGORITHMS = {
  'hmac-md5': { wire: 'hmac-md5.sig-alg.reg.int', digest: 'md5' },
  'hmac-sha1': { wire: 'hmac-sha1', digest: 'sha1' },
  'hmac-sha224': { wire: 'hmac-sha224', digest: 'sha224' },
  'hmac-sha256': { wire: 'hmac-sha256', digest: 'sha256' },
  'hmac-sha384': { wire: 'hmac-sha384', digest: 'sha384' },
  'hmac-sha512': { wire: 'hmac-sha512', digest: 'sha512' },
} as const

/** A TSIG algorithm by its BIND short name. */
export type TsigAlgorithm = keyof typeof TSIG_ALGORITHMS

/** A shared key: name as in `key "name"` (any case, no trailing dot), secret in base64. */
export interface TsigKey {
  readonly name: string
  readonly algorithm: TsigAlgorithm
  readonly secret: Secret
}

/** TSIG error codes carried in the record and in `TsigError` (RFC 8945 §3). */
export const TsigRcode = { NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const

/** Why a message failed TSIG: a local check, or an error the peer put in its TSIG. */
export interface TsigError {
  readonly code: 'BADSIG' | 'BADKEY' | 'BADTIME' | 'unsigned' | 'malformed'
  /** True when the peer reported the error in its TSIG record (our key or clock is wrong). */
  readonly fromPeer: boolean
  readonly message: string
}

/** Options of `signMessage`. */
export interface SignOptions {
  /** Seconds since the epoch; injected so tests are deterministic. */
  readonly now: number
  readonly fudge?: number
  /** The request's MAC, when signing a response (RFC 8945 §4.3.1). */
  readonly requestMac?: Uint8Array
  /** A TSIG error to report (server side); BADKEY/BADSIG replies are sent unsigned. */
  readonly error?: number
  readonly otherData?: Uint8Array
  /**
   * For the messages after the first of a signed TCP stream (RFC 8945 §5.3.1): only the
   * timers are covered, and `requestMac` is the MAC of the previous message.
   */
  readonly timersOnly?: boolean
}

/** Options of `verifyMessage`. */
export interface VerifyOptions {
  readonly now: number
  /** The MAC of our request, when verifying a response. */
  readonly requestMac?: Uint8Array
}

/** A verified message. */
export interface Verified {
  readonly key: TsigKey
  readonly mac: Buffer
  /** The message without its TSIG record (ARCOUNT decremented, original ID restored). */
  readonly message: Buffer
  readonly record: TsigRecord
}

/** Finds the key for a TSIG record's key name (lowercase) and algorithm, if known. */
export type KeyLookup = (name: string, algorithm: string) => TsigKey | undefined

const DEFAULT_FUDGE = 300
const CLASS_ANY = 255

/** Appends a TSIG record to `msg` (which must not carry one) and returns it with its MAC. */
export function signMessage(
  msg: Uint8Array,
  key: TsigKey,
  options: SignOptions,
): Result<{ message: Buffer; mac: Buffer }, TsigError> {
  const keyWire = canonicalWire(key.name)
  if (keyWire === undefined) return err(malformed(`bad key name "${key.name}"`))
  // The TSIG record is counted in ARCOUNT, which must have room for it.
  if (msg.length < 12 || (msg[10] === 0xff && msg[11] === 0xff)) {
    return err(malformed('message too short or additional section full'))
  }
  const algWire = canonicalWire(TSIG_ALGORITHMS[key.algorithm].wire) ?? Buffer.alloc(0)
  const fields = {
    timeSigned: Math.floor(options.now),
    fudge: options.fudge ?? DEFAULT_FUDGE,
    error: options.error ?? 0,
    otherData: Buffer.from(options.otherData ?? []),
  }
  const unsigned = fields.error === TsigRcode.BADKEY || fields.error === TsigRcode.BADSIG
  const mac = unsigned
    ? Buffer.alloc(0)
    : computeMac(key, [
        prefixMac(options.requestMac),
        msg,
        variables(keyWire, algWire, fields, options.timersOnly === true ? 'timers' : 'all'),
      ])
  const rdata = Buffer.concat([
    algWire,
    time48(fields.timeSigned),
    u16(fields.fudge),
    u16(mac.length),
    mac,
    Buffer.from(msg.subarray(0, 2)),
    u16(fields.error),
    u16(fields.otherData.length),
    fields.otherData,
  ])
  const rr = Buffer.concat([keyWire, u16(250), u16(CLASS_ANY), Buffer.alloc(4), u16(rdata.length)])
  const out = Buffer.concat([msg, rr, rdata])
  out.writeUInt16BE(out.readUInt16BE(10) + 1, 10)
  return ok({ message: out, mac })
}

/** Verifies the TSIG of `msg` (RFC 8945 §5.2 order: key, MAC, then time). */
export function verifyMessage(
  msg: Uint8Array,
  keys: KeyLookup,
  options: VerifyOptions,
): Result<Verified, TsigError> {
  const found = parseSigned(msg)
  if (!found.ok) return found
  const { record, stripped } = found.value
  const key = keys(record.keyName, record.algorithm)
  if (key === undefined || TSIG_ALGORITHMS[key.algorithm].wire !== record.algorithm) {
    if (record.error !== 0) return err(peerError(record.error))
    return err({ code: 'BADKEY', fromPeer: false, message: `unknown key "${record.keyName}"` })
  }
  // A peer that reports BADKEY/BADSIG sends no MAC; that is its answer, not a forgery.
  if (record.error !== 0 && record.mac.length === 0) return err(peerError(record.error))
  const expected = computeMac(key, [
    prefixMac(options.requestMac),
    stripped,
    variables(record.keyWire, record.algorithmWire, record, 'all'),
  ])
  if (!macEqual(expected, record.mac)) {
    return err({ code: 'BADSIG', fromPeer: false, message: `MAC mismatch for key "${key.name}"` })
  }
  if (record.error !== 0) return err(peerError(record.error))
  const time = checkTime(record, options.now)
  if (time !== undefined) return err(time)
  return ok({ key, mac: record.mac, message: stripped, record })
}

/** Verifies the messages of one signed TCP reply (AXFR), in order (RFC 8945 §5.3.1). */
export class TsigStream {
  #priorMac: Buffer
  #pending: Buffer[] = []
  #first = true

  constructor(
    private readonly key: TsigKey,
    requestMac: Uint8Array,
    private readonly now: () => number,
  ) {
    this.#priorMac = Buffer.from(requestMac)
  }

  /** Verifies the next message; returns it without TSIG (unsigned ones are returned as is). */
  next(msg: Uint8Array): Result<Buffer, TsigError> {
    const own = lowerName(this.key.name).replace(/\.$/, '')
    const lookup: KeyLookup = (name) => (name === own ? this.key : undefined)
    if (this.#first) {
      this.#first = false
      const v = verifyMessage(msg, lookup, { now: this.now(), requestMac: this.#priorMac })
      if (!v.ok) return v
      this.#priorMac = v.value.mac
      return ok(v.value.message)
    }
    const found = parseSigned(msg)
    if (!found.ok) {
      if (found.error.code !== 'unsigned') return found
      this.#pending.push(Buffer.from(msg))
      return ok(Buffer.from(msg))
    }
    const { record, stripped } = found.value
    if (lookup(record.keyName, record.algorithm) === undefined) {
      return err({ code: 'BADKEY', fromPeer: false, message: `unexpected key "${record.keyName}"` })
    }
    const expected = computeMac(this.key, [
      prefixMac(this.#priorMac),
      ...this.#pending,
      stripped,
      variables(record.keyWire, record.algorithmWire, record, 'timers'),
    ])
    this.#pending = []
    if (!macEqual(expected, record.mac)) {
      return err({ code: 'BADSIG', fromPeer: false, message: 'MAC mismatch in a later message' })
    }
    const time = checkTime(record, this.now())
    if (time !== undefined) return err(time)
    this.#priorMac = record.mac
    return ok(stripped)
  }
}

function parseSigned(msg: Uint8Array): Result<{ record: TsigRecord; stripped: Buffer }, TsigError> {
  const at = locateTsig(msg)
  if (!at.ok) return err(malformed(at.error))
  if (at.value === undefined) return err({ code: 'unsigned', fromPeer: false, message: 'no TSIG' })
  const record = readTsig(msg, at.value)
  if (!record.ok) return err(malformed(record.error))
  const stripped = Buffer.from(msg.subarray(0, at.value))
  stripped.writeUInt16BE(record.value.originalId, 0)
  stripped.writeUInt16BE(stripped.readUInt16BE(10) - 1, 10)
  return ok({ record: record.value, stripped })
}

// The sender picks the fudge; one of 65535 s would let a captured message be replayed for
// 18 hours. The window is held to the recommended 300 s (RFC 8945 §10) whatever it asks.
const MAX_FUDGE = DEFAULT_FUDGE

function checkTime(record: TsigRecord, now: number): TsigError | undefined {
  const fudge = Math.min(record.fudge, MAX_FUDGE)
  if (Math.abs(Math.floor(now) - record.timeSigned) <= fudge) return undefined
  return {
    code: 'BADTIME',
    fromPeer: false,
    message: `signed at ${record.timeSigned}, now ${Math.floor(now)}, fudge ${fudge}`,
  }
}

function peerError(code: number): TsigError {
  const name =
    code === TsigRcode.BADKEY ? 'BADKEY' : code === TsigRcode.BADTIME ? 'BADTIME' : 'BADSIG'
  return { code: name, fromPeer: true, message: `the peer answered TSIG error ${name}` }
}

function malformed(message: string): TsigError {
  return { code: 'malformed', fromPeer: false, message }
}

function computeMac(key: TsigKey, parts: readonly Uint8Array[]): Buffer {
  const hmac = createHmac(
    TSIG_ALGORITHMS[key.algorithm].digest,
    Buffer.from(key.secret.reveal(), 'base64'),
  )
  for (const p of parts) hmac.update(p)
  return hmac.digest()
}

function macEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

// RFC 8945 §4.3.3: the TSIG variables; only the timers in later messages of a stream.
function variables(
  keyWire: Uint8Array,
  algWire: Uint8Array,
  f: { timeSigned: number; fudge: number; error: number; otherData: Uint8Array },
  which: 'all' | 'timers',
): Buffer {
  const timers = Buffer.concat([time48(f.timeSigned), u16(f.fudge)])
  if (which === 'timers') return timers
  return Buffer.concat([
    lowerWire(keyWire),
    u16(CLASS_ANY),
    Buffer.alloc(4),
    lowerWire(algWire),
    timers,
    u16(f.error),
    u16(f.otherData.length),
    f.otherData,
  ])
}

function prefixMac(mac: Uint8Array | undefined): Buffer {
  return mac === undefined ? Buffer.alloc(0) : Buffer.concat([u16(mac.length), mac])
}

function canonicalWire(name: string): Buffer | undefined {
  const wire = nameToWire(name)
  return wire.ok ? lowerWire(wire.value) : undefined
}

// Canonical form (RFC 4034 §6.2): ASCII letters lowercased; length octets are below 64.
function lowerWire(wire: Uint8Array): Buffer {
  return Buffer.from(wire.map((b) => (b >= 0x41 && b <= 0x5a ? b + 32 : b)))
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(n & 0xffff)
  return b
}

function time48(seconds: number): Buffer {
  const b = Buffer.alloc(6)
  b.writeUInt16BE(Math.floor(seconds / 2 ** 32) & 0xffff, 0)
  b.writeUInt32BE((seconds % 2 ** 32) >>> 0, 2)
  return b
}
