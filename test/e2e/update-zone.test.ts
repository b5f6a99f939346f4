/**
 * UPDATE writes whole zones: `nsupdate -k` and `knsupdate` add and delete a wildcard, a CNAME,
 * an MX, a delegation with glue (and its DS) and brand-new names; `dig` reads them back; a
 * BIND secondary follows every change by IXFR (asked IXFR, not AXFR). UPDATEs that break the
 * zone's rules or a key's grants are refused with a logged reason and change nothing (the SOA
 * serial stays); a CNAME beside other data is ignored as RFC 2136 §3.4.2.2 and BIND do.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startBind } from '../helpers/bind.ts'
import { startBindSecondary, type Secondary } from '../helpers/bind-secondary.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort } from '../helpers/free-port.ts'
import { digShort, run } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const HOST = `home.${ZONE}`
/** A DS of the delegated child (RFC 4034 §5.4 example digest, SHA-256). */
const DS = '60485 8 2 D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A'

/** Polls until `check` holds, for at most `timeoutMs`; fails with `describe()` otherwise. */
async function eventually(
  check: () => Promise<boolean>,
  describe: () => string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  assert.fail(`condition not met within ${String(timeoutMs)} ms\n${describe()}`)
}

describe('UPDATE creates and deletes names of any type', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-update-zone-'))
  const fullKey = join(dir, 'full.key')
  const hostKey = join(dir, 'host.key')
  let dynzone: DynzoneProcess
  let bind: Secondary
  let port = 0
  let script = 0
  let fullSecret = ''

  /** Runs one update script through `client`; returns exit code and output. */
  async function update(
    client: 'nsupdate' | 'knsupdate',
    lines: readonly string[],
    key = fullKey,
    at = port,
  ) {
    const file = join(dir, `script-${String(++script)}.txt`)
    const head = [`server 127.0.0.1 ${String(at)}`, `zone ${ZONE}.`]
    writeFileSync(file, [...head, ...lines, 'send', ''].join('\n'))
    const args = client === 'nsupdate' ? ['-k', key] : ['-y', `hmac-sha256:full-key:${fullSecret}`]
    const r = await run(client, [...args, file])
    return { code: r.code, output: r.stdout + r.stderr }
  }
  const dig = (name: string, type: string, at = port): Promise<string[]> =>
    digShort('127.0.0.1', at, name, type, ['+norec']).then((v) => v.sort())
  const serial = async (at = port): Promise<number> =>
    Number((await dig(ZONE, 'SOA', at))[0]?.split(' ')[2])
  /** The referral `dig +norec` gets for a name below the delegation: authority NS lines. */
  const referral = async (name: string): Promise<string[]> => {
    const r = await run('dig', [
      '@127.0.0.1',
      '-p',
      String(port),
      name,
      'A',
      '+norec',
      '+noall',
      '+authority',
      '+additional',
    ])
    return r.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) =>
        l
          .split(/\s+/)
          .filter((_, i) => i !== 1)
          .join(' '),
      )
      .sort()
  }
  const logs = (): string => `dynzone:\n${dynzone.stdout()}\nbind:\n${bind.log()}`

  before(async () => {
    for (const [file, name] of [
      [fullKey, 'full-key'],
      [hostKey, 'host-key'],
    ] as const) {
      const r = await run('tsig-keygen', ['-a', 'hmac-sha256', name])
      assert.equal(r.code, 0, r.stderr)
      writeFileSync(file, r.stdout)
    }
    fullSecret = /secret "([^"]+)"/.exec(readFileSync(fullKey, 'utf8'))?.[1] ?? ''
    port = await freePort()
    bind = await startBindSecondary(ZONE, port)
    const config = join(dir, 'dynzone.toml')
    writeFileSync(
      config,
      `data_dir = "${join(dir, 'data')}"
[http]
port = 0
[dns]
port = ${String(port)}
allow_transfer = ["127.0.0.1/32"]
notify = ["127.0.0.1:${String(bind.port)}"]
[[dns.update_keys]]
name = "full-key"
key_file = "${fullKey}"
grant = [{ name = "${ZONE}", match = "subdomain" }]
[[dns.update_keys]]
name = "host-key"
key_file = "${hostKey}"
grant = [{ name = "${HOST}", match = "subdomain", types = ["A", "AAAA", "TXT", "MX"] }]
[[zones]]
name = "${ZONE}"
ns = ["ns1.example.net"]
`,
    )
    for (const args of [
      ['user', 'add', 'owner'],
      ['host', 'add', HOST, '--user', 'owner'],
    ]) {
      const r = await runDynzone(['--config', config, ...args], dir)
      assert.equal(r.code, 0, r.stderr)
    }
    dynzone = startDynzone(['serve', '--config', config], dir)
    await dynzone.waitFor(/DNS server listening/)
    await eventually(async () => (await serial(bind.port)) === (await serial()), logs)
  })

  after(async () => {
    await dynzone.stop()
    await bind.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  for (const client of ['nsupdate', 'knsupdate'] as const) {
    it(`${client} adds a wildcard, a CNAME, an MX, a delegation with glue and DS, new names`, async () => {
      const r = await update(client, [
        `update add *.w.${ZONE}. 300 A 192.0.2.80`,
        `update add www.${ZONE}. 300 CNAME ${HOST}.`,
        `update add ${ZONE}. 300 MX 10 mail.${ZONE}.`,
        `update add mail.${ZONE}. 300 A 192.0.2.25`,
        `update add mail.${ZONE}. 300 TXT "v=spf1 -all"`,
        `update add sub.${ZONE}. 300 NS ns1.sub.${ZONE}.`,
        `update add ns1.sub.${ZONE}. 300 A 192.0.2.53`,
        `update add sub.${ZONE}. 300 DS ${DS}`,
        `update add _sip._tcp.${ZONE}. 300 SRV 10 5 5060 mail.${ZONE}.`,
      ])
      assert.equal(r.code, 0, r.output + logs())
      assert.deepEqual(await dig(`anything.w.${ZONE}`, 'A'), ['192.0.2.80'])
      assert.deepEqual(await dig(`www.${ZONE}`, 'CNAME'), [`${HOST}.`])
      assert.deepEqual(await dig(ZONE, 'MX'), [`10 mail.${ZONE}.`])
      assert.deepEqual(await dig(`mail.${ZONE}`, 'A'), ['192.0.2.25'])
      assert.deepEqual(await dig(`mail.${ZONE}`, 'TXT'), ['"v=spf1 -all"'])
      assert.deepEqual(await dig(`_sip._tcp.${ZONE}`, 'SRV'), [`10 5 5060 mail.${ZONE}.`])
      // dig splits a long digest into groups: compared without the spaces.
      const ds = (await dig(`sub.${ZONE}`, 'DS')).map((v) =>
        v.replace(
          /^((?:\S+ ){3})(.*)$/,
          (_, head: string, digest: string) => head + digest.replace(/ /g, ''),
        ),
      )
      assert.deepEqual(ds, [DS])
      assert.deepEqual(await referral(`host.sub.${ZONE}`), [
        `ns1.sub.${ZONE}. IN A 192.0.2.53`,
        `sub.${ZONE}. IN NS ns1.sub.${ZONE}.`,
      ])
    })

    it(`a BIND secondary follows ${client}'s changes by IXFR`, async () => {
      const want = await serial()
      await eventually(
        async () =>
          (await serial(bind.port)) === want &&
          (await dig(`mail.${ZONE}`, 'A', bind.port)).join() === '192.0.2.25',
        () => `BIND did not reach serial ${String(want)}\n${logs()}`,
      )
      assert.deepEqual(await dig(ZONE, 'MX', bind.port), [`10 mail.${ZONE}.`])
      assert.deepEqual(await dig(`www.${ZONE}`, 'CNAME', bind.port), [`${HOST}.`])
      // BIND keeps changes received by IXFR in a journal beside the zone file (AXFR writes none).
      assert.ok(existsSync(`${bind.zoneFile}.jnl`), `BIND did not use IXFR\n${bind.log()}`)
    })

    it(`refused ${client} UPDATEs change nothing (serial unchanged) and are logged`, async () => {
      const before = await serial()
      const refusals: [string, RegExp][] = [
        // Data below a delegation that is not glue.
        [`update add www.sub.${ZONE}. 300 TXT "hidden"`, /REFUSED/],
        // DS away from a delegation.
        [`update add mail.${ZONE}. 300 DS ${DS}`, /REFUSED/],
        // NS at the apex: they come from the config.
        [`update add ${ZONE}. 300 NS ns9.example.net.`, /REFUSED/],
      ]
      for (const [line, rcode] of refusals) {
        const r = await update(client, [line])
        assert.match(r.output, rcode, line)
      }
      // All or nothing: a valid change beside a refused one is not made either.
      const mixed = await update(client, [
        `update add fresh.${ZONE}. 300 A 192.0.2.99`,
        `update add deep.www.sub.${ZONE}. 300 A 192.0.2.98`,
      ])
      assert.match(mixed.output, /REFUSED/)
      assert.deepEqual(await dig(`fresh.${ZONE}`, 'A'), [])
      // A key granted its host only: no MX at the apex, no brand-new name.
      if (client === 'nsupdate') {
        const narrow = await update(client, [`update add ${ZONE}. 300 MX 20 mx2.${ZONE}.`], hostKey)
        assert.match(narrow.output, /REFUSED/)
      }
      assert.equal(await serial(), before)
      assert.match(
        dynzone.stdout(),
        /"owner":"www\.sub\.dyn\.example\.test".*DNS UPDATE not applied/,
      )
    })

    it(`${client}: a CNAME beside other data, and other data beside a CNAME, are ignored (RFC 2136 §3.4.2.2)`, async () => {
      const before = await serial()
      const r = await update(client, [
        `update add mail.${ZONE}. 300 CNAME ${HOST}.`,
        `update add www.${ZONE}. 300 TXT "beside a CNAME"`,
      ])
      assert.equal(r.code, 0, r.output)
      assert.deepEqual(await dig(`mail.${ZONE}`, 'CNAME'), [])
      assert.deepEqual(await dig(`www.${ZONE}`, 'CNAME'), [`${HOST}.`])
      assert.equal(await serial(), before)
    })

    it(`${client} deletes them all again`, async () => {
      const r = await update(client, [
        `update delete *.w.${ZONE}.`,
        `update delete www.${ZONE}. CNAME`,
        `update delete ${ZONE}. MX 10 mail.${ZONE}.`,
        `update delete mail.${ZONE}.`,
        `update delete sub.${ZONE}. DS`,
        `update delete sub.${ZONE}. NS`,
        `update delete ns1.sub.${ZONE}. A`,
        `update delete _sip._tcp.${ZONE}. SRV`,
      ])
      assert.equal(r.code, 0, r.output + logs())
      assert.deepEqual(await dig(`anything.w.${ZONE}`, 'A'), [])
      assert.deepEqual(await dig(`www.${ZONE}`, 'CNAME'), [])
      assert.deepEqual(await dig(ZONE, 'MX'), [])
      assert.deepEqual(await dig(`mail.${ZONE}`, 'A'), [])
      assert.deepEqual(await dig(`sub.${ZONE}`, 'NS'), [])
      // The apex NS come from the config: deleting every NS at the apex leaves them (§3.4.2.4).
      const apex = await update(client, [`update delete ${ZONE}. NS`])
      assert.equal(apex.code, 0, apex.output)
      assert.deepEqual(await dig(ZONE, 'NS'), ['ns1.example.net.'])
      const want = await serial()
      await eventually(async () => (await serial(bind.port)) === want, logs)
      assert.deepEqual(await dig(`www.${ZONE}`, 'CNAME', bind.port), [])
    })
  }

  it('answers and applies as BIND does where RFC 2136 §3.4.2 leaves room (same UPDATEs, same result)', async () => {
    const primary = await startBind(
      [{ name: 'full-key', algorithm: 'hmac-sha256', secret: fullSecret }],
      [{ name: ZONE, keys: ['full-key'] }],
    )
    try {
      const steps = [
        [`update add cmp.${ZONE}. 300 A 192.0.2.1`],
        // A CNAME beside other data, other data beside a CNAME: both ignored.
        [`update add cmp.${ZONE}. 300 CNAME x.example.net.`],
        [`update add cname.${ZONE}. 300 CNAME x.example.net.`],
        [`update add cname.${ZONE}. 300 TXT "beside"`],
        // A CNAME where a CNAME is replaces it.
        [`update add cname.${ZONE}. 300 CNAME y.example.net.`],
        [
          `prereq yxdomain cmp.${ZONE}.`,
          `prereq nxrrset cmp.${ZONE}. A`,
          `update delete cmp.${ZONE}.`,
        ],
        // Deleting the apex NS RRset is ignored.
        [`update delete ${ZONE}. NS`],
        [`update add two.${ZONE}. 300 TXT "a"`, `update delete two.${ZONE}. TXT "a"`],
      ]
      const rcode = (output: string): string =>
        /update failed: (\w+)/.exec(output)?.[1] ?? 'NOERROR'
      for (const step of steps) {
        const ours = await update('nsupdate', step)
        const bind = await update('nsupdate', step, fullKey, primary.port)
        assert.equal(rcode(ours.output), rcode(bind.output), step.join('; '))
      }
      for (const [name, type] of [
        [`cmp.${ZONE}`, 'A'],
        [`cmp.${ZONE}`, 'CNAME'],
        [`cname.${ZONE}`, 'CNAME'],
        [`cname.${ZONE}`, 'TXT'],
        [`two.${ZONE}`, 'TXT'],
      ] as const) {
        assert.deepEqual(
          await dig(name, type),
          await dig(name, type, primary.port),
          `${name} ${type}`,
        )
      }
      assert.ok((await dig(ZONE, 'NS')).length > 0)
      assert.ok((await dig(ZONE, 'NS', primary.port)).length > 0)
    } finally {
      await primary.stop()
    }
  })
})
