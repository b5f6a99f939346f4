/* global document, Element, window */
// dynzone web UI: copy buttons for client settings and token secrets, and the passkey ceremony.
// Pages work without it (passkeys excepted).
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
