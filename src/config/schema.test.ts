import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { normalizeCidr } from './fields.ts'
import { CONFIG_KEYS, KEYS_BY_ENV, OVERRIDABLE_KEYS } from './keys.ts'
import { configSchema, parseConfigTree } from './schema.ts'

void describe('configSchema defaults', () => {
  void it('takes web.public_url only as an http(s) URL without query', () => {
    const url = (public_url: string) => configSchema.safeParse({ web: { public_url } }).success
    assert.equal(url('https://dyn.example.org/dz'), true)
    assert.equal(url(''), true)
    assert.equal(url('dyn.example.org'), false)
    assert.equal(url('https://dyn.example.org/?x=1'), false)
  })
  void it('marks the demo as the embedded defaults’ only when no source names zones', () => {
    const named = configSchema.parse({ zones: [{ name: 'dyn.example.com' }] })
    assert.deepEqual(named.demo, { enabled: true, embeddedZones: false })
    assert.deepEqual(
      named.zones.map((z) => z.name),
      ['dyn.example.com'],
    )
    const demoNamed = configSchema.parse({ zones: [{ name: 'dyn.example.test' }] })
    assert.equal(demoNamed.demo.embeddedZones, false)
    assert.equal(configSchema.parse({}).demo.embeddedZones, true)
  })

  void it('run the demo: one builtin zone dyn.example.test', () => {
    assert.deepEqual(configSchema.parse({}), {
      audit: { retention_days: 90 },
      records: { max_per_host: 100 },
      cluster: { instance_id: '', lease_seconds: 15 },
      data_dir: './data',
      http: {
        listen: '127.0.0.1',
        port: 8245,
        trusted_proxies: [],
        proxy_header: 'X-Forwarded-For',
      },
      dns: {
        enabled: true,
        listen: '127.0.0.1',
        port: 5353,
        allow_transfer: [],
        notify: [],
        allow_transfer_keys: [],
        update_keys: [],
        workers: 0,
        rrl: {
          enabled: true,
          responses_per_second: 200,
          slip: 2,
          exempt: ['127.0.0.0/8', '::1/128'],
        },
      },
      database: {
        backend: 'sqlite',
        path: 'data/dynzone.sqlite',
        url: null,
        host: '127.0.0.1',
        port: 0,
        name: 'dynzone',
        user: 'dynzone',
        password: null,
        pool_size: 10,
      },
      security: {
        pepper: null,
        password_cache_seconds: 900,
        lockout_threshold: 5,
        lockout_base_seconds: 60,
        lockout_max_seconds: 3600,
        lockout_reset_seconds: 86400,
        lockout_allow: [],
      },
      log: {
        level: 'info',
        target: 'stdout',
        format: 'json',
        file: '',
        file_max_size: '10m',
        file_keep: 5,
        syslog_server: '',
        requests: false,
      },
      demo: { enabled: true, embeddedZones: true },
      web: { require_second_factor: 'none', public_url: '', invitation_hours: 72 },
      metrics: { enabled: true, allow: ['127.0.0.0/8', '::1/128'] },
      https: { enabled: false, listen: '127.0.0.1', port: 8443, cert: '', key: '' },
      update: {
        answer_deadline_ms: 3000,
        max_hosts: 20,
        txt_ttl_seconds: 3600,
        cache_entries: 100_000,
        seen_flush_ms: 1000,
        address_policy: 'auto',
        address_policy_public: [],
        address_policy_any: [],
      },
      rate_limit: {
        enabled: true,
        good_window_seconds: 3600,
        good_max: 720,
        host_good_max: 240,
        bad_window_seconds: 900,
        bad_max: 30,
        account_bad_max: 100,
        cleanup_interval_seconds: 300,
        max_entries: 100000,
        exempt: [],
        shared: 'auto',
        sync_ms: 1000,
      },
      expiry: { interval_seconds: 60 },
      notify: {
        auth_failure_threshold: 5,
        auth_failure_window_seconds: 3600,
        smtp: {
          host: '',
          port: 587,
          security: 'starttls',
          username: '',
          password: null,
          from: 'dynzone@localhost',
          tls_verify: true,
          timeout_ms: 15000,
        },
        templates: {
          changed_subject: '',
          changed_body: '',
          changed_body_file: '',
          expired_subject: '',
          expired_body: '',
          expired_body_file: '',
          auth_failures_subject: '',
          auth_failures_body: '',
          auth_failures_body_file: '',
          lockout_subject: '',
          lockout_body: '',
          lockout_body_file: '',
          temporary_ipv6_subject: '',
          temporary_ipv6_body: '',
          temporary_ipv6_body_file: '',
        },
        webhooks: [],
      },
      dialects: { sftdyn: { prefix: '/' }, duckdns: {} },
      endpoints: [],
      zones: [
        {
          name: 'dyn.example.test',
          backend: 'builtin',
          ttl: 60,
          ns: ['ns1.dyn.example.test'],
          soa_rname: 'hostmaster.dyn.example.test',
          ns_addresses: [{ name: 'ns1.dyn.example.test', addresses: ['127.0.0.1'] }],
          refresh: 3600,
          retry: 600,
          expire: 1209600,
          minimum: 60,
          serial_scheme: 'unixtime',
          settings: null,
        },
      ],
    })
  })

  void it('parseConfigTree freezes and reports zod issues', () => {
    const good = parseConfigTree({})
    assert.ok(good.ok && Object.isFrozen(good.value.zones[0]))
    const bad = parseConfigTree({ http: { port: -1 } })
    assert.ok(!bad.ok)
    assert.deepEqual(bad.error[0]?.path, ['http', 'port'])
  })

  void it('dns.workers takes 0..64 or "auto"', () => {
    const workers = (value: unknown) => {
      const r = parseConfigTree({ dns: { workers: value } })
      return r.ok ? r.value.dns.workers : r.error.map((i) => `${i.path.join('.')}: ${i.message}`)
    }
    assert.deepEqual([workers(4), workers('auto')], [4, 'auto'])
    for (const bad of [-1, 65, 1.5, 'many']) {
      const got = workers(bad)
      assert.ok(Array.isArray(got) && got.length === 1, String(bad))
      assert.match(got[0] ?? '', /^dns\.workers: expected an integer from 0 to 64 or "auto", got /)
    }
  })
})

void describe('normalizeCidr', () => {
  const cases: [string, string | null][] = [
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['192.168.1.1', '192.168.1.1/32'],
    ['::1', '::1/128'],
    ['2001:DB8:0:0::/32', '2001:db8::/32'],
    [' 10.0.0.0/8 ', '10.0.0.0/8'],
    ['10.0.0.0/33', null],
    ['10.0.0.0/', null],
    ['10.0.0.0/8/8', null],
    ['10/8', null],
    ['0x0a.0.0.1', null],
    ['fe80::1%eth0/64', null],
    ['::/129', null],
    ['nope', null],
    ['', null],
  ]
  for (const [input, want] of cases) {
    void it(`${JSON.stringify(input)} → ${String(want)}`, () => {
      assert.equal(normalizeCidr(input), want)
    })
  }
})

void describe('config keys', () => {
  void it('derive env names from the schema, underscores kept within a key', () => {
    const env = (key: string) => OVERRIDABLE_KEYS.get(key)?.env
    assert.equal(env('data_dir'), 'DYNZONE_DATA_DIR')
    assert.equal(env('http.trusted_proxies'), 'DYNZONE_HTTP_TRUSTED_PROXIES')
    assert.equal(env('security.password_cache_seconds'), 'DYNZONE_SECURITY_PASSWORD_CACHE_SECONDS')
    assert.equal(env('security.pepper_file'), 'DYNZONE_SECURITY_PEPPER_FILE')
    assert.equal(env('update.answer_deadline_ms'), 'DYNZONE_UPDATE_ANSWER_DEADLINE_MS')
  })

  void it('give every overridable key its own env name', () => {
    assert.equal(KEYS_BY_ENV.size, OVERRIDABLE_KEYS.size)
  })

  void it('mark secrets and their _file keys', () => {
    const roles = CONFIG_KEYS.filter((k) => k.role !== 'plain').map((k) => `${k.key}:${k.role}`)
    // Backend settings add their own secrets (zones[].<backend>.*); each has a _file twin.
    assert.deepEqual(
      roles.filter((r) => !r.startsWith('zones[]')),
      [
        'dns.update_keys[].secret:secret',
        'dns.update_keys[].secret_file:secret-file',
        'database.url:secret',
        'database.url_file:secret-file',
        'database.password:secret',
        'database.password_file:secret-file',
        'security.pepper:secret',
        'security.pepper_file:secret-file',
        'notify.smtp.password:secret',
        'notify.smtp.password_file:secret-file',
        'notify.webhooks[].secret:secret',
        'notify.webhooks[].secret_file:secret-file',
      ],
    )
    assert.ok(roles.includes('zones[].powerdns.api_key_file:secret-file'))
    for (const role of roles.filter((r) => r.endsWith(':secret'))) {
      assert.ok(roles.includes(role.replace(/:secret$/, '_file:secret-file')), role)
    }
  })

  void it('keep zones out of env and --set', () => {
    const zoneKeys = CONFIG_KEYS.filter((k) => k.key.startsWith('zones'))
    assert.ok(zoneKeys.length >= 9)
    assert.ok(zoneKeys.every((k) => k.env === null && !OVERRIDABLE_KEYS.has(k.key)))
    assert.ok(zoneKeys.some((k) => k.key === 'zones[].soa_rname'))
  })
})

void describe('web.public_url', () => {
  void it('takes an http(s) URL with a host and refuses anything else', () => {
    const good = parseConfigTree({ web: { public_url: 'https://dyn.example.net' } })
    assert.ok(good.ok && good.value.web.public_url === 'https://dyn.example.net')
    for (const bad of [
      'dyn.example.net',
      'ftp://dyn.example.net',
      'https://u:p@dyn.example.net',
      5,
    ]) {
      assert.equal(parseConfigTree({ web: { public_url: bad } }).ok, false, String(bad))
    }
  })
})
