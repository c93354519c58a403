// ampgate's live page: the site document from /api/v1/stream, mode changes through the
// REST API, and the last hour from /api/v1/history. No framework, nothing loaded from
// elsewhere: the gateway serves this file from its own binary.
'use strict';

const MODES = ['off', 'fast', 'eco', 'eco_plus', 'solar'];
const PHASES = ['L1', 'L2', 'L3'];
const STATES = { A: 'no car', B: 'connected', C: 'charging', D: 'charging (vent)', E: 'no power', F: 'fault', unknown: 'unknown' };
const COLOURS = { L1: '#8d6e63', L2: '#212121', L3: '#757575' };
const CHARGER_COLOURS = ['#1565c0', '#6a1b9a', '#00838f', '#2e7d32', '#ad1457', '#f9a825'];

const $ = (id) => document.getElementById(id);
let site = null;

// ---- token: asked once, kept for this browser tab only ----
function token() { return sessionStorage.getItem('ampgate-token'); }
function askToken() {
  return new Promise((resolve) => {
    const dialog = $('token-dialog');
    $('token-input').value = '';
    dialog.onclose = () => {
      const value = $('token-input').value.trim();
      if (dialog.returnValue === 'ok' && value) {
        sessionStorage.setItem('ampgate-token', value);
        resolve(value);
      } else {
        resolve(null);
      }
    };
    dialog.showModal();
  });
}
function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (token()) h.Authorization = 'Bearer ' + token();
  return h;
}

// ---- small DOM helpers (textContent only: names come from the site file) ----
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}
const amps = (v) => (typeof v === 'number' ? v.toFixed(1) + ' A' : 'stale');

// What the loop took the non-EV load to be, and the age of the sample behind it.
function householdText(h) {
  if (!h) return '';
  const age = typeof h.age === 'number' ? ' (sample ' + h.age.toFixed(1) + ' s old)' : ' (no fresh sample)';
  return 'household ' + PHASES.map((p) => p + ' ' + amps(h[p])).join(' · ') + age;
}

function phaseRow(name, measured, limit) {
  const bar = el('div', { class: 'bar' }, el('div'));
  if (typeof measured !== 'number') {
    bar.classList.add('stale');
    bar.firstChild.style.width = '0';
  } else {
    const share = limit > 0 ? measured / limit : 1;
    // Clamped: a phase exporting (solar) reads negative and draws an empty bar, not a full one.
    bar.firstChild.style.width = Math.max(0, Math.min(100, share * 100)).toFixed(1) + '%';
    if (share > 1) bar.classList.add('over'); else if (share > 0.9) bar.classList.add('high');
  }
  const value = el('span', { class: 'value' });
  const m = el('span', typeof measured === 'number' ? {} : { class: 'stale-text' }, amps(measured));
  value.append(m, ' / ' + limit.toFixed(1) + ' A');
  return el('div', { class: 'phase', 'data-phase': name }, el('b', {}, name), bar, value);
}

// ---- rendering the site document ----
function render(s) {
  site = s;
  $('site-name').textContent = s.name;
  document.title = 'ampgate · ' + s.name;
  const health = $('health');
  health.textContent = s.health.ok ? 'healthy' : 'not healthy: ' + s.health.reason;
  health.className = 'badge ' + (s.health.ok ? 'ok' : 'bad');

  const mains = s.mains;
  let limitText = 'fuse ' + mains.limit + ' A, limit ' + mains.effective_limit + ' A';
  if (typeof mains.temporary_limit === 'number') limitText += ' (temporary ' + mains.temporary_limit + ' A)';
  $('mains-limit').textContent = limitText;
  const phases = $('phases');
  phases.replaceChildren(...PHASES.slice(0, s.phases === 1 ? 1 : 3)
    .map((p) => phaseRow(p, mains.measured[p], mains.effective_limit)));

  $('household').textContent = householdText(mains.household);
  $('circuits').replaceChildren(...s.circuits.filter((c) => c.id !== 'mains').map((c) => {
    const h = c.household ? ' · ' + householdText(c.household) : '';
    if (!c.meter) return el('div', { class: 'circuit' }, 'circuit ' + c.id + ' (limit ' + c.limit + ' A, unmetered)' + h);
    const meter = 'meter ' + c.meter + (c.meter_stale ? ' (stale)' : '');
    const values = PHASES.map((p) => p + ' ' + amps(c.measured[p])).join(' · ');
    return el('div', { class: 'circuit' }, 'circuit ' + c.id + ' (limit ' + c.limit + ' A, ' + meter + '): ' + values + h);
  }));

  const list = $('chargers');
  const focused = document.activeElement && document.activeElement.closest('.charger');
  if (focused) return;  // do not pull a menu away from under the user's finger
  list.replaceChildren(...s.chargers.map(chargerCard));

  $('meters').replaceChildren(
    el('tr', {}, el('th', {}, 'meter'), el('th', {}, 'role'), el('th', {}, 'current'), el('th', {}, 'power'), el('th', {}, 'age')),
    ...s.meters.map((m) => el('tr', { 'data-meter': m.id },
      el('td', {}, m.id), el('td', {}, m.role), el('td', {}, PHASES.map((p) => amps(m.current[p])).join(' · ')),
      el('td', {}, typeof m.total_power === 'number' ? (m.total_power / 1000).toFixed(2) + ' kW' : '–'),
      el('td', m.fresh ? {} : { class: 'stale-text' },
        (typeof m.age === 'number' ? m.age.toFixed(1) + ' s' : 'never read') + (m.fresh ? '' : ' stale')))));
  $('buses').replaceChildren(
    el('tr', {}, el('th', {}, 'bus'), el('th', {}, 'kind'), el('th', {}, 'errors'), el('th', {}, 'busy'), el('th', {}, 'requests')),
    ...s.buses.map((b) => el('tr', {},
      el('td', {}, b.id), el('td', {}, b.kind), el('td', {}, (b.error_rate * 100).toFixed(1) + ' %'),
      el('td', {}, (b.busy * 100).toFixed(0) + ' %'), el('td', {}, String(b.requests)))));
}

function chargerCard(c) {
  const select = el('select', { class: 'mode', 'aria-label': 'mode of ' + c.id });
  for (const m of MODES) {
    const o = el('option', { value: m }, m.replace('_', '+'));
    if (m === c.mode) o.selected = true;
    select.append(o);
  }
  select.addEventListener('change', () => setMode(c.id, select.value));

  const sp = c.setpoint;
  const high = Math.max(...PHASES.map((p) => (typeof c.actual[p] === 'number' ? c.actual[p] : -1)));
  const current = !c.reachable ? 'unreachable'
    : (sp.run ? sp.current.toFixed(1) + ' A × ' + sp.phases : 'paused') + ' → ' + (high >= 0 ? high.toFixed(1) + ' A' : '?');
  const energy = c.session ? (c.session.energy_wh / 1000).toFixed(2) + ' kWh' : 'no session';
  const info = el('div', {},
    el('div', {}, el('span', { class: 'name' }, c.id), ' ', el('span', { class: 'muted' }, c.model + ' · ' + (STATES[c.state] || c.state))),
    el('div', { class: 'facts' }, 'mode ', el('b', { class: 'mode-now' }, c.mode), ' · ',
      el('span', { class: 'current' }, current), ' · ', el('span', { class: 'energy' }, energy)),
    el('div', { class: 'reason' }, c.reason + (c.stopped_by_user ? ' · stopped by user' : '')),
    ...c.errors.map((e) => el('div', { class: 'problem' }, e)),
    ...c.warnings.map((w) => el('div', { class: 'reason' }, '⚠ ' + w)));
  return el('div', { class: 'charger', 'data-charger': c.id }, info, el('label', {}, 'mode ', select));
}

function say(text, isError) {
  const m = $('message');
  m.textContent = text;
  m.className = isError ? 'error' : '';
}

async function setMode(id, mode) {
  if (!token() && !(await askToken())) {
    say('mode not changed: no token given', true);
    if (site) render(site);
    return;
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    const res = await fetch('/api/v1/chargers/' + encodeURIComponent(id) + '/mode', {
      method: 'PUT', headers: headers({ 'Content-Type': 'application/json' }), body: JSON.stringify({ mode }),
    });
    if (res.status === 401 && attempt === 0) {
      sessionStorage.removeItem('ampgate-token');
      if (!(await askToken())) break;
      continue;
    }
    const body = await res.json().catch(() => ({}));
    if (res.ok) {
      say(id + ': mode ' + mode + ' requested; it takes effect at the next control period');
    } else {
      say(id + ': ' + (body.error || 'refused (HTTP ' + res.status + ')'), true);
    }
    break;
  }
  document.activeElement.blur();
  refresh();
}

// ---- live updates: SSE read through fetch (so that a token header can go along) ----
async function refresh() {
  const res = await fetch('/api/v1/site', { headers: headers() });
  if (res.status === 401) {
    if (await askToken()) return refresh();
    say('this gateway needs its token to show the site', true);
    return;
  }
  if (res.ok) render(await res.json());
}

async function stream() {
  for (;;) {
    try {
      const res = await fetch('/api/v1/stream', { headers: headers() });
      if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
      $('live').textContent = 'live';
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data) render(JSON.parse(data));
        }
      }
    } catch (e) {
      // fall through to a retry; meanwhile show what a plain read gives
    }
    $('live').textContent = 'reconnecting…';
    await new Promise((r) => setTimeout(r, 3000));
    await refresh().catch(() => {});
  }
}

// ---- the last hour, drawn as SVG from /api/v1/history ----
function svgPath(values, x, y) {
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (typeof v !== 'number') { pen = false; return; }
    d += (pen ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(v).toFixed(1);
    pen = true;
  });
  return d;
}
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

async function plot() {
  const res = await fetch('/api/v1/history?minutes=60', { headers: headers() });
  if (!res.ok) return;
  const h = await res.json();
  const W = 640, H = 240, L = 36, R = 110, T = 10, B = 24;
  const n = h.times.length;
  const all = [].concat(h.mains_limit, ...PHASES.map((p) => h.mains[p]), ...h.chargers.map((c) => c.current))
    .filter((v) => typeof v === 'number');
  const top = Math.max(10, ...all) * 1.1;
  const x = (i) => L + (n > 1 ? (i / (n - 1)) * (W - L - R) : 0);
  const y = (v) => T + (1 - v / top) * (H - T - B);
  let svg = '<svg viewBox="0 0 ' + W + ' ' + H + '" role="img" aria-label="mains and charger currents, last hour">';
  for (let a = 0; a <= top; a += top > 40 ? 10 : 5) {
    svg += '<line class="axis" x1="' + L + '" x2="' + (W - R) + '" y1="' + y(a) + '" y2="' + y(a) + '" opacity="0.25"/>' +
      '<text x="' + (L - 4) + '" y="' + (y(a) + 3) + '" text-anchor="end">' + a + '</text>';
  }
  svg += '<text x="' + L + '" y="' + (H - 6) + '">−60 min</text><text x="' + (W - R) + '" y="' + (H - 6) + '" text-anchor="end">now</text>';
  const legend = [];
  svg += '<path class="fuse" d="' + svgPath(h.mains_limit, x, y) + '"/>';
  legend.push(['fuse line', '#c62828', true]);
  for (const p of PHASES) {
    svg += '<path class="series" stroke="' + COLOURS[p] + '" d="' + svgPath(h.mains[p], x, y) + '"/>';
    legend.push(['mains ' + p, COLOURS[p]]);
  }
  h.chargers.forEach((c, i) => {
    const colour = CHARGER_COLOURS[i % CHARGER_COLOURS.length];
    svg += '<path class="series" stroke="' + colour + '" stroke-dasharray="2 2" d="' + svgPath(c.current, x, y) + '"/>';
    legend.push([c.id, colour]);
  });
  legend.forEach(([name, colour, dashed], i) => {
    const ly = T + 10 + i * 16;
    svg += '<line x1="' + (W - R + 8) + '" x2="' + (W - R + 24) + '" y1="' + ly + '" y2="' + ly + '" stroke="' + colour +
      '" stroke-width="2"' + (dashed ? ' stroke-dasharray="4 3"' : '') + '/><text x="' + (W - R + 28) + '" y="' + (ly + 3) + '">' +
      esc(name) + '</text>';
  });
  if (!all.length) {
    svg += '<text x="' + (L + (W - L - R) / 2) + '" y="' + (H / 2) + '" text-anchor="middle">' +
      'no history yet: the gateway stores one point a minute</text>';
  }
  $('plot').innerHTML = svg + '</svg>';
}

refresh().then(stream);
plot();
setInterval(plot, 60000);
