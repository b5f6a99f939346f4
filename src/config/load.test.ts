import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, it } from 'node:test'
import { inspect } from 'node:util'
import type { ReadFile } from './config-file.ts'
import { CONFIG_EXIT_CODE, type ConfigError } from './errors.ts'
import { loadConfig, type LoadedConfig } from './load.ts'
import type { ConfigFlags } from './overrides.ts'
import { configSchema, ZONE_BACKENDS } from './schema.ts'

type Env = Record<string, string | undefined>

const VALUE = 's3cret-pepper-value'

const tempDirs: string[] = []
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
})

/** A temp working directory holding `files`, and a reader that sees only it and `extra`. */
function sandbox(files: Record<string, string>, extra: Record<string, string>) {
  const cwd = mkdtempSync(join(tmpdir(), 'dynzone-config-'))
  tempDirs.push(cwd)
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(cwd, name)), { recursive: true })
    writeFileSync(join(cwd, name), text)
  }
  const readFile: ReadFile = (path) => {
    const fake = extra[path]
    if (fake !== undefined) return fake
    // Keeps the host's own /etc/dynzone out of the tests.
    if (!path.startsWith(cwd + '/')) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
    return readFileSync(path, 'utf8')
  }
  return { cwd, readFile }
}

function load(
  files: Record<string, string> = {},
  env: Env = {},
  flags: ConfigFlags = {},
  extra: Record<string, string> = {},
) {
  const box = sandbox(files, extra)
  return { box, result: loadConfig({ flags, env, cwd: box.cwd, readFile: box.readFile }) }
}

function loaded(...args: Parameters<typeof load>): LoadedConfig {
  const { result } = load(...args)
  if (!result.ok) assert.fail(`expected a config, got:\n${result.error.message}`)
  return result.value
}

function failed(...args: Parameters<typeof load>): ConfigError {
  const { result } = load(...args)
  if (result.ok) assert.fail('expected a config error')
  return result.error
}

void describe('loadConfig: sources', () => {
  void it('runs on defaults alone when there is no file', () => {
    const { config, source } = loaded()
    assert.equal(source, null)
    assert.deepEqual(config, configSchema.parse({}))
    const zone = config.zones[0]!
    assert.equal(zone.name, 'dyn.example.test')
    assert.equal(zone.backend, 'builtin')
    assert.equal(config.demo.enabled, true)
  })

  void it('reads ./dynzone.toml from the working directory', () => {
    const { box, result } = load({ 'dynzone.toml': '[http]\nport = 9000\n' })
    assert.ok(result.ok)
    assert.equal(result.value.config.http.port, 9000)
    assert.equal(result.value.source, join(box.cwd, 'dynzone.toml'))
  })

  void it('falls back to /etc/dynzone/dynzone.toml', () => {
    const etc = { '/etc/dynzone/dynzone.toml': 'data_dir = "/var/lib/dynzone"\n' }
    const { config, source } = loaded({}, {}, {}, etc)
    assert.equal(source, '/etc/dynzone/dynzone.toml')
    assert.equal(config.data_dir, '/var/lib/dynzone')
    assert.equal(config.database.path, '/var/lib/dynzone/dynzone.sqlite')
  })

  void it('prefers ./dynzone.toml over /etc, and --config over both', () => {
    const etc = { '/etc/dynzone/dynzone.toml': '[dns]\nport = 1\n' }
    const files = { 'dynzone.toml': '[dns]\nport = 2\n', 'conf/other.toml': '[dns]\nport = 3\n' }
    assert.equal(loaded(files, {}, {}, etc).config.dns.port, 2)
    const explicit = loaded(files, {}, { config: 'conf/other.toml' }, etc)
    assert.equal(explicit.config.dns.port, 3)
    assert.ok(explicit.source?.endsWith('/conf/other.toml'))
  })

  void it('reads every section from the file', () => {
    const { config } = loaded({
      'dynzone.toml': `
data_dir = "/srv/dz"
[http]
listen = "::"
port = 80
trusted_proxies = ["10.0.0.0/8", "192.168.1.1", "2001:DB8::/32"]
[dns]
enabled = false
[database]
path = "/db/dz.sqlite"
[security]
pepper = "p3pper-from-file"
password_cache_seconds = 0
[log]
level = "debug"
[update]
max_hosts = 5
[[zones]]
name = "Dyn.Example.COM."
ttl = 300
[[zones]]
name = "bücher.test"
ns = ["ns.example.net", "ns2.example.net"]
soa_rname = "admin.example.net"
`,
    })
    assert.equal(config.http.listen, '::')
    assert.deepEqual(config.http.trusted_proxies, ['10.0.0.0/8', '192.168.1.1/32', '2001:db8::/32'])
    assert.equal(config.dns.enabled, false)
    assert.equal(config.database.path, '/db/dz.sqlite')
    assert.equal(config.security.pepper?.reveal(), 'p3pper-from-file')
    assert.equal(config.security.password_cache_seconds, 0)
    assert.equal(config.log.level, 'debug')
    assert.equal(config.update.max_hosts, 5)
    assert.equal(config.update.answer_deadline_ms, 3000)
    assert.deepEqual(config.zones[0], {
      name: 'dyn.example.com',
      backend: 'builtin',
      ttl: 300,
      ns: ['ns1.dyn.example.com'],
      soa_rname: 'hostmaster.dyn.example.com',
      ns_addresses: [],
      refresh: 3600,
      retry: 600,
      expire: 1209600,
      minimum: 60,
      serial_scheme: 'unixtime',
      settings: null,
    })
    const idn = config.zones[1]!
    assert.equal(idn.name, 'xn--bcher-kva.test')
    assert.deepEqual(idn.ns, ['ns.example.net', 'ns2.example.net'])
    assert.equal(idn.soa_rname, 'admin.example.net')
  })

  void it('serves no zones when the file says zones = []', () => {
    assert.deepEqual(loaded({ 'dynzone.toml': 'zones = []\n' }).config.zones, [])
  })

  void it('returns a deeply frozen config', () => {
    const { config } = loaded()
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.http))
    assert.ok(Object.isFrozen(config.zones) && Object.isFrozen(config.zones[0]?.ns))
    assert.throws(() => {
      ;(config.http as { port: number }).port = 1
    }, TypeError)
  })
})

void describe('loadConfig: environment', () => {
  const cases: {
    name: string
    env: Env
    check: (c: LoadedConfig['config']) => unknown
    want: unknown
  }[] = [
    { name: 'number', env: { DYNZONE_HTTP_PORT: '8080' }, check: (c) => c.http.port, want: 8080 },
    {
      name: 'data_dir (underscore key)',
      env: { DYNZONE_DATA_DIR: '/srv/x' },
      check: (c) => c.data_dir,
      want: '/srv/x',
    },
    {
      name: 'password_cache_seconds (underscores)',
      env: { DYNZONE_SECURITY_PASSWORD_CACHE_SECONDS: '60' },
      check: (c) => c.security.password_cache_seconds,
      want: 60,
    },
    {
      name: 'answer_deadline_ms',
      env: { DYNZONE_UPDATE_ANSWER_DEADLINE_MS: '250' },
      check: (c) => c.update.answer_deadline_ms,
      want: 250,
    },
    {
      name: 'boolean',
      env: { DYNZONE_DNS_ENABLED: 'false' },
      check: (c) => c.dns.enabled,
      want: false,
    },
    { name: 'enum', env: { DYNZONE_LOG_LEVEL: 'trace' }, check: (c) => c.log.level, want: 'trace' },
    {
      name: 'number or word',
      env: { DYNZONE_DNS_WORKERS: '3' },
      check: (c) => c.dns.workers,
      want: 3,
    },
    {
      name: 'number or word, the word',
      env: { DYNZONE_DNS_WORKERS: 'auto' },
      check: (c) => c.dns.workers,
      want: 'auto',
    },
    {
      name: 'quoted string',
      env: { DYNZONE_LOG_LEVEL: '"warn"' },
      check: (c) => c.log.level,
      want: 'warn',
    },
    {
      name: 'comma-separated array',
      env: { DYNZONE_HTTP_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1' },
      check: (c) => c.http.trusted_proxies,
      want: ['10.0.0.0/8', '192.168.1.1/32'],
    },
    {
      name: 'TOML array',
      env: { DYNZONE_HTTP_TRUSTED_PROXIES: '["::1", "172.16.0.0/12"]' },
      check: (c) => c.http.trusted_proxies,
      want: ['::1/128', '172.16.0.0/12'],
    },
    {
      name: 'empty array',
      env: { DYNZONE_HTTP_TRUSTED_PROXIES: '' },
      check: (c) => c.http.trusted_proxies,
      want: [],
    },
    {
      name: 'IPv6 listen',
      env: { DYNZONE_DNS_LISTEN: '::' },
      check: (c) => c.dns.listen,
      want: '::',
    },
    {
      name: 'PORT sets port and listen',
      env: { PORT: '3000' },
      check: (c) => [c.http.port, c.http.listen],
      want: [3000, '0.0.0.0'],
    },
    {
      name: 'PORT keeps a listen given elsewhere',
      env: { PORT: '3000', DYNZONE_HTTP_LISTEN: '10.1.2.3' },
      check: (c) => [c.http.port, c.http.listen],
      want: [3000, '10.1.2.3'],
    },
    {
      name: 'DYNZONE_HTTP_PORT beats PORT',
      env: { PORT: '3000', DYNZONE_HTTP_PORT: '4000' },
      check: (c) => c.http.port,
      want: 4000,
    },
    {
      name: 'undefined values are unset',
      env: { DYNZONE_HTTP_PORT: undefined },
      check: (c) => c.http.port,
      want: 8245,
    },
    {
      name: 'other variables ignored',
      env: { HOME: '/root', DYNZONEX: '1' },
      check: (c) => c.http.port,
      want: 8245,
    },
  ]
  for (const { name, env, check, want } of cases) {
    void it(name, () => {
      assert.deepEqual(check(loaded({}, env).config), want)
    })
  }

  void it('PORT leaves a listen address from the file alone', () => {
    const { config } = loaded({ 'dynzone.toml': '[http]\nlisten = "::1"\n' }, { PORT: '3000' })
    assert.equal(config.http.listen, '::1')
    assert.equal(config.http.port, 3000)
  })
})

void describe('loadConfig: precedence', () => {
  const file = { 'dynzone.toml': '[http]\nport = 1001\n[log]\nlevel = "warn"\n' }
  const cases: { name: string; env: Env; flags: ConfigFlags; port: number }[] = [
    { name: 'file over defaults', env: {}, flags: {}, port: 1001 },
    { name: 'env over file', env: { DYNZONE_HTTP_PORT: '1002' }, flags: {}, port: 1002 },
    {
      name: '--set over env',
      env: { DYNZONE_HTTP_PORT: '1002' },
      flags: { set: ['http.port=1003'] },
      port: 1003,
    },
    {
      name: 'named flag over --set',
      env: { DYNZONE_HTTP_PORT: '1002' },
      flags: { set: ['http.port=1003'], httpPort: '1004' },
      port: 1004,
    },
    { name: 'numeric flag value', env: {}, flags: { httpPort: 1005 }, port: 1005 },
    {
      name: 'last --set wins',
      env: {},
      flags: { set: ['http.port=1', 'http.port=1006'] },
      port: 1006,
    },
  ]
  for (const { name, env, flags, port } of cases) {
    void it(name, () => {
      const { config } = loaded(file, env, flags)
      assert.equal(config.http.port, port)
      assert.equal(config.log.level, 'warn', 'keys nobody overrides keep the file value')
    })
  }

  void it('maps every named flag to its key', () => {
    const { config } = loaded(
      {},
      {},
      {
        dataDir: '/d',
        httpPort: '1',
        dnsPort: '2',
        httpListen: '::',
        dnsListen: '0.0.0.0',
        logLevel: 'error',
      },
    )
    assert.deepEqual(
      [
        config.data_dir,
        config.http.port,
        config.dns.port,
        config.http.listen,
        config.dns.listen,
        config.log.level,
      ],
      ['/d', 1, 2, '::', '0.0.0.0', 'error'],
    )
  })

  void it('--set reaches keys without a named flag', () => {
    const { config } = loaded(
      {},
      {},
      { set: ['demo.enabled=false', 'http.trusted_proxies=10.0.0.0/8,::1'] },
    )
    assert.equal(config.demo.enabled, false)
    assert.deepEqual(config.http.trusted_proxies, ['10.0.0.0/8', '::1/128'])
  })
})

void describe('loadConfig: secrets', () => {
  void it('reads pepper_file, trimmed, relative to the config file', () => {
    const files = {
      'dynzone.toml': '[security]\npepper_file = "secrets/pepper"\n',
      'secrets/pepper': '  from-file\n',
    }
    assert.equal(loaded(files).config.security.pepper?.reveal(), 'from-file')
  })

  void it('reads DYNZONE_SECURITY_PEPPER_FILE', () => {
    const { config } = loaded({ p: 'env-file-pepper\n' }, { DYNZONE_SECURITY_PEPPER_FILE: 'p' })
    assert.equal(config.security.pepper?.reveal(), 'env-file-pepper')
  })

  void it('lets a higher source replace a secret with a file and back', () => {
    const file = { 'dynzone.toml': '[security]\npepper = "in-file"\n', p: 'in-secret-file' }
    assert.equal(
      loaded(file, { DYNZONE_SECURITY_PEPPER_FILE: 'p' }).config.security.pepper?.reveal(),
      'in-secret-file',
    )
    const flags = { set: ['security.pepper=on-cli'] }
    assert.equal(
      loaded(file, { DYNZONE_SECURITY_PEPPER_FILE: 'p' }, flags).config.security.pepper?.reveal(),
      'on-cli',
    )
  })

  void it('leaves pepper null (generate) by default', () => {
    assert.equal(loaded().config.security.pepper, null)
  })
})

const FILE = 'dynzone.toml'
const ETC = '/etc/dynzone/dynzone.toml'

void describe('loadConfig: relative paths', () => {
  const file = `data_dir = "./state"
[database]
path = "db/dynzone.sqlite"
[https]
cert = "tls/fullchain.pem"
key = "/abs/privkey.pem"
[log]
file = ""
[security]
pepper_file = "pepper"
[notify.templates]
changed_body_file = "../templates/changed.txt"
[[zones]]
name = "dyn.example.com"
backend = "nsupdate"
[zones.nsupdate]
key_file = "keys/dynzone.key"
`

  void it('anchors relative paths in the file at its folder, whatever the working directory', () => {
    const files = { 'etc/dynzone.toml': file, 'etc/pepper': 'p' }
    const { box, result } = load(files, {}, { config: 'etc/dynzone.toml' })
    if (!result.ok) assert.fail(result.error.message)
    const { config } = result.value
    const etc = join(box.cwd, 'etc')
    assert.equal(config.data_dir, join(etc, 'state'))
    assert.equal(config.database.path, join(etc, 'db/dynzone.sqlite'))
    assert.equal(config.https.cert, join(etc, 'tls/fullchain.pem'))
    assert.equal(config.https.key, '/abs/privkey.pem')
    assert.equal(config.log.file, '')
    assert.equal(config.security.pepper?.reveal(), 'p')
    assert.equal(config.notify.templates.changed_body_file, join(box.cwd, 'templates/changed.txt'))
    assert.deepEqual(config.zones[0]?.settings, {
      ...(config.zones[0]?.settings as object),
      key_file: join(etc, 'keys/dynzone.key'),
    })
  })

  void it('derives database.path from an anchored data_dir', () => {
    const files = { 'etc/dynzone.toml': 'data_dir = "data"\n' }
    const { box, result } = load(files, {}, { config: 'etc/dynzone.toml' })
    assert.ok(result.ok)
    assert.equal(result.value.config.database.path, join(box.cwd, 'etc/data/dynzone.sqlite'))
  })

  void it('leaves paths from the environment and the command line relative to the working directory', () => {
    const files = { 'etc/dynzone.toml': 'data_dir = "data"\n' }
    const env = { DYNZONE_DATABASE_PATH: 'env/db.sqlite' }
    const { config } = loaded(files, env, { config: 'etc/dynzone.toml', dataDir: 'flag-data' })
    assert.equal(config.data_dir, 'flag-data')
    assert.equal(config.database.path, 'env/db.sqlite')
  })
})

void describe('loadConfig: errors name key and source', () => {
  const cases: {
    name: string
    files?: Record<string, string>
    env?: Env
    flags?: ConfigFlags
    etc?: string
    line: string | RegExp
  }[] = [
    {
      name: 'unknown key in file',
      files: { [FILE]: '[http]\nprot = 8245\n' },
      line: 'dynzone.toml: unknown key "http.prot" (did you mean "http.port"?)',
    },
    {
      name: 'unknown table in file',
      files: { [FILE]: '[htp]\nport = 1\n' },
      line: 'dynzone.toml: unknown key "htp" (did you mean "http"?)',
    },
    {
      name: 'unknown key in a zone',
      files: { [FILE]: '[[zones]]\nname = "a.test"\nttll = 5\n' },
      line: 'dynzone.toml: unknown key "zones[0].ttll" (did you mean "zones[0].ttl"?)',
    },
    {
      name: 'wrong type in file',
      files: { [FILE]: '[http]\nport = "abc"\n' },
      line: 'dynzone.toml: http.port: expected an integer from 0 to 65535, got "abc"',
    },
    {
      name: 'wrong type in /etc file',
      etc: '[http]\nport = "abc"\n',
      line: '/etc/dynzone/dynzone.toml: http.port: expected an integer from 0 to 65535, got "abc"',
    },
    {
      name: 'out of range',
      files: { [FILE]: '[[zones]]\nname = "a.test"\nttl = 0\n' },
      line: 'dynzone.toml: zones[0].ttl: expected an integer from 1 to 604800, got 0',
    },
    {
      name: 'zones as a table',
      files: { [FILE]: '[zones]\n' },
      line: 'dynzone.toml: zones: expected a list of [[zones]] tables, got a table',
    },
    {
      name: 'section of the wrong type',
      files: { [FILE]: 'http = 5\n' },
      line: 'dynzone.toml: http: expected a table, got 5',
    },
    {
      name: 'bad listen address',
      files: { [FILE]: '[dns]\nlisten = "localhost"\n' },
      line: 'dynzone.toml: dns.listen: expected an IP address such as 127.0.0.1, 0.0.0.0 or ::, got "localhost"',
    },
    {
      name: 'bad CIDR',
      files: { [FILE]: '[http]\ntrusted_proxies = ["10.0.0.0/8", "10.0.0.0/33"]\n' },
      line: 'dynzone.toml: http.trusted_proxies[1]: expected a CIDR range such as 10.0.0.0/8 or 2001:db8::/32, or an address, got "10.0.0.0/33"',
    },
    {
      name: 'bad zone name',
      files: { [FILE]: '[[zones]]\nname = "a.test"\n[[zones]]\nname = "-x.test"\n' },
      line: 'dynzone.toml: zones[1].name: invalid label "-x" in hostname',
    },
    {
      name: 'bad ns name',
      files: { [FILE]: '[[zones]]\nname = "a.test"\nns = ["ns 1.a.test"]\n' },
      line: 'dynzone.toml: zones[0].ns[0]: invalid character in hostname "ns 1.a.test"',
    },
    {
      name: 'empty ns list',
      files: { [FILE]: '[[zones]]\nname = "a.test"\nns = []\n' },
      line: 'dynzone.toml: zones[0].ns: expected at least one name server',
    },
    {
      name: 'zone name too long for the default ns',
      files: {
        [FILE]: `[[zones]]\nname = "${'a'.repeat(61)}.${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(61)}.test"\nsoa_rname = "h.test"\n`,
      },
      line: 'dynzone.toml: zones[0].ns: default "ns1.<name>" is invalid (hostname longer than 253 characters); set ns explicitly',
    },
    {
      name: 'empty data_dir',
      env: { DYNZONE_DATA_DIR: '' },
      line: 'environment variable DYNZONE_DATA_DIR: data_dir: expected a directory path, got ""',
    },
    {
      name: 'zone without a name',
      files: { [FILE]: '[[zones]]\nttl = 5\n' },
      line: 'dynzone.toml: zones[0].name: missing, expected a domain name',
    },
    {
      name: 'duplicate zone after canonicalisation',
      files: { [FILE]: '[[zones]]\nname = "a.test"\n[[zones]]\nname = "A.Test."\n' },
      line: 'dynzone.toml: zones[1].name: duplicate zone "a.test" (also zones[0])',
    },
    {
      name: 'unsupported zone backend',
      files: { [FILE]: '[[zones]]\nname = "a.test"\nbackend = "carrier-pigeon"\n' },
      line: `dynzone.toml: zones[0].backend: expected one of ${ZONE_BACKENDS.map((k) => `"${k}"`).join(', ')}, got "carrier-pigeon"`,
    },
    {
      name: 'TOML syntax error with line and column',
      files: { [FILE]: 'data_dir = "x"\n[http\nport = 1\n' },
      line: /^dynzone\.toml: line 2, column 6: invalid TOML: .+/,
    },
    {
      name: 'unknown env var',
      env: { DYNZONE_FOO: '1' },
      line: 'unknown environment variable DYNZONE_FOO',
    },
    {
      name: 'misspelt env var',
      env: { DYNZONE_HTTP_PROT: '1' },
      line: 'unknown environment variable DYNZONE_HTTP_PROT (did you mean "DYNZONE_HTTP_PORT"?)',
    },
    {
      name: 'zones from env',
      env: { DYNZONE_ZONES: 'a.test' },
      line: 'unknown environment variable DYNZONE_ZONES (zones can only be set in the config file)',
    },
    {
      name: 'wrong type in env',
      env: { DYNZONE_HTTP_PORT: 'abc' },
      line: 'environment variable DYNZONE_HTTP_PORT: http.port: expected an integer from 0 to 65535, got "abc"',
    },
    {
      name: 'boolean in env',
      env: { DYNZONE_DEMO_ENABLED: 'yes' },
      line: 'environment variable DYNZONE_DEMO_ENABLED: demo.enabled: expected true or false, got "yes"',
    },
    {
      name: 'bad PORT',
      env: { PORT: '99999' },
      line: 'environment variable PORT: http.port: expected an integer from 0 to 65535, got 99999',
    },
    {
      name: 'missing --config file',
      flags: { config: 'missing.toml' },
      line: 'command line: --config: cannot read "missing.toml": no such file',
    },
    {
      name: 'unknown --set key',
      flags: { set: ['http.prot=1'] },
      line: 'command line: unknown key "http.prot" (did you mean "http.port"?)',
    },
    {
      name: '--set without =',
      flags: { set: ['http.port'] },
      line: 'command line: --set "http.port": expected key.path=value (no "=" found)',
    },
    {
      name: '--set without = and an unknown key',
      flags: { set: ['whatever'] },
      line: 'command line: --set: expected key.path=value (no "=" found)',
    },
    {
      name: 'bad value on the command line',
      flags: { logLevel: 'loud' },
      line: 'command line: log.level: expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "loud"',
    },
    {
      name: 'missing pepper_file',
      files: { [FILE]: '[security]\npepper_file = "nope.txt"\n' },
      // A relative path in the file is anchored at the file's folder; the message says where.
      line: /^dynzone\.toml: security\.pepper_file: cannot read secret file "\/[^"]*\/nope\.txt": no such file$/,
    },
    {
      name: 'missing pepper_file from env',
      env: { DYNZONE_SECURITY_PEPPER_FILE: '/run/secrets/none' },
      line: 'environment variable DYNZONE_SECURITY_PEPPER_FILE: security.pepper_file: cannot read secret file "/run/secrets/none": no such file',
    },
    {
      name: 'empty pepper_file',
      files: { [FILE]: '[security]\npepper_file = "p"\n', p: ' \n' },
      line: /^dynzone\.toml: security\.pepper_file: secret file "\/[^"]*\/p" is empty$/,
    },
    {
      name: 'both pepper and pepper_file in the file',
      files: { [FILE]: '[security]\npepper = "a"\npepper_file = "p"\n', p: 'b' },
      line: 'dynzone.toml: security.pepper_file: give either security.pepper or security.pepper_file, not both',
    },
    {
      name: 'both pepper and pepper_file in the environment',
      files: { p: 'b' },
      env: { DYNZONE_SECURITY_PEPPER: 'a', DYNZONE_SECURITY_PEPPER_FILE: 'p' },
      line: 'environment variable DYNZONE_SECURITY_PEPPER_FILE: security.pepper_file: give either security.pepper or security.pepper_file, not both',
    },
  ]
  for (const { name, files = {}, env = {}, flags = {}, etc, line } of cases) {
    void it(name, () => {
      const error = failed(files, env, flags, etc === undefined ? {} : { [ETC]: etc })
      const lines = error.message.split('\n')
      assert.equal(lines.length, 1, error.message)
      if (typeof line === 'string') assert.equal(lines[0], line)
      else assert.match(lines[0] ?? '', line)
      assert.equal(error.issues.length, 1)
    })
  }

  void it('reports issues as {path, source, message}', () => {
    const error = failed({ [FILE]: '[[zones]]\nname = "a.test"\n[[zones]]\nname = "b..test"\n' })
    assert.deepEqual(error.issues, [
      { path: 'zones[1].name', source: 'dynzone.toml', message: 'invalid label "" in hostname' },
    ])
  })

  void it('reports every problem from every source at once', () => {
    const error = failed(
      {
        [FILE]: `[http]
prot = 1
port = "abc"
trusted_proxies = ["nope"]
[security]
pepper_file = "missing"
[[zones]]
name = "a.test"
[[zones]]
name = "bad_label-.test"
[[zones]]
name = "a.test"
`,
      },
      { DYNZONE_FOO: '1', DYNZONE_DNS_PORT: '-1' },
      { set: ['log.level=loud'], config: FILE },
    )
    const lines = error.message.split('\n').sort()
    assert.match(
      lines[3] ?? '',
      /^dynzone\.toml: security\.pepper_file: cannot read secret file "\/.*\/missing": no such file$/,
    )
    lines[3] = 'pepper_file line'
    assert.deepEqual(lines, [
      'command line: log.level: expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "loud"',
      'dynzone.toml: http.port: expected an integer from 0 to 65535, got "abc"',
      'dynzone.toml: http.trusted_proxies[0]: expected a CIDR range such as 10.0.0.0/8 or 2001:db8::/32, or an address, got "nope"',
      'pepper_file line',
      'dynzone.toml: unknown key "http.prot" (did you mean "http.port"?)',
      'dynzone.toml: zones[1].name: invalid label "bad_label-" in hostname',
      'dynzone.toml: zones[2].name: duplicate zone "a.test" (also zones[0])',
      'environment variable DYNZONE_DNS_PORT: dns.port: expected an integer from 0 to 65535, got -1',
      'unknown environment variable DYNZONE_FOO',
    ])
  })

  void it('still checks env and command line when the file does not parse', () => {
    const error = failed({ [FILE]: '[http\n' }, { DYNZONE_HTTP_PORT: 'x' }, { set: ['nope=1'] })
    assert.equal(error.issues.length, 3, error.message)
  })

  void it('exits with EX_CONFIG', () => {
    assert.equal(CONFIG_EXIT_CODE, 78)
  })
})

void describe('loadConfig: secrets never printed', () => {
  void it('keeps a file-read pepper out of JSON, inspect and templates', () => {
    const { config } = loaded({ 'dynzone.toml': '[security]\npepper_file = "p"\n', p: VALUE })
    for (const text of [
      JSON.stringify(config),
      inspect(config, { depth: Infinity }),
      String(config.security.pepper),
      // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- the point of the test
      `pepper=${config.security.pepper}`,
    ]) {
      assert.ok(!text.includes(VALUE), text)
    }
    assert.equal(config.security.pepper?.reveal(), VALUE)
  })

  const leaks: [string, Record<string, string>, Record<string, string>, readonly string[]][] = [
    [
      'pepper of the wrong type',
      { 'dynzone.toml': `[security]\npepper = ${'1'.repeat(12)}\n` },
      {},
      [],
    ],
    [
      'TOML error on the pepper line',
      { 'dynzone.toml': `[security]\npepper = "${VALUE}\n` },
      {},
      [],
    ],
    ['--set without =', {}, {}, [`security.pepper:${VALUE}`]],
    ['--set without = or separator', {}, {}, [`security.pepper${VALUE}`]],
    [
      'pepper and pepper_file both in env',
      { p: 'x' },
      { DYNZONE_SECURITY_PEPPER: VALUE, DYNZONE_SECURITY_PEPPER_FILE: 'p' },
      [],
    ],
  ]
  for (const [name, files, env, set] of leaks) {
    void it(`does not echo the secret in errors: ${name}`, () => {
      const text = failed(files, env, { set }).message
      assert.ok(!text.includes(VALUE) && !text.includes('111111111111'), text)
      assert.match(text, /security\.pepper|TOML/)
    })
  }
})
