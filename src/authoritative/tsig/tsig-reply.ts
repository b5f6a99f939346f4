/**
 * Replies to TSIG-signed requests (RFC 8945 §5.3): signed with the request's MAC when the
 * request verified, and the error replies of §5.3.2 when it did not — BADKEY and BADSIG with
 * an empty MAC, BADTIME signed and carrying the server's time in Other Data (§5.2.3).
 */
import { Flag, HEADER_SIZE, Rcode } from '../../dns/constants.ts'
import { MessageWriter } from '../../dns/message-writer.ts'
import type { MessageHeader } from '../../dns/query.ts'
import { Secret } from '../../core/auth/secret.ts'
import {
  signMessage,
  TSIG_ALGORITHMS,
  TsigRcode,
  type TsigAlgorithm,
  type KeyLookup,
  type TsigError,
  type TsigKey,
} from '../../dns/tsig.ts'
import { locateTsig, readTsig } from '../../dns/tsig-record.ts'
import { headerOnly, writeHeader } from '../answer/response-writer.ts'

/** The question (zone) entry to echo in a reply. */
export interface ReplyParts {
  readonly zoneWire: Buffer
  readonly zoneType: number
  readonly zoneClass: number
}

/** A reply to a verified request: header, the echoed entry, a TSIG over it all. */
export function signedReply(
  request: Uint8Array,
  rcode: number,
  key: TsigKey,
  requestMac: Uint8Array,
  now: number,
  parts?: ReplyParts,
): Buffer {
  const w = new MessageWriter(512)
  w.bytes(Buffer.alloc(HEADER_SIZE))
  if (parts !== undefined) {
    w.name(parts.zoneWire)
    w.u16(parts.zoneType)
    w.u16(parts.zoneClass)
  }
  const view = Buffer.from(request.buffer, request.byteOffset, request.length)
  const opcode = (view.readUInt16BE(2) >> 11) & 0x0f
  const flags = Flag.QR | (opcode << 11) | (rcode & 0x0f)
  writeHeader(w, view.readUInt16BE(0), flags, [parts === undefined ? 0 : 1, 0, 0, 0], 0)
  const signed = signMessage(w.finish(), key, { now, requestMac })
  // Signing fails only for a key name that cannot be written, which config loading rejects.
  return signed.ok ? signed.value.message : headerOnlyFrom(view, Rcode.SERVFAIL)
}

/** The reply to a request whose TSIG failed: REFUSED unsigned, NOTAUTH with a TSIG error. */
export function refuseTsig(
  raw: Uint8Array,
  header: MessageHeader,
  error: TsigError,
  lookup: KeyLookup,
  now: number,
): Buffer {
  if (error.code === 'unsigned') return headerOnly(header, Rcode.REFUSED)
  if (error.code === 'malformed') return headerOnly(header, Rcode.FORMERR)
  const at = locateTsig(raw)
  const record = at.ok && at.value !== undefined ? readTsig(raw, at.value) : undefined
  if (record === undefined || !record.ok) return headerOnly(header, Rcode.NOTAUTH)
  const r = record.value
  const known = error.code === 'BADTIME' ? lookup(r.keyName, r.algorithm) : undefined
  // BADKEY and BADSIG replies carry no MAC, so no secret is needed (RFC 8945 §5.3.2).
  const key: TsigKey = known ?? {
    name: r.keyName,
    algorithm: algorithmOf(r.algorithm),
    secret: new Secret(''),
  }
  const code =
    known !== undefined
      ? TsigRcode.BADTIME
      : error.code === 'BADKEY'
        ? TsigRcode.BADKEY
        : TsigRcode.BADSIG
  const bare = headerOnly(header, Rcode.NOTAUTH)
  // BADTIME is signed with the request's key and MAC, our clock in Other Data (§5.2.3).
  const signed = signMessage(bare, key, {
    now,
    error: code,
    ...(known === undefined ? {} : { requestMac: r.mac, otherData: time48(now) }),
  })
  return signed.ok ? signed.value.message : bare
}

function algorithmOf(wire: string): TsigAlgorithm {
  const found = Object.entries(TSIG_ALGORITHMS).find(([, a]) => a.wire === wire)
  return (found?.[0] as TsigAlgorithm | undefined) ?? 'hmac-sha256'
}

function time48(seconds: number): Buffer {
  const b = Buffer.alloc(6)
  const s = Math.floor(seconds)
  b.writeUInt16BE(Math.floor(s / 2 ** 32) & 0xffff, 0)
  b.writeUInt32BE((s % 2 ** 32) >>> 0, 2)
  return b
}

function headerOnlyFrom(view: Buffer, rcode: number): Buffer {
  const w = new MessageWriter(HEADER_SIZE)
  w.bytes(Buffer.alloc(HEADER_SIZE))
  const flags = Flag.QR | (view.readUInt16BE(2) & 0x7800) | rcode
  writeHeader(w, view.readUInt16BE(0), flags, [0, 0, 0, 0], 0)
  return w.finish()
}
