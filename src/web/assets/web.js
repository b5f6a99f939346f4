/* global document, Element */
// dynzone web UI: copy buttons for client settings and token secrets. Pages work without it.
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
