// The page: wires the graph, the incident list, the details panel and the trace view to the API.
// Routes live in the URL fragment: #/incident/{id}, #/service/{name}, #/trace/{traceId}.
import './app.css';
import { createGraph } from './graph.js';
import { incidentHealth } from './health.js';
import { renderDetail, renderList, sortIncidents } from './incidents.js';
import { renderNode, renderService } from './service.js';
import { renderTrace } from './trace.js';
import { esc, getJson } from './util.js';

const POLL_MS = 3000;
const BASELINE_EVERY = 10; // polls
const CURRENT_WINDOW = '30s';
const BASELINE_WINDOW = '10m';
const SLIDER_STEP_MS = 15000;

const $ = (id) => document.getElementById(id);
const status = $('status');
const incidentsById = new Map();
const state = {
  graph: null, baseline: null, baselineAt: null, latestToMs: null, atMs: null,
  selected: null, polls: 0, lastUpdateMs: null, ready: false,
};

const graph = createGraph($('graph'), (id) => {
  const node = state.graph?.nodes.find((n) => n.id === id);
  if (node?.type === 'service') {
    location.hash = `#/service/${encodeURIComponent(node.name)}`;
  } else if (node) {
    state.selected = null;
    graph.highlight(null);
    $('details').innerHTML = renderNode(node, state.graph.edges);
  }
});

function setStatus(text, error = false) {
  status.textContent = text;
  status.classList.toggle('error', error);
}

function atParam(ms) {
  return ms == null ? '' : `&at=${Math.round(ms)}`;
}

async function refreshGraph() {
  try {
    const doc = await getJson(`/api/v1/graph?window=${CURRENT_WINDOW}${atParam(state.atMs)}`);
    if (!doc.window) {
      setStatus('waiting for the first window of spans…');
      return;
    }
    const toMs = Date.parse(doc.window.to);
    if (state.atMs == null) state.latestToMs = toMs;
    const baselineAt = toMs - 30000;
    // The baseline moves slowly, so it is fetched now and then; but again at once when it cannot
    // colour the graph (it was empty, or event time jumped, as when a backlog is processed).
    const stale = !state.baseline || (state.baseline.nodes ?? []).length * 2 < doc.nodes.length
      || Math.abs(baselineAt - state.baselineAt) > 10000;
    if (stale || state.polls % BASELINE_EVERY === 0) {
      state.baseline = await getJson(`/api/v1/graph?window=${BASELINE_WINDOW}${atParam(baselineAt)}`).catch(() => null);
      state.baselineAt = baselineAt;
    }
    state.polls++;
    state.graph = doc;
    const live = state.atMs == null ? incidentHealth(incidentsById.values()) : new Map();
    state.lastUpdateMs = graph.update(doc, state.baseline, live);
    state.ready = true;
    const when = state.atMs == null ? 'live' : 'at';
    setStatus(`${when} ${doc.window.to.substring(11, 19)} UTC · ${doc.nodes.length} nodes · ${doc.edges.length} edges`);
    if (state.selected) graph.highlight(incidentsById.get(state.selected) ?? null);
  } catch (error) {
    setStatus(`graph: ${error.message}`, true);
  }
}

function renderIncidents() {
  const list = sortIncidents([...incidentsById.values()]);
  renderList($('incidents'), list, state.selected);
  const open = list.filter((i) => i.status !== 'RESOLVED').length;
  $('incident-count').textContent = list.length ? `(${open} open, ${list.length - open} resolved)` : '';
  if (state.selected && incidentsById.has(state.selected)) {
    $('details').innerHTML = renderDetail(incidentsById.get(state.selected));
  }
}

async function refreshIncidents() {
  try {
    const doc = await getJson('/api/v1/incidents?status=all&limit=200');
    doc.incidents.forEach((i) => incidentsById.set(i.id, i));
    renderIncidents();
  } catch (error) {
    setStatus(`incidents: ${error.message}`, true);
  }
}

function followIncidents() {
  const source = new EventSource('/api/v1/incidents/stream');
  source.addEventListener('incident', (event) => {
    const incident = JSON.parse(event.data);
    const known = incidentsById.get(incident.id);
    if (!known || known.revision <= incident.revision || incident.status === 'RESOLVED') {
      incidentsById.set(incident.id, incident);
      renderIncidents();
      if (state.selected === incident.id) graph.highlight(incident);
    }
  });
}

async function route() {
  const [, kind, raw] = location.hash.match(/^#\/(incident|service|trace)\/(.+)$/) ?? [];
  const arg = raw ? decodeURIComponent(raw) : null;
  if (kind !== 'trace') $('trace-pane').hidden = true;
  if (kind === 'incident') {
    state.selected = arg;
    const incident = incidentsById.get(arg) ?? await getJson(`/api/v1/incidents/${encodeURIComponent(arg)}`).catch(() => null);
    if (!incident) {
      $('details').innerHTML = `<p class="muted">No incident ${esc(arg)}.</p>`;
      return;
    }
    incidentsById.set(incident.id, incident);
    renderIncidents();
    graph.highlight(incident);
  } else if (kind === 'service') {
    state.selected = null;
    graph.highlight(null);
    renderIncidents();
    graph.focus(`service:${arg}`);
    try {
      const doc = await getJson(`/api/v1/services/${encodeURIComponent(arg)}?window=5m${atParam(state.atMs)}`);
      $('details').innerHTML = renderService(doc);
    } catch (error) {
      $('details').innerHTML = `<p class="muted">${esc(error.message)}</p>`;
    }
  } else if (kind === 'trace') {
    const pane = $('trace-pane');
    pane.hidden = false;
    pane.innerHTML = '<p class="muted">Loading the trace…</p>';
    try {
      pane.innerHTML = renderTrace(await getJson(`/api/v1/traces/${encodeURIComponent(arg)}`));
    } catch (error) {
      pane.innerHTML = `<button class="close" type="button" data-close>Close</button><p>Trace ${esc(arg)}: ${esc(error.message)}</p>`;
    }
  } else {
    state.selected = null;
    graph.highlight(null);
    renderIncidents();
    $('details').innerHTML = '<p class="muted">Pick an incident to see its path, or a node for its service view.</p>';
  }
}

let previousHash = '#/';
window.addEventListener('hashchange', (event) => {
  const old = new URL(event.oldURL).hash;
  if (!old.startsWith('#/trace/')) previousHash = old || '#/';
  route();
});
$('incidents').addEventListener('click', (event) => {
  const item = event.target.closest('li[data-id]');
  if (item) location.hash = `#/incident/${encodeURIComponent(item.dataset.id)}`;
});
$('trace-pane').addEventListener('click', (event) => {
  if (event.target.closest('[data-close]')) location.hash = previousHash;
});
$('relayout').addEventListener('click', () => graph.relayout());
$('search').addEventListener('input', (event) => graph.search(event.target.value));
$('search').addEventListener('keydown', (event) => {
  if (event.key !== 'Enter') return;
  const matches = graph.search(event.target.value);
  if (matches.length > 0) {
    const id = matches[0];
    if (id.startsWith('service:')) location.hash = `#/service/${encodeURIComponent(id.substring(8))}`;
    else graph.focus(id);
  }
});

let sliderTimer = null;
$('time').addEventListener('input', (event) => {
  const steps = Number(event.target.value);
  if (steps === 0 || state.latestToMs == null) {
    state.atMs = null;
    $('time-label').textContent = 'live';
  } else {
    state.atMs = state.latestToMs + steps * SLIDER_STEP_MS;
    const back = -steps * SLIDER_STEP_MS / 1000;
    $('time-label').textContent = `−${Math.floor(back / 60)}m${String(back % 60).padStart(2, '0')}s`;
  }
  clearTimeout(sliderTimer);
  sliderTimer = setTimeout(refreshGraph, 150);
});

// Read by the browser tests (and handy in the console).
window.faultline = {
  state: () => ({ ...graph.state(), ready: state.ready, lastUpdateMs: state.lastUpdateMs, selected: state.selected }),
  incidents: () => sortIncidents([...incidentsById.values()]),
};

async function loop() {
  if (state.atMs == null && !document.hidden) await refreshGraph();
  setTimeout(loop, POLL_MS);
}

refreshIncidents();
followIncidents();
setInterval(refreshIncidents, 15000);
loop();
route();
