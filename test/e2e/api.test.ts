/**
 * The REST API end to end: a real `dynzone serve`, a real curl. An API token made with the
 * CLI creates a host and an update token over the API; a DynDNS2 update with that token
 * moves the host, which `dig` and the API (host and history) then show; a record set over
 * the API reaches DNS too; the update token cannot use the API, and once revoked over the
 * API it cannot update either.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const HOST = `api.${ZONE}`
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']

describe('REST API end to end (curl, dig)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-api-'))
  let server: DynzoneProcess
  let http = ''
  let dnsPort = 0
  let apiToken = ''
  let updateToken = ''
  let updateTokenId = 0

  const api = async (method: string, path: string, body?: unknown, token = apiToken) => {
    const args = ['-X', method, '-H', `Authorization: Bearer ${token}`]
    if (body !== undefined) {
      args.push('-H', 'content-type: application/json', '--data-binary', JSON.stringify(body))
    }
    const r = await curl([...args, `${http}/api/v1${path}`])
    return { status: r.status, json: (r.body === '' ? null : JSON.parse(r.body)) as unknown }
  }
  const dyndns2 = (ip: string) =>
    curl(['-u', `alice:${updateToken}`, `${http}/nic/update?hostname=${HOST}&myip=${ip}`])
  const dig = (type: string) => digShort('127.0.0.1', dnsPort, HOST, type)

  before(async () => {
    const add = await runDynzone(['user', 'add', 'alice', ...ARGS], dir)
    assert.equal(add.code, 0, add.stderr)
    const token = await runDynzone(
      ['token', 'create', '--user', 'alice', '--scope', 'api', '--json', ...ARGS],
      dir,
    )
    assert.equal(token.code, 0, token.stderr)
    apiToken = (JSON.parse(token.stdout) as { secret: string }).secret
    server = startDynzone(['serve', ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    http = `http://127.0.0.1:${m[2] ?? ''}`
    dnsPort = Number(m[3])
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('creates a host and an update token over the API', async () => {
    const host = await api('POST', '/hosts', { fqdn: HOST, dnsTtl: 60 })
    assert.equal(host.status, 201, JSON.stringify(host.json))
    const created = await api('POST', '/tokens', { scope: 'address', host: HOST, label: 'router' })
    assert.equal(created.status, 201, JSON.stringify(created.json))
    const body = created.json as { token: { id: number }; secret: string }
    updateToken = body.secret
    updateTokenId = body.token.id
    assert.match(updateToken, /^[a-z2-7]{32}$/)
  })

  it('shows a DynDNS2 update from curl in dig, the host and its history', async () => {
    const r = await dyndns2('203.0.113.7')
    assert.equal(r.status, 200)
    assert.match(r.body, /^good 203\.0\.113\.7/)
    assert.deepEqual(await dig('A'), ['203.0.113.7'])
    const host = (await api('GET', `/hosts/${HOST}`)).json as {
      ipv4: string
      lastDialect: string
      lastClientIp: string
    }
    assert.deepEqual(
      [host.ipv4, host.lastDialect, host.lastClientIp],
      ['203.0.113.7', 'dyndns2', '127.0.0.1'],
    )
    const history = (await api('GET', `/hosts/${HOST}/history`)).json as {
      items: { dialect: string; newValue: string; actor: string }[]
    }
    const latest = history.items[0]
    assert.ok(latest)
    assert.equal(latest.dialect, 'dyndns2')
    assert.match(latest.newValue, /203\.0\.113\.7/)
    assert.match(latest.actor, /^alice \(token \d+\)$/)
  })

  it('publishes records set over the API to DNS', async () => {
    const r = await api('PUT', `/hosts/${HOST}/records`, { A: '198.51.100.9', AAAA: '2001:db8::9' })
    assert.equal(r.status, 200, JSON.stringify(r.json))
    assert.deepEqual((r.json as { status: string; published: boolean }).published, true)
    assert.deepEqual(await dig('A'), ['198.51.100.9'])
    assert.deepEqual(await dig('AAAA'), ['2001:db8::9'])
  })

  it('refuses the update token on the API', async () => {
    const r = await api('GET', '/hosts', undefined, updateToken)
    assert.equal(r.status, 403)
    assert.equal((r.json as { error: { code: string } }).error.code, 'token_scope')
  })

  it('serves the OpenAPI document', async () => {
    const r = await curl([`${http}/api/v1/openapi.json`])
    assert.equal(r.status, 200)
    const doc = JSON.parse(r.body) as { openapi: string; paths: Record<string, unknown> }
    assert.equal(doc.openapi, '3.1.0')
    assert.ok(doc.paths['/api/v1/hosts/{fqdn}/records'])
  })

  it('revokes the update token over the API: the next update is refused', async () => {
    const r = await api('DELETE', `/tokens/${String(updateTokenId)}`)
    assert.equal(r.status, 204)
    const refused = await dyndns2('203.0.113.8')
    assert.match(refused.body, /^badauth/)
    assert.deepEqual(await dig('A'), ['198.51.100.9'])
  })
})
