/** The generated zone file of the zone-file and zone-import benchmarks. */
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'

/** The zone the generated file is for (no trailing dot). */
export const BENCH_ZONE_FILE_ORIGIN = 'bench.example.test'
const ZONE = BENCH_ZONE_FILE_ORIGIN

// Every 1000th name a delegation, its glue ten names later (in-zone targets all exist, so
// named-checkzone looks nothing up); the rest SRV records.
function service(i: number): string {
  if (i % 1000 === 9) return `sub${i} NS ns1.sub${i}`
  if (i % 1000 === 19) return `ns1.sub${i - 10} A 10.255.${(i >> 8) & 255}.${i & 255}`
  return `_sip._tcp.s${i} SRV 10 60 5060 host${i - 9}`
}

/**
 * Writes a zone file of `count` records (plus SOA, NS and the name server's A and AAAA) as
 * operators write them: relative names, $TTL, blank owners, comments, several types.
 */
export async function generateZoneFile(file: string, count: number): Promise<void> {
  const out = createWriteStream(file)
  const put = async (line: string): Promise<void> => {
    if (!out.write(`${line}\n`)) await once(out, 'drain')
  }
  await put(`$ORIGIN ${ZONE}.`)
  await put('$TTL 1h')
  await put('@ IN SOA ns1 hostmaster ( 1 3h 15m 1w 1h )')
  await put('  IN NS ns1')
  await put('ns1 IN A 192.0.2.53')
  await put('ns1 IN AAAA 2001:db8::53')
  for (let i = 0; i < count; i++) {
    const a = `${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
        await put(`host${i} 300 IN A 10.${a}`)
        break
      case 5:
        await put(`host${i} IN AAAA 2001:db8::${(i & 0xffff).toString(16)}`)
        break
      case 6:
        await put(`txt${i} TXT "v=spf1 ip4:10.${a} -all" ; a comment`)
        break
      case 7:
        await put(`mx${i} MX 10 host${i - 7}`)
        break
      case 8:
        await put(`alias${i} CNAME host${i - 8}`)
        break
      default:
        await put(service(i))
    }
  }
  out.end()
  await finished(out)
}
