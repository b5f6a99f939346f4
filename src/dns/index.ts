/**
 * dynzone's DNS wire codec.
 *
 * Implements the message format of RFC 1035 §4 (header, question, resource records, name
 * compression §4.1.4, TCP framing §4.2.2), AAAA (RFC 3596), EDNS(0) and the OPT record
 * (RFC 6891), SRV (RFC 2782), CAA (RFC 8659), unknown-type text (RFC 3597) and ASCII
 * case-insensitive names (RFC 4343).
 *
 * Hand-written on purpose: the authoritative hot path answers from rdata bytes computed once
 * when a zone changes, and parses a query in place without building objects for sections it
 * does not need. General DNS libraries decode every message into objects and re-encode each
 * answer, which is the work this design avoids.
 *
 * Not implemented here: TSIG (RFC 8945), DNSSEC types, relative names and `$ORIGIN` in
 * values (names in values are always absolute), rdata compression on output (names in rdata
 * are written uncompressed so the bytes can be shared by every answer).
 */
export * from './constants.ts'
export * from './wire-error.ts'
export * from './name-text.ts'
export * from './name-wire.ts'
export * from './message-writer.ts'
export * from './query.ts'
export * from './encode-query.ts'
export * from './ip-address.ts'
export * from './character-string.ts'
export * from './rdata-encode.ts'
export * from './rdata-decode.ts'
export * from './decode-message.ts'
