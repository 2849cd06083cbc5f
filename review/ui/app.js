// crosswatch review: the officers' browser UI. Served by `crosswatch serve`
// (review/rev_server.c); talks to the JSON API in review/API.md. No
// framework, no CDN: it works offline. Every text from the server is put
// into the page as text (el() below), never as HTML.
'use strict';

const STATES = ['pending', 'confirmed_once', 'confirmed', 'rejected', 'reversed', 'rejected_flat', 'liveness_unassessed', 'position_uncertain', 'clock_unsynced'];
const PHASE_WORDS = { WALK: 'green man (walk)', CLEARANCE: 'flashing (clearance)', DONT_WALK: 'red man (do not walk)', UNKNOWN: 'unknown' };
const CHECK_WORDS = {
  speed: 'Walking speed on the ground',
  geometry: 'Size and shape on the ground',
  motion: 'Moves like a person, not like a picture',
  depth: 'Depth (stereo or depth camera)',
};
const VERDICT_WORDS = { live: 'a real person', flat: 'a flat picture', uncertain: 'could not tell' };
const TYPE_WORDS = { red_signal: 'crossing on red', outside_crosswalk: 'crossing outside the crosswalk' };
const STATE_WORDS = {
  pending: 'pending', confirmed_once: 'confirmed once (needs a second)', confirmed: 'confirmed (published)',
  rejected: 'rejected', reversed: 'reversed (withdrawn)', rejected_flat: 'rejected: a picture', liveness_unassessed: 'not raised: seen too briefly to tell a person from a picture', position_uncertain: 'position uncertain', clock_unsynced: 'clock not trusted (time to be checked)',
};
const STILL_WORDS = {
  overview_entry: 'entry (step off the kerb)', overview_decision: 'decision (the rule was met)', overview_mid: 'middle of the crossing',
  overview_last_seen: 'last seen on the road', person_crop: 'the accused, cropped', face_best: 'best face crop',
  overview_decision_annotated: 'decision, as the camera marked it (the accused boxed in red, its data bar)',
};
const ZONE_COLOURS = { carriageway: '#00b0ff', crosswalk: '#ffffff', kerb: '#76ff03', ignore: '#9e9e9e' };
const stateBadge = st => el('span', { class: 'badge ' + st, title: st }, STATE_WORDS[st] || st);

let me = null; // {user, role, csrf, site, site_name, reject_codes, zones, signal}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// The page's content; parts left out (null) are skipped, not shown as "null".
function showPage(...parts) {
  document.getElementById('app').replaceChildren(...parts.filter(p => p !== null && p !== undefined && p !== false));
}

function svgEl(tag, attrs, ...children) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}

async function api(method, path, body) {
  const opts = { method, headers: {}, credentials: 'same-origin' };
  if (method === 'POST') {
    opts.headers['Content-Type'] = 'application/json';
    if (me) opts.headers['X-CSRF-Token'] = me.csrf;
    opts.body = JSON.stringify(body || {});
  }
  const r = await fetch(path, opts);
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  if (r.status === 401 && path !== '/api/login') {
    me = null;
    showLogin('Your session has ended: log in again.');
    throw new Error('not logged in');
  }
  if (!r.ok) throw new Error((data && data.error) || ('HTTP ' + r.status));
  return data;
}

function localAndUtc(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  return d.toLocaleString() + '  (UTC ' + iso.replace('T', ' ').replace('Z', '') + ')';
}

function setView(name) {
  document.querySelectorAll('header nav a').forEach(a => a.classList.toggle('active', a.dataset.view === name));
}

// ---- login ----
function showLogin(message) {
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  const err = el('p', { class: 'error', id: 'login-error' }, message || '');
  const user = el('input', { id: 'login-user', name: 'user', autocomplete: 'username', required: true });
  const pass = el('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = el('form', { class: 'login', onsubmit: async ev => {
    ev.preventDefault();
    try {
      await api('POST', '/api/login', { user: user.value, password: pass.value });
      pass.value = '';
      await start();
    } catch (e) { err.textContent = e.message; }
  } }, el('h1', {}, 'Log in'), el('label', {}, 'User ', user), el('label', {}, 'Password ', pass),
  el('button', { class: 'primary', type: 'submit', id: 'login-submit' }, 'Log in'), err);
  document.getElementById('app').replaceChildren(form);
  user.focus();
}

async function start() {
  me = await api('GET', '/api/session');
  document.getElementById('site').textContent = me.site_name ? me.site_name + ' (' + me.site + ')' : me.site;
  document.getElementById('who').textContent = me.user + ' · ' + me.role;
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  document.querySelector('a[data-view=users]').hidden = me.role !== 'admin';
  document.querySelector('a[data-view=audit]').hidden = !(me.role === 'auditor' || me.role === 'admin');
  document.querySelector('a[data-view=queue]').hidden = me.role === 'admin';
  if (!location.hash || location.hash === '#/') location.hash = me.role === 'admin' ? '#/users' : '#/queue';
  route();
}

// ---- queue ----
const queue = { rows: [], selected: 0, filter: { state: 'pending', type: '', flag: '', from: '', to: '' } };

// One request for the queue (one audit row): counts over every case, the
// filters applied here. (The API filters too, for scripts: review/API.md.)
function queueMatches(c, f) {
  if (f.state && c.state !== f.state) return false;
  if (f.type && c.type !== f.type) return false;
  if (f.flag === 'none' && c.flags.length) return false;
  if (f.flag && f.flag !== 'none' && !c.flags.includes(f.flag)) return false;
  if (f.from && c.created < f.from) return false;
  if (f.to && c.created.slice(0, 10) > f.to) return false;
  return true;
}

// Each page shown bumps viewSeq; a page whose data arrives after the officer
// has moved on (an older fetch answering last) is dropped, not drawn over the
// newer one.
let viewSeq = 0;
const stale = seq => seq !== viewSeq;

async function showQueue() {
  const seq = ++viewSeq;
  setView('queue');
  const f = queue.filter;
  const sel = (id, label, value, options) => el('label', {}, label, el('select', { id, onchange: ev => { f[id.slice(2)] = ev.target.value; showQueue(); } },
    options.map(([v, t]) => el('option', { value: v, selected: v === value }, t))));
  const date = (id, label, value) => el('label', {}, label, el('input', { id, type: 'date', value, onchange: ev => { f[id.slice(2)] = ev.target.value; showQueue(); } }));
  const all = await api('GET', '/api/cases');
  if (stale(seq)) return;
  // oldest offence first (a packet is written when the crossing ends, so
  // the store's order can differ by a few seconds)
  const rows = all.filter(c => queueMatches(c, f)).sort((a, b) => (a.utc < b.utc ? -1 : a.utc > b.utc ? 1 : 0));
  queue.rows = rows;
  queue.selected = Math.min(queue.selected, Math.max(0, rows.length - 1));
  const counts = {};
  for (const c of all) counts[c.state] = (counts[c.state] || 0) + 1;
  const tbody = el('tbody', {}, rows.map((c, i) => el('tr', { 'data-id': c.id, class: i === queue.selected ? 'selected' : '', onclick: () => { location.hash = '#/case/' + c.id; } },
    el('td', {}, localAndUtc(c.utc)), el('td', {}, TYPE_WORDS[c.type] || c.type), el('td', {}, stateBadge(c.state)),
    el('td', {}, c.flags.map(fl => el('span', { class: 'badge flag' }, fl.replace('_', ' ')))), el('td', {}, c.camera), el('td', {}, String(c.track)),
    el('td', { class: 'mono' }, c.id.slice(0, 8)))));
  document.getElementById('app').replaceChildren(
    el('h1', {}, 'Review queue'),
    el('div', { class: 'filters' },
      sel('f-state', 'State', f.state, [['', 'all']].concat(STATES.map(s => [s, STATE_WORDS[s]]))),
      sel('f-type', 'Offence', f.type, [['', 'all'], ['red_signal', TYPE_WORDS.red_signal], ['outside_crosswalk', TYPE_WORDS.outside_crosswalk]]),
      sel('f-flag', 'Flag', f.flag, [['', 'any'], ['liveness_uncertain', 'liveness uncertain'], ['liveness_unassessed', 'seen too briefly to assess'], ['position_uncertain', 'position uncertain'], ['clock_unsynced', 'clock not trusted'], ['legal_hold', 'legal hold'], ['none', 'none']]),
      date('f-from', 'From', f.from), date('f-to', 'To (that day included)', f.to),
      el('button', { type: 'button', onclick: showQueue }, 'Refresh')),
    el('div', { class: 'counts', id: 'counts' }, STATES.map(s => el('span', { class: 'badge ' + s }, (STATE_WORDS[s] || s) + ': ' + (counts[s] || 0)))),
    el('p', { id: 'queue-count' }, rows.length + ' case(s) shown, oldest offence first'),
    el('table', { id: 'queue' }, el('thead', {}, el('tr', {}, ['Time of the offence', 'Offence', 'State', 'Flags', 'Camera', 'Track', 'Case'].map(h => el('th', {}, h)))), tbody),
    el('p', { class: 'help' }, 'Keys: ', el('kbd', {}, 'j'), '/', el('kbd', {}, 'k'), ' move, ', el('kbd', {}, 'Enter'), ' open, ', el('kbd', {}, 'r'), ' refresh, ', el('kbd', {}, 'p'), ' pending only.'));
}

function queueKey(ev) {
  if (!queue.rows.length && ev.key !== 'r') return;
  if (ev.key === 'j' || ev.key === 'ArrowDown') queue.selected = Math.min(queue.rows.length - 1, queue.selected + 1);
  else if (ev.key === 'k' || ev.key === 'ArrowUp') queue.selected = Math.max(0, queue.selected - 1);
  else if (ev.key === 'Enter' || ev.key === 'o') { location.hash = '#/case/' + queue.rows[queue.selected].id; return; }
  else if (ev.key === 'r') { showQueue(); return; }
  else if (ev.key === 'p') { queue.filter.state = 'pending'; showQueue(); return; }
  else return;
  ev.preventDefault();
  document.querySelectorAll('#queue tbody tr').forEach((tr, i) => tr.classList.toggle('selected', i === queue.selected));
  const row = document.querySelectorAll('#queue tbody tr')[queue.selected];
  if (row) row.scrollIntoView({ block: 'nearest' });
}

// ---- case ----
// The phase at stream time T from the site's schedule, with the seconds it
// has shown; null when the signal is external (only the phase at entry is known).
function phaseAt(t) {
  const s = me.signal;
  if (!s || s.source !== 'schedule' || !(s.cycle_s > 0)) return null;
  let u = (t + s.offset_s) % s.cycle_s;
  if (u < 0) u += s.cycle_s;
  const clearEnd = s.walk_end_s + s.clearance_s;
  if (u >= s.walk_start_s && u < s.walk_end_s) return { phase: 'WALK', elapsed: u - s.walk_start_s };
  if (u >= s.walk_end_s && u < clearEnd) return { phase: 'CLEARANCE', elapsed: u - s.walk_end_s };
  return { phase: 'DONT_WALK', elapsed: u >= clearEnd ? u - clearEnd : u + s.cycle_s - clearEnd };
}

// Frames per second of the stream, from the decision frame's time (frames
// count from 1 at time 0 for a recorded source); 10 when it cannot be told.
function streamFps(rec) {
  return rec.pts_s > 0 && rec.frame > 1 ? (rec.frame - 1) / rec.pts_s : 10;
}

function phaseWords(at) {
  return PHASE_WORDS[at.phase] + (at.phase === 'DONT_WALK' ? ', ' + at.elapsed.toFixed(1) + ' s since red' : '');
}

// A still's data bar: its own time (the decision's, moved by the frames
// between them), site, camera, frame, the signal phase at that moment, zone.
function databar(rec, name) {
  const frame = rec.still_frames && rec.still_frames[name];
  const dt = frame ? (frame - rec.frame) / streamFps(rec) : 0;
  const when = rec.utc ? new Date(new Date(rec.utc).getTime() + dt * 1000).toISOString() : '';
  const at = phaseAt((rec.pts_s || 0) + dt);
  const sig = rec.signal || {};
  const phase = at ? 'signal then: ' + phaseWords(at)
    : 'signal at entry: ' + (PHASE_WORDS[sig.phase] || sig.phase || '?') + (sig.phase === 'DONT_WALK' ? ', ' + Number(rec.elapsed_red_s).toFixed(1) + ' s since red' : '');
  const parts = [localAndUtc(when), rec.site_name + ' (' + rec.site + ')', 'camera ' + rec.camera,
    frame ? 'frame ' + frame : 'frame ' + rec.frame + ' (crop)', phase, 'zone ' + rec.zone];
  return el('div', { class: 'databar' }, parts.map(p => el('span', {}, p)));
}

function still(c, m, rec) {
  const box = rec.still_bboxes && rec.still_bboxes[m.name];
  const overlay = svgEl('svg', { class: 'box', viewBox: '0 0 1 1', preserveAspectRatio: 'xMidYMid meet' }); // as the image's object-fit: contain
  // below the fold a still loads when scrolled to: opening the page is not looking at every still
  const img = el('img', { src: m.url, alt: m.name, 'data-media': m.name, loading: 'lazy' });
  img.addEventListener('load', () => {
    overlay.setAttribute('viewBox', '0 0 ' + img.naturalWidth + ' ' + img.naturalHeight);
    if (box) {
      // the zones of this camera, so "outside the crosswalk" can be checked on the picture
      for (const z of me.zones.filter(z => z.camera === rec.camera && z.image_px.length >= 3 && z.kind !== 'ignore'))
        overlay.append(svgEl('polygon', { class: 'zone', points: z.image_px.map(p => p.join(',')).join(' '), stroke: ZONE_COLOURS[z.kind] || '#fff' }, svgEl('title', {}, z.name + ' (' + z.kind + ')')));
      const below = box[1] < 18;
      overlay.append(svgEl('rect', { class: 'accused', x: box[0], y: box[1], width: box[2], height: box[3] }),
        svgEl('text', { x: Math.min(box[0], img.naturalWidth - 150), y: below ? box[1] + box[3] + 16 : box[1] - 5 }, 'accused (track ' + rec.track_id + ')'));
    }
    markOpened(m.name);
  });
  const frame = rec.still_frames && rec.still_frames[m.name];
  const honest = m.name === 'overview_entry' && frame && rec.entry_frame && frame !== rec.entry_frame
    ? el('p', { class: 'warn' }, 'The entry (frame ' + rec.entry_frame + ') was before the frames the camera kept: this is the decision frame.') : null;
  return el('figure', {}, el('a', { href: m.url, target: '_blank', rel: 'noopener', title: 'open full size' }, el('div', { class: 'frame' }, img, overlay)),
    el('figcaption', {}, STILL_WORDS[m.name] || m.name, box || m.name !== 'person_crop' ? '' : ' (no box: the crop is the accused)'), honest, databar(rec, m.name));
}

function clip(m, rec) {
  // fetched when played or stepped, not when the page opens: it counts as opened then
  const video = el('video', { id: 'clip', controls: true, preload: 'none', src: m.url, width: 640 });
  const first = rec.clip_frames ? rec.clip_frames[0] : 0;
  const last = rec.clip_frames ? rec.clip_frames[1] : 0;
  const frameInfo = el('span', { id: 'clip-frame' }, 'press play to load the clip');
  const fps = () => (video.duration > 0 && last > first ? (last - first + 1) / video.duration : 10);
  const show = () => { frameInfo.textContent = 'frame ' + Math.round(first + video.currentTime * fps()) + ' (' + video.currentTime.toFixed(2) + ' s)'; };
  video.addEventListener('timeupdate', show);
  video.addEventListener('seeked', show);
  video.addEventListener('loadeddata', () => { markOpened(m.name); show(); });
  const step = d => () => { if (video.readyState === 0) { video.load(); return; } video.pause(); video.currentTime = Math.max(0, Math.min(video.duration || 0, video.currentTime + d / fps())); };
  return el('div', { class: 'panel' }, el('h2', {}, 'Clip, frames ' + first + '–' + last), video,
    el('div', { class: 'actions' }, el('button', { type: 'button', id: 'frame-back', onclick: step(-1) }, '◀ frame'),
      el('button', { type: 'button', id: 'clip-play', onclick: () => (video.paused ? video.play() : video.pause()) }, 'play / pause'),
      el('button', { type: 'button', id: 'frame-fwd', onclick: step(1) }, 'frame ▶'), frameInfo),
    el('p', { class: 'help' }, 'A WebM viewing copy of the stored clip (Motion-JPEG, half the camera\'s resolution; the stored file is in the case bundle). The clip does not mark the accused: follow them from the stills.'));
}

function plan(rec) {
  const zones = me.zones.filter(z => z.ground_m.length >= 3 && z.kind !== 'ignore' && (!z.camera || z.camera === rec.camera));
  const path = (rec.track && rec.track.ground_path) || [];
  const xs = [], ys = [];
  zones.forEach(z => z.ground_m.forEach(p => { xs.push(p[0]); ys.push(p[1]); }));
  path.forEach(p => { xs.push(p[1]); ys.push(p[2]); });
  if (rec.ground_m) { xs.push(rec.ground_m[0]); ys.push(rec.ground_m[1]); }
  if (!xs.length) return el('p', {}, 'No calibrated ground plan for this camera.');
  const pad = 1;
  const x0 = Math.min(...xs) - pad, x1 = Math.max(...xs) + pad, y0 = Math.min(...ys) - pad, y1 = Math.max(...ys) + pad;
  // ground +Y up: y is flipped
  const g = svgEl('g', { transform: 'translate(0 ' + (y0 + y1) + ') scale(1 -1)' });
  for (const z of zones) g.append(svgEl('polygon', { class: 'zone-' + z.kind, points: z.ground_m.map(p => p.join(',')).join(' '), 'stroke-width': 0.05 }, svgEl('title', {}, z.name + ' (' + z.kind + ')')));
  if (path.length) g.append(svgEl('polyline', { points: path.map(p => p[1] + ',' + p[2]).join(' '), fill: 'none', stroke: '#222', 'stroke-width': 0.05 }));
  for (const p of path) {
    const at = phaseAt(p[0]);
    const phase = at ? at.phase : 'UNKNOWN';
    g.append(svgEl('circle', { cx: p[1], cy: p[2], r: 0.12, class: phase }, svgEl('title', {}, 't=' + p[0] + ' s, ' + PHASE_WORDS[phase])));
  }
  if (rec.ground_m) g.append(svgEl('circle', { cx: rec.ground_m[0], cy: rec.ground_m[1], r: Math.max(0.25, rec.ground_sigma_m || 0), fill: 'none', stroke: '#000', 'stroke-width': 0.08 }, svgEl('title', {}, 'where the rule was met, with its uncertainty')));
  const scale = svgEl('g', {}, svgEl('line', { x1: x0 + 0.3, y1: y1 - 0.3, x2: x0 + 1.3, y2: y1 - 0.3, stroke: '#000', 'stroke-width': 0.06 }),
    svgEl('text', { x: x0 + 0.3, y: y1 - 0.45, 'font-size': 0.35 }, '1 m'));
  const svg = svgEl('svg', { class: 'plan', id: 'plan', viewBox: [x0, y0, x1 - x0, y1 - y0].join(' ') }, g, scale);
  const known = me.signal && me.signal.source === 'schedule';
  const swatch = cls => el('span', { class: 'swatch ' + cls });
  return el('div', {}, svg,
    el('p', { class: 'legend' }, el('span', {}, swatch('carriageway'), 'carriageway'), el('span', {}, swatch('crosswalk'), 'crosswalk (dashed)'),
      el('span', {}, swatch('kerb'), 'kerb'), el('span', {}, '○ where the rule was met (radius: position uncertainty)')),
    el('p', { class: 'legend' }, 'Path, one dot a frame: ', ['WALK', 'CLEARANCE', 'DONT_WALK'].map(p => el('span', {}, el('span', { class: 'dot ' + p }), PHASE_WORDS[p])),
      known ? ' (the phase from the signal schedule at each point)' : ' (the signal is external: only the phase at entry is known)'),
    el('p', { class: 'help' }, 'The plan is the ground seen from above in the site\'s calibrated metres, not the camera\'s view.'));
}

// A check's measurements in words: every number or word it recorded.
function measurements(ch) {
  const skip = new Set(['verdict', 'reason', 'score']);
  return Object.entries(ch).filter(([k, v]) => !skip.has(k) && (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string'))
    .map(([k, v]) => k.replace(/_/g, ' ') + ' ' + (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) : String(v))).join(', ');
}

function liveness(rec) {
  const l = rec.liveness || {};
  const checks = l.checks || {};
  return el('div', {}, el('p', {}, 'Verdict: ', el('strong', {}, VERDICT_WORDS[l.verdict] || l.verdict || 'not assessed'),
    l.reason ? ' — ' + l.reason : '', rec.review_reason && rec.review_reason !== l.reason ? ' (' + rec.review_reason + ')' : ''),
  el('ul', { class: 'checks' }, Object.entries(checks).map(([name, ch]) => el('li', {}, el('strong', {}, (CHECK_WORDS[name] || name) + ': '),
    VERDICT_WORDS[ch.verdict] || ch.verdict || '?', ch.reason ? ' — ' + ch.reason : '', el('br'), el('span', { class: 'help' }, measurements(ch))))));
}

const opened = new Set();
let currentCase = null;
function markOpened(name) {
  opened.add(name);
  const btn = document.getElementById('act-confirm');
  if (btn && currentCase && !btn.dataset.blocked) {
    const missing = currentCase.media.filter(m => !opened.has(m.name)).map(m => STILL_WORDS[m.name] || m.name);
    btn.disabled = missing.length > 0;
    document.getElementById('act-missing').textContent = missing.length ? 'Still to open: ' + missing.join(', ') + '.' : 'Every still and the clip opened.';
  }
}

function actions(c) {
  const status = el('p', { id: 'act-status', class: 'error' });
  const reason = el('textarea', { id: 'act-reason', rows: 2, cols: 60, placeholder: 'Reason (required for reject "other", hold, reverse, and how the time was checked)' });
  const code = el('select', { id: 'act-code' }, el('option', { value: '' }, 'reject reason code…'), me.reject_codes.map(r => el('option', { value: r.code }, r.meaning)));
  const doAct = (verb, question) => async () => {
    status.textContent = '';
    if (question && !window.confirm(question)) return;
    try {
      const r = await api('POST', '/api/cases/' + c.id + '/' + verb, { reason: reason.value, code: code.value || undefined });
      toast(c.id.slice(0, 8) + ': ' + (verb === 'hold' ? 'under legal hold' : verb === 'release' ? 'legal hold released'
        : verb === 'reverse' ? 'reversed; a signed retract is queued for every display (the publisher sends it)' : STATE_WORDS[r.state] || r.state));
      showCase(c.id);
    } catch (e) { status.textContent = e.message; }
  };
  const can = v => c.can.includes(v);
  const open = c.state === 'pending' || c.state === 'confirmed_once';
  const mine = c.confirmed_once_by === me.user;
  const buttons = [];
  if (can('confirm') && open) {
    const b = el('button', { class: 'primary', id: 'act-confirm', type: 'button', onclick: doAct('confirm'), disabled: true }, c.state === 'confirmed_once' ? 'Confirm (second person)' : 'Confirm');
    if (mine) b.dataset.blocked = '1';
    buttons.push(b);
  }
  if (can('reject') && open) buttons.push(code, el('button', { class: 'danger', id: 'act-reject', type: 'button', onclick: doAct('reject', 'Reject this case?') }, 'Reject'));
  if (can('clear_clock') && c.state === 'clock_unsynced') buttons.push(el('button', { id: 'act-clear_clock', type: 'button', onclick: doAct('clear_clock', 'Clear this case? Give in the reason how its time was checked.') }, 'Time checked: to review'));
  if (can('hold') && !c.legal_hold) buttons.push(el('button', { id: 'act-hold', type: 'button', onclick: doAct('hold') }, 'Legal hold'));
  if (can('release') && c.legal_hold) buttons.push(el('button', { id: 'act-release', type: 'button', onclick: doAct('release') }, 'Release hold'));
  if (can('reverse') && c.state === 'confirmed') buttons.push(el('button', { class: 'danger', id: 'act-reverse', type: 'button', onclick: doAct('reverse', 'Reverse this case? It is withdrawn from every display.') }, 'Reverse (withdraw from displays)'));
  if (!buttons.length) return el('p', {}, 'No action for you on a case that is ' + (STATE_WORDS[c.state] || c.state) + '.');
  let note = '';
  if (open && c.two_person) note = c.state === 'confirmed_once' ? (mine ? 'You confirmed this case; a second person must confirm it, one of the two a supervisor.'
    : 'Confirmed once by ' + c.confirmed_once_by + '; a second person must confirm, one of the two a supervisor.') : 'Two confirmations are needed, one by a supervisor.';
  return el('div', {}, el('p', { class: 'help' }, note, open && !mine ? ' Confirm is enabled once you have opened every still (scroll to them) and played the clip.' : '', ' Keys: ', el('kbd', {}, 'q'), ' back to the queue.'),
    el('p', { id: 'act-missing', class: 'help' }), el('div', { class: 'actions' }, reason), el('div', { class: 'actions' }, buttons), status);
}

// review:STATE, refused:VERB, legal_hold and legal_hold_released, export
const DECISION_ACTIONS = /^(review:|refused:|legal_hold|export)/;

async function showCase(id) {
  const seq = ++viewSeq;
  setView('queue');
  const c = await api('GET', '/api/cases/' + encodeURIComponent(id));
  if (stale(seq)) return;
  currentCase = c;
  opened.clear();
  c.media.filter(m => m.opened).forEach(m => opened.add(m.name));
  const rec = c.record || {};
  const stills = c.media.filter(m => m.type === 'image');
  const clipItem = c.media.find(m => m.type === 'video');
  const clock = rec.clock || {};
  const clockNote = clock.synced === false ? el('span', { class: 'warn' }, 'clock NOT synchronised when recorded: times may be off by up to ' + (Number(clock.est_error_us || 0) / 1e6).toFixed(1) + ' s') : 'synchronised';
  const facts = [['Case', c.id], ['Offence', TYPE_WORDS[c.type] || c.type], ['Decision', c.decision], ['Time of the decision', localAndUtc(rec.utc)], ['Clock', clockNote],
    ['Site', rec.site_name + ' (' + rec.site + ')'], ['Camera', rec.camera], ['Frames', 'entry ' + rec.entry_frame + ', decision ' + rec.frame], ['Zone', rec.zone],
    ['Signal at entry', (PHASE_WORDS[(rec.signal || {}).phase] || '?') + (rec.elapsed_red_s ? ', ' + Number(rec.elapsed_red_s).toFixed(1) + ' s since red' : '')],
    ['Ground position', rec.ground_m ? rec.ground_m.map(v => v.toFixed(2)).join(', ') + ' m ± ' + Number(rec.ground_sigma_m || 0).toFixed(2) + ' m' : '?'],
    ['Speed', rec.ground_speed_mps ? rec.ground_speed_mps.toFixed(2) + ' m/s' : '?'], ['Step off the kerb seen', rec.entry_seen ? 'yes' : 'no'],
    ['Record SHA-256', c.record_sha256], ['Device key', rec.device_public_key]];
  const decisions = c.history.filter(h => DECISION_ACTIONS.test(h.action));
  const historyTable = (rows, tid) => el('table', { id: tid }, el('thead', {}, el('tr', {}, ['Time (UTC)', 'Who', 'What', 'Detail'].map(h => el('th', {}, h)))),
    el('tbody', {}, rows.map(h => el('tr', {}, el('td', {}, h.utc), el('td', {}, h.actor), el('td', {}, h.action), el('td', {}, el('pre', { class: 'detail' }, h.detail || ''))))));
  showPage(
    el('p', {}, el('a', { href: '#/queue' }, '← queue')),
    el('div', { class: 'case-head' }, el('h1', {}, (TYPE_WORDS[rec.type] || c.type).replace(/^./, ch => ch.toUpperCase())),
      el('span', { class: 'badge ' + c.state, id: 'case-state', 'data-state': c.state, 'data-case': c.id }, c.state), c.flags.map(f => el('span', { class: 'badge flag' }, f.replace('_', ' ')))),
    c.related.length ? el('p', { class: 'warn', id: 'related' }, 'Same camera and track within 10 minutes (a duplicate?): ',
      c.related.map(r => el('a', { href: '#/case/' + r.id }, r.id.slice(0, 8) + ' ' + (TYPE_WORDS[r.type] || r.type) + ', ' + (STATE_WORDS[r.state] || r.state) + '; '))) : null,
    // recognition's suggestions: for the reviewer to judge, never a finding
    (c.possible_earlier || []).length ? el('div', { class: 'warn', id: 'possible-earlier' },
      el('p', {}, 'Face recognition suggests (a suggestion only: compare the faces yourself; it decides nothing):'),
      el('ul', {}, c.possible_earlier.map(p => el('li', {},
        el('a', { href: '#/case/' + p.id }, 'possible earlier case ' + p.id.slice(0, 8)),
        ' (' + p.backend + ' ' + p.score.toFixed(3) + ', ' + (STATE_WORDS[p.state] || p.state) + ')')))) : null,
    // watchlist matches: shown to supervisors, who alone confirm or dismiss them
    (c.watchlist_matches || []).length ? el('div', { class: 'warn', id: 'watchlist-matches' },
      el('p', {}, 'Watchlist: the face may be an enrolled person. A suggestion only until you confirm it; compare the faces yourself.'),
      el('ul', {}, c.watchlist_matches.map(m => {
        const why = el('input', { type: 'text', class: 'watch-reason', 'data-watch-reason': m.entry, size: 50,
          placeholder: 'what you compared (required, 10 characters or more)' });
        return el('li', {},
          el('img', { src: '/api/watchlist/' + m.entry + '/image', alt: 'the enrolled face of entry ' + m.entry, class: 'watch-face', height: 96 }),
          ' entry ' + m.entry + ' "' + m.label + '" (' + m.score.toFixed(3) + '): ' + m.state + (m.decided_by ? ' by ' + m.decided_by : ''),
          m.state === 'suggested' ? [el('br'), why].concat(['confirm', 'dismiss'].map(d => el('button', { 'data-watch': d + '-' + m.entry, onclick: async () => {
            try { await api('POST', '/api/cases/' + c.id + '/watchlist/' + m.entry, { decision: d, reason: why.value }); toast('match ' + d + 'ed'); showCase(c.id); }
            catch (e) { toast(e.message); }
          } }, d === 'confirm' ? 'Confirm match' : 'Dismiss'))) : null);
      }))) : null,
    el('div', { class: 'panel' }, el('h2', {}, 'Decide'), actions(c)),
    el('div', { class: 'panel' }, el('h2', {}, 'Facts'), el('dl', { class: 'facts' }, facts.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v === undefined ? '' : v)]))),
    el('h2', {}, 'Stills'), el('p', { class: 'help' }, 'Red box: the accused. Lines: the camera\'s zones (blue carriageway, white crosswalk, green kerb). Click a still for full size.'),
    el('div', { class: 'grid', id: 'stills' }, stills.map(m => still(c, m, rec))),
    clipItem ? clip(clipItem, rec) : el('p', {}, 'No clip in this packet.'),
    el('div', { class: 'panel' }, el('h2', {}, 'Path on the ground'), plan(rec)),
    el('div', { class: 'panel' }, el('h2', {}, 'Is it a real person? (liveness checks)'), liveness(rec)),
    el('div', { class: 'panel' }, el('h2', {}, 'Decisions'), decisions.length ? historyTable(decisions, 'decisions') : el('p', {}, 'None yet.')),
    el('details', { class: 'panel' }, el('summary', {}, 'Full history, every view included (' + c.history.length + ' rows)'), historyTable(c.history, 'history')),
    el('p', {}, el('a', { href: '/api/cases/' + c.id + '/bundle', download: 'case-' + c.id + '.tar' }, 'Download the case bundle'),
      ' — check it offline with crosswatch verify case-' + c.id.slice(0, 8) + '….tar --pubkey DEVICE.pub (the site\'s device key)'));
  markOpened('\u0000');
}

// ---- audit ----
async function showAudit() {
  ++viewSeq;
  setView('audit');
  const input = (id, ph, size) => el('input', { id, placeholder: ph, size });
  const caseF = input('audit-case', 'case id', 38), actorF = input('audit-actor', 'user', 14), actionF = input('audit-action', 'action, e.g. review:*', 18);
  const body = el('tbody');
  const more = el('button', { type: 'button', id: 'audit-older', hidden: true }, 'Older rows');
  let before = 0;
  const load = async append => {
    const q = new URLSearchParams({ limit: '200' });
    if (caseF.value) q.set('case', caseF.value);
    if (actorF.value) q.set('actor', actorF.value);
    if (actionF.value) q.set('action', actionF.value);
    if (append && before) q.set('before', String(before));
    const rows = await api('GET', '/api/audit?' + q);
    const trs = rows.map(r => el('tr', {}, el('td', {}, String(r.seq)), el('td', {}, r.utc), el('td', {}, r.actor), el('td', {}, r.action),
      el('td', {}, r.packet_id ? el('a', { href: '#/case/' + r.packet_id }, r.packet_id.slice(0, 8)) : ''), el('td', {}, el('pre', { class: 'detail' }, r.detail || '')),
      el('td', { title: r.hash }, (r.hash || '').slice(0, 12))));
    if (append) body.append(...trs); else body.replaceChildren(...trs);
    before = rows.length ? rows[rows.length - 1].seq : 0;
    more.hidden = rows.length < 200;
  };
  more.addEventListener('click', () => load(true));
  document.getElementById('app').replaceChildren(el('h1', {}, 'Audit log'),
    el('p', { class: 'help' }, 'Newest first, 200 rows a page. Append-only, hash-chained and signed: crosswatch verify checks the chain and every signature.'),
    el('div', { class: 'filters' }, caseF, actorF, actionF, el('button', { type: 'button', onclick: () => load(false) }, 'Show')),
    el('table', { id: 'audit' }, el('thead', {}, el('tr', {}, ['#', 'UTC', 'Who', 'What', 'Case', 'Detail', 'Hash'].map(h => el('th', {}, h)))), body), more);
  await load(false);
}

// ---- users ----
async function showUsers() {
  const seq = ++viewSeq;
  setView('users');
  const users = await api('GET', '/api/users');
  if (stale(seq)) return;
  const status = el('p', { class: 'error', id: 'users-status' });
  const act = (path, body) => async () => {
    status.textContent = '';
    try { await api('POST', path, body ? body() : {}); toast('done'); showUsers(); } catch (e) { status.textContent = e.message; }
  };
  const name = el('input', { id: 'new-name', placeholder: 'name' });
  const role = el('select', { id: 'new-role' }, ['reviewer', 'supervisor', 'auditor', 'admin'].map(r => el('option', { value: r }, r)));
  const pw = el('input', { id: 'new-password', type: 'password', placeholder: 'password (10 or more characters)', autocomplete: 'new-password' });
  document.getElementById('app').replaceChildren(el('h1', {}, 'Users'),
    el('p', { class: 'help' }, 'A locked account (5 wrong passwords) opens again after 15 minutes, or at once when you set a new password for it.'),
    el('table', { id: 'users' }, el('thead', {}, el('tr', {}, ['Name', 'Role', 'Status', 'Created', ''].map(h => el('th', {}, h)))),
      el('tbody', {}, users.map(u => {
        const self = u.name === me.user;
        const newPw = el('input', { type: 'password', placeholder: 'new password', autocomplete: 'new-password' });
        const newRole = el('select', {}, ['reviewer', 'supervisor', 'auditor', 'admin'].map(r => el('option', { value: r, selected: r === u.role }, r)));
        const base = '/api/users/' + encodeURIComponent(u.name) + '/';
        return el('tr', {}, el('td', {}, u.name + (self ? ' (you)' : '')), el('td', {}, u.role), el('td', {}, u.enabled ? (u.locked ? 'locked' : 'enabled') : 'disabled'), el('td', {}, u.created),
          el('td', { class: 'actions' }, self ? null : el('button', { type: 'button', onclick: act(base + (u.enabled ? 'disable' : 'enable')) }, u.enabled ? 'Disable' : 'Enable'),
            self ? null : newRole, self ? null : el('button', { type: 'button', onclick: act(base + 'role', () => ({ role: newRole.value })) }, 'Set role'),
            newPw, el('button', { type: 'button', onclick: act(base + 'passwd', () => ({ password: newPw.value })) }, u.locked ? 'Set password (unlocks)' : 'Set password')));
      }))),
    el('h2', {}, 'Add a user'), el('div', { class: 'actions' }, name, role, pw,
      el('button', { class: 'primary', type: 'button', id: 'add-user', onclick: act('/api/users', () => ({ name: name.value, role: role.value, password: pw.value })) }, 'Add')),
    status);
}

// ---- routing ----
async function route() {
  if (!me) return;
  const h = location.hash;
  try {
    if (h.startsWith('#/case/')) await showCase(decodeURIComponent(h.slice(7)));
    else if (h === '#/audit') await showAudit();
    else if (h === '#/users') await showUsers();
    else await showQueue();
  } catch (e) {
    if (me) document.getElementById('app').replaceChildren(el('p', { class: 'error', id: 'page-error' }, e.message), el('p', {}, el('a', { href: '#/queue' }, '← queue')));
  }
}

window.addEventListener('hashchange', route);
document.addEventListener('keydown', ev => {
  if (!me || ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName)) return;
  if (location.hash.startsWith('#/case/') && (ev.key === 'q' || ev.key === 'Escape')) location.hash = '#/queue';
  else if (!location.hash.startsWith('#/case/') && (location.hash === '#/queue' || location.hash === '')) queueKey(ev);
});
document.getElementById('logout').addEventListener('click', async () => {
  try { await api('POST', '/api/logout'); } catch (e) { /* ended anyway */ }
  me = null;
  location.hash = '';
  showLogin('Logged out.');
});
api('GET', '/api/session').then(() => start()).catch(() => { if (!me) showLogin(''); });
