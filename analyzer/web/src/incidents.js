// The incident list (open first) and one incident's details.
import { esc, fmtPct, fmtTime, fmtValue, nodeName } from './util.js';

const OPEN = new Set(['OPEN', 'UPDATED']);
const SEVERITY = { CRITICAL: 0, MAJOR: 1, MINOR: 2, WARNING: 3 };

/** Open incidents first (most severe, then latest), then resolved ones, latest first. */
export function sortIncidents(incidents) {
  return [...incidents].sort((a, b) => {
    const open = (OPEN.has(b.status) ? 1 : 0) - (OPEN.has(a.status) ? 1 : 0);
    if (open !== 0) return open;
    if (OPEN.has(a.status)) {
      const severity = (SEVERITY[a.severity] ?? 9) - (SEVERITY[b.severity] ?? 9);
      if (severity !== 0) return severity;
    }
    return String(b.detectedAt).localeCompare(String(a.detectedAt));
  });
}

export function renderList(ul, incidents, selectedId) {
  if (incidents.length === 0) {
    ul.innerHTML = '<li class="empty">No incidents. Faultline is watching.</li>';
    return;
  }
  ul.innerHTML = incidents.map((i) => `
    <li data-id="${esc(i.id)}" class="${OPEN.has(i.status) ? 'open' : 'resolved'}${i.id === selectedId ? ' selected' : ''}">
      <div><span class="badge ${esc(i.severity)}">${esc(i.severity)}</span><span class="badge ${esc(i.status)}">${esc(i.status)}</span>
        <strong>${esc(i.type.replaceAll('_', ' ').toLowerCase())}</strong> at ${esc(i.rootCause.service)}</div>
      <div class="meta">${esc(i.title)}</div>
      <div class="meta">since ${esc(fmtTime(i.startedAt))} · ${esc(i.blastRadius.services.length)} services · rev ${esc(i.revision)}</div>
    </li>`).join('');
}

function evidence(list) {
  if (!list?.length) return '<span class="muted">–</span>';
  return list.map((e) => {
    const worse = Math.abs(e.now) > Math.abs(e.before) ? ' class="worse"' : '';
    return `<div>${esc(e.signal)}: ${esc(fmtValue(e.before, e.unit))} → <span${worse}>${esc(fmtValue(e.now, e.unit))}</span></div>`;
  }).join('');
}

export function renderDetail(incident) {
  const i = incident;
  const hops = i.path.map((h) => `<tr>
      <td><a href="#/service/${encodeURIComponent(h.service)}">${esc(nodeName(h.node))}</a>${h.operation ? `<div class="muted">${esc(h.operation)}</div>` : ''}</td>
      <td><span class="role ${esc(h.role)}">${esc(h.role)}</span><div class="muted">${esc(fmtTime(h.anomalousSince))}</div></td>
      <td>${evidence(h.evidence)}</td></tr>`).join('');
  const amplification = i.amplification.length === 0 ? '<p class="muted">none measured</p>' : `<table>
      <tr><th>from → to</th><th class="num">factor</th><th class="num">baseline</th><th class="num">retries</th></tr>
      ${i.amplification.map((a) => `<tr><td>${esc(nodeName(a.from))} → ${esc(nodeName(a.to))}</td>
        <td class="num worse">×${esc(a.factor.toFixed(2))}</td><td class="num">×${esc(a.baseline.toFixed(2))}</td><td class="num">${esc(fmtPct(a.retryShare))}</td></tr>`).join('')}
    </table>`;
  const containment = i.containment.length === 0 ? '<p class="muted">none proposed</p>' : `<table>
      ${i.containment.map((c) => `<tr><td>${esc(nodeName(c.from))} → ${esc(nodeName(c.to))}</td><td><strong>${esc(c.mechanism)}</strong><div class="muted">${esc(c.reason)}</div></td></tr>`).join('')}
    </table>`;
  const traces = i.exemplarTraceIds.length === 0 ? '<p class="muted">none kept</p>'
    : `<ul class="traces">${i.exemplarTraceIds.map((t) => `<li><a class="trace-link" href="#/trace/${esc(t)}">${esc(t)}</a></li>`).join('')}</ul>`;
  const candidates = i.candidates.slice(1, 4).map((c) => `${esc(nodeName(c.node))} (${esc(c.score.toFixed(2))})`).join(', ');
  return `<h3>${esc(i.title)}</h3>
    <div><span class="badge ${esc(i.severity)}">${esc(i.severity)}</span><span class="badge ${esc(i.status)}">${esc(i.status)}</span>
      <span class="muted">started ${esc(fmtTime(i.startedAt))}, detected ${esc(fmtTime(i.detectedAt))}, revision ${esc(i.revision)}</span></div>
    <h4>Root cause</h4>
    <div><a href="#/service/${encodeURIComponent(i.rootCause.service)}"><strong>${esc(i.rootCause.service)}</strong></a> ${esc(i.rootCause.operation ?? '')}
      <span class="muted">score ${esc(i.rootCause.score.toFixed(2))}${candidates ? `; next: ${candidates}` : ''}</span></div>
    ${evidence(i.rootCause.evidence)}
    <h4>Propagation path (before → now)</h4>
    <table class="hops"><tr><th>hop</th><th>role</th><th>evidence</th></tr>${hops}</table>
    <h4>Amplification</h4>${amplification}
    <h4>Containment points</h4>${containment}
    <h4>Blast radius</h4>
    <div>${esc(i.blastRadius.services.join(', '))}${i.blastRadius.atRisk.length ? `<div class="muted">at risk: ${esc(i.blastRadius.atRisk.join(', '))}</div>` : ''}</div>
    <h4>Exemplar traces</h4>${traces}`;
}
