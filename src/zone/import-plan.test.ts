import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import {
  planListing,
  planZoneImport,
  type ContentSource,
  type CurrentRRset,
} from './import-plan.ts'
import type { RRset } from './rrset.ts'
import { loadZone } from './zone-file.ts'
import { formatProblem } from './zone-reader.ts'

const ORIGIN = 'example.test.'

async function rrsets(text: string): Promise<RRset[]> {
  const loaded = await loadZone(Readable.from([Buffer.from(`$TTL 60\n${text}`)]), {
    origin: ORIGIN,
    file: 'z',
  })
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.error.map(formatProblem).join('\n'))
  return [...loaded.value.rrsets]
}

/** The zone's content: `config`, `host` and `static` parts, each as zone-file text. */
async function zone(parts: Partial<Record<ContentSource, string>>): Promise<CurrentRRset[]> {
  const out: CurrentRRset[] = []
  for (const [source, text] of Object.entries(parts) as [ContentSource, string][])
    for (const rrset of await rrsets(text)) out.push({ rrset, source })
  return out
}

const CONFIG = '@ SOA ns1 hostmaster 7 3600 600 86400 60\n@ NS ns1\nns1 A 192.0.2.53\n'
const HOST = 'home A 198.51.100.1\nhome TXT "dyn"\n'

async function listing(current: CurrentRRset[], file: string): Promise<string[]> {
  return [...planListing(planZoneImport(ORIGIN, current, await rrsets(file)))].map((l) =>
    l.replaceAll('\t', ' '),
  )
}

describe('zone import plan', () => {
  it('an export of the zone read back changes nothing and says nothing', async () => {
    const statics = 'www CNAME home\n@ MX 10 mail\nmail A 192.0.2.25\n'
    const current = await zone({ config: CONFIG, host: HOST, static: statics })
    assert.deepEqual(await listing(current, CONFIG + HOST + statics), [
      '0 RRsets added, 0 removed, 0 changed, 3 unchanged (0 records in, 0 records out)',
    ])
  })

  it('adds, removes and changes static RRsets, in name order', async () => {
    const current = await zone({
      config: CONFIG,
      host: HOST,
      static: 'old MX 10 mail\nmail A 192.0.2.25\nwww CNAME home\n',
    })
    const file = `${CONFIG}${HOST}mail A 192.0.2.26\nmail A 192.0.2.25\nwww CNAME home\n*.w 300 TXT "x"\n@ CAA 0 issue "ca.test"\n`
    assert.deepEqual(
      await listing(current, file),
      [
        '+ example.test. 60 IN CAA 0 issue "ca.test"',
        '+ mail.example.test. 60 IN A 192.0.2.26',
        '- old.example.test. 60 IN MX 10 mail.example.test.',
        '+ *.w.example.test. 300 IN TXT "x"',
        '2 RRsets added, 1 removed, 1 changed, 1 unchanged (3 records in, 1 record out)',
      ].map((l) => l),
    )
  })

  it("leaves a host's dynamic records and the config's apex to them, saying so", async () => {
    const current = await zone({ config: CONFIG, host: HOST })
    const file =
      '@ SOA ns1 hostmaster 2024010101 3600 600 86400 60\n@ NS ns9.example.net.\n' +
      'ns1 A 192.0.2.99\nhome A 198.51.100.9\nhome TXT "dyn"\nhome MX 10 mail.example.net.\n'
    assert.deepEqual(await listing(current, file), [
      '+ home.example.test. 60 IN MX 10 mail.example.net.',
      "; example.test. SOA: not imported: the zone's SOA comes from the config and its serial from dynzone; the file's serial 2024010101 (the zone's serial is 7) is not taken",
      "; example.test. NS: not imported: the apex NS come from the config ([[zones]] ns), which the file's differ from",
      "; ns1.example.test. A: not imported: the config gives this RRset (ns_addresses); the file's differs",
      "; home.example.test. A: not imported: a host's own A records stay dynamic (its client sets them); the file's differ",
      '1 RRset added, 0 removed, 0 changed, 0 unchanged (1 record in, 0 records out)',
    ])
  })

  it('a TTL alone changes an RRset', async () => {
    const current = await zone({ static: 'mail A 192.0.2.25\n' })
    assert.deepEqual(await listing(current, 'mail 120 A 192.0.2.25\n'), [
      '- mail.example.test. 60 IN A 192.0.2.25',
      '+ mail.example.test. 120 IN A 192.0.2.25',
      '0 RRsets added, 0 removed, 1 changed, 0 unchanged (1 record in, 1 record out)',
    ])
  })
})
