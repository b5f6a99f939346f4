/**
 * Whole zones as data: the master-file reader and writer (RFC 1035 §5), the rdata codec of
 * every type a zone holds here, and the content rules a zone must follow. Pure apart from
 * `zone-file.ts`, which reads and writes streams. See README.md for what is implemented.
 */
export * from './rr-types.ts'
export * from './rdata-parse.ts'
export * from './rdata-format.ts'
export * from './rrset.ts'
export * from './zone-reader.ts'
export * from './zone-rules.ts'
export * from './zone-writer.ts'
export * from './zone-file.ts'
