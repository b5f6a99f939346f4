/* global document, Element, window */
// dynzone web UI: copy buttons for client settings and token secrets, times shown in the
// reader's zone with their age, and the passkey ceremony. Pages work without it (times then
// read in UTC; passkeys excepted).
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null
  if (button === null) return
  const source = document.getElementById(button.getAttribute('data-copy') || '')
  if (source === null || navigator.clipboard === undefined) return
  navigator.clipboard.writeText(source.textContent || '').then(
    () => {
      button.textContent = 'Copied'
    },
    () => {
      button.textContent = 'Copy failed'
    },
  )
})

// <time datetime> elements carry UTC from the server (text and title); show them local, with
// the zone and how long ago, and keep the UTC time in the title for hover.
// (dateStyle and timeStyle cannot be combined with timeZoneName.)
const local = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
})
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
const STEPS = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Infinity],
]

function ago(ms) {
  let value = Math.round(ms / 1000)
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return relative.format(value, unit)
    value = Math.round(value / size)
  }
  return ''
}

function localTimes() {
  for (const el of document.querySelectorAll('time[datetime]')) {
    const at = Date.parse(el.getAttribute('datetime') || '')
    if (Number.isNaN(at)) continue
    el.textContent = `${local.format(at)} (${ago(at - Date.now())})`
    el.setAttribute('data-local', 'yes')
  }
}
localTimes()
setInterval(localTimes, 30_000)
// Passkeys: the one ceremony that needs the script. A button carries the server's options
// (JSON with base64url fields); the browser's answer goes, as JSON with base64url fields, into
// the form's hidden field, and the form is sent.
const fromB64url = (text) => {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))
  return Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer
}
const toB64url = (buffer) => {
  let bin = ''
  for (const b of new Uint8Array(buffer)) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
const withIds = (list) => (list || []).map((c) => Object.assign({}, c, { id: fromB64url(c.id) }))
const passkeyJson = (cred) => {
  const r = cred.response
  const out = {
    id: cred.id,
    rawId: toB64url(cred.rawId),
    type: cred.type,
    clientExtensionResults: cred.getClientExtensionResults(),
    authenticatorAttachment: cred.authenticatorAttachment || undefined,
    response: { clientDataJSON: toB64url(r.clientDataJSON) },
  }
  if (r.attestationObject !== undefined) {
    out.response.attestationObject = toB64url(r.attestationObject)
    out.response.transports = typeof r.getTransports === 'function' ? r.getTransports() : []
  } else {
    out.response.authenticatorData = toB64url(r.authenticatorData)
    out.response.signature = toB64url(r.signature)
    if (r.userHandle) out.response.userHandle = toB64url(r.userHandle)
  }
  return JSON.stringify(out)
}
const passkeyCeremony = async (button) => {
  const form = button.closest('form')
  const target = form === null ? null : form.querySelector('input[data-passkey-answer]')
  const status = document.getElementById(button.getAttribute('aria-describedby') || '')
  if (target === null) return
  const create = button.hasAttribute('data-passkey-create')
  if (create && !form.reportValidity()) return
  // Other fields the form needs (a password typed again) must be filled; the code need not.
  for (const input of form.querySelectorAll('input[required]')) {
    if (input.name !== 'code' && input.name !== 'step_up' && !input.reportValidity()) return
  }
  const o = JSON.parse(button.getAttribute(create ? 'data-passkey-create' : 'data-passkey-get'))
  try {
    o.challenge = fromB64url(o.challenge)
    let cred
    if (create) {
      o.user = Object.assign({}, o.user, { id: fromB64url(o.user.id) })
      o.excludeCredentials = withIds(o.excludeCredentials)
      cred = await navigator.credentials.create({ publicKey: o })
    } else {
      o.allowCredentials = withIds(o.allowCredentials)
      cred = await navigator.credentials.get({ publicKey: o })
    }
    if (cred === null) throw new Error('no passkey')
    target.value = passkeyJson(cred)
    form.submit()
  } catch (e) {
    if (status !== null)
      status.textContent = 'The passkey did not answer (' + e.name + '). Try again.'
  }
}
document.addEventListener('click', (event) => {
  const button =
    event.target instanceof Element
      ? event.target.closest('button[data-passkey-get], button[data-passkey-create]')
      : null
  if (button === null) return
  event.preventDefault()
  if (window.PublicKeyCredential === undefined) return
  void passkeyCeremony(button)
})
