/**
 * Zone files on streams: reading one into RRsets and writing RRsets out, the entry points a
 * caller needs. The input is read line by line (`node:readline`), so only the RRsets (wire
 * rdata) are held, never the text.
 */
import { open } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { once } from 'node:events'
import type { Readable, Writable } from 'node:stream'
import { err, ok, type Result } from '../core/result.ts'
import { RRsetCollector, type RRset } from './rrset.ts'
import { zoneFileLines } from './zone-writer.ts'
import { ZoneReader, type ZoneFileProblem, type ZoneReadOptions } from './zone-reader.ts'

/** A zone read without errors. */
export interface LoadedZone {
  readonly rrsets: readonly RRset[]
  readonly records: number
  readonly warnings: readonly ZoneFileProblem[]
}

/**
 * Reads every record of `input` (bytes) into RRsets, or every error found (up to the bound).
 * The bytes are read as latin1, one character per octet, so TXT and CAA text keeps the file's
 * exact octets whatever its encoding.
 */
export async function loadZone(
  input: Readable,
  options: ZoneReadOptions,
): Promise<Result<LoadedZone, readonly ZoneFileProblem[]>> {
  input.setEncoding('latin1')
  const lines = createInterface({ input, crlfDelay: Infinity })
  const reader = new ZoneReader(options)
  const collector = new RRsetCollector(options.file)
  let records = 0
  try {
    for await (const record of reader.records(lines)) {
      collector.add(record)
      records++
    }
  } catch (e) {
    // A read error (EISDIR, EIO) is the file's problem, not a bug: reported like the others.
    return err([...reader.errors, { file: options.file, line: 0, message: messageOf(e) }])
  } finally {
    lines.close()
  }
  if (reader.errors.length > 0) return err(reader.errors)
  return ok({ rrsets: collector.rrsets(), records, warnings: collector.warnings })
}

/** `loadZone` over a file; a file that cannot be opened is one error at line 0. */
export async function loadZoneFile(
  path: string,
  origin: string,
  maxErrors?: number,
): Promise<Result<LoadedZone, readonly ZoneFileProblem[]>> {
  let input: Readable
  try {
    input = (await open(path)).createReadStream()
  } catch (e) {
    return err([{ file: path, line: 0, message: messageOf(e) }])
  }
  const options =
    maxErrors === undefined ? { origin, file: path } : { origin, file: path, maxErrors }
  return loadZone(input, options)
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** Writes the canonical zone file of `rrsets` to `output`, waiting when the stream is full. */
export async function writeZone(
  output: Writable,
  origin: string,
  rrsets: readonly RRset[],
): Promise<void> {
  for (const line of zoneFileLines(origin, rrsets)) {
    if (!output.write(`${line}\n`, 'latin1')) await once(output, 'drain')
  }
}
