/**
 * `dynzone zone export` (and, below, `zone import`), in-process against a SQLite data
 * directory: the exported master file is what the backends are given (the config's SOA, NS
 * and `ns_addresses`, the hosts' records), `named-checkzone` and Knot's zone check accept it.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { runInProcess } from '../helpers/dynzone-cli.ts'
import { knotZonecheck, namedCheckzone } from '../helpers/zone-check.ts'

const ZONE = 'dyn.example.test'
const CONFIG = `data_dir = "./data"
[demo]
enabled = false
[[zones]]
name = "${ZONE}"
backend = "builtin"
ttl = 60
ns = ["ns1.${ZONE}", "ns.example.net"]
[[zones.ns_addresses]]
name = "ns1.${ZONE}"
addresses = ["192.0.2.53", "2001:db8::53"]
`

describe('dynzone zone export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-zone-files-'))
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  writeFileSync(join(dir, 'dynzone.toml'), CONFIG)
  const cli = (...args: string[]) => runInProcess(args, dir)
  const ok = async (...args: string[]): Promise<string> => {
    const r = await cli(...args)
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }

  it('writes the served zone, which named-checkzone and kzonecheck accept', async () => {
    await ok('user', 'add', 'alice')
    await ok(
      'host',
      'add',
      `home.${ZONE}`,
      '--user',
      'alice',
      '--ipv4',
      '198.51.100.7',
      '--ipv6',
      '2001:db8::7',
    )
    await ok(
      'host',
      'add',
      `nas.${ZONE}`,
      '--user',
      'alice',
      '--ipv4',
      '198.51.100.8',
      '--ttl',
      '300',
    )
    const text = await ok('zone', 'export', ZONE)
    const lines = text
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith(';') && !l.startsWith('$'))
    assert.match(
      lines[0] ?? '',
      new RegExp(
        `^${ZONE}\\.\\t60\\tIN\\tSOA\\tns1\\.${ZONE}\\. hostmaster\\.${ZONE}\\. \\d+ 3600 600 1209600 60$`,
      ),
    )
    assert.deepEqual(
      lines.slice(1).map((l) => l.replaceAll('\t', ' ')),
      [
        `${ZONE}. 60 IN NS ns.example.net.`,
        `${ZONE}. 60 IN NS ns1.${ZONE}.`,
        `home.${ZONE}. 60 IN A 198.51.100.7`,
        `home.${ZONE}. 60 IN AAAA 2001:db8::7`,
        `nas.${ZONE}. 300 IN A 198.51.100.8`,
        `ns1.${ZONE}. 60 IN A 192.0.2.53`,
        `ns1.${ZONE}. 60 IN AAAA 2001:db8::53`,
      ],
    )
    assert.match(
      await ok('zone', 'export', ZONE, 'out.zone'),
      /^exported dyn\.example\.test: 8 records at serial \d+ to out\.zone\n$/,
    )
    const path = join(dir, 'out.zone')
    assert.equal(readFileSync(path, 'latin1'), text)
    const bind = await namedCheckzone(ZONE, path)
    assert.equal(bind.code, 0, bind.output)
    const knot = await knotZonecheck(ZONE, path)
    assert.equal(knot.code, 0, knot.output)
  })

  it('refuses a zone that is not served, and a bad name', async () => {
    const other = await cli('zone', 'export', 'other.example.test')
    assert.deepEqual(
      [other.code, other.stderr],
      [66, 'dynzone: zone other.example.test is not served (see: dynzone zone list)\n'],
    )
    const bad = await cli('zone', 'export', 'not a name')
    assert.equal(bad.code, 65)
    assert.match(bad.stderr, /^dynzone: zone: /)
  })
})
