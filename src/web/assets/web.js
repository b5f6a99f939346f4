/* global document, Element */
// dynzone web UI: copy buttons for client settings and token secrets, and times shown in the
// reader's zone with their age. Pages work without it (times then read in UTC).
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
