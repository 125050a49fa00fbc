// One trace as a waterfall: spans in tree order, bars on a shared time axis, self times, and the
// critical path drawn over the bars.
import { esc, fmtMs } from './util.js';

/** Milliseconds of an ISO instant, keeping the nanoseconds the API gives (Date.parse drops them). */
export function isoMs(iso) {
  const m = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(iso);
  if (!m) return Date.parse(iso);
  return Date.parse(`${m[1]}Z`) + (m[2] ? Number(`0${m[2]}`) * 1000 : 0);
}

export function renderTrace(trace) {
  const t0 = isoMs(trace.start);
  const total = Math.max(trace.durationMs, 0.001);
  const critical = new Map();
  for (const step of trace.criticalPath) {
    if (!critical.has(step.spanId)) critical.set(step.spanId, []);
    critical.get(step.spanId).push(step);
  }
  const pct = (ms) => `${Math.max(0, Math.min(100, (ms / total) * 100)).toFixed(3)}%`;
  const rows = trace.spans.map((s) => {
    const start = isoMs(s.start) - t0; // already shifted for clock skew
    const cp = (critical.get(s.spanId) ?? []).map((c) => `<div class="cp" style="left:${pct(c.offsetMs)};width:${pct(c.durationMs)}" title="critical path ${esc(fmtMs(c.durationMs))}"></div>`).join('');
    const onPath = s.criticalPathMs > 0 || critical.has(s.spanId);
    return `<div class="row${onPath ? ' critical' : ''}" data-span="${esc(s.spanId)}">
      <div class="label" style="padding-left:${s.depth * 12}px" title="${esc(s.service)} ${esc(s.name)}"><span class="svc">${esc(s.service)}</span>${esc(s.name)}</div>
      <div class="lane"><div class="bar${s.status === 'error' ? ' error' : ''}" style="left:${pct(start)};width:${pct(s.durationMs)}"></div>${cp}</div>
      <div class="times">${esc(fmtMs(s.durationMs))} · self ${esc(fmtMs(s.selfTimeMs))}</div></div>`;
  }).join('');
  const cpTotal = trace.criticalPath.reduce((sum, c) => sum + c.durationMs, 0);
  return `<button class="close" type="button" data-close>Close</button>
    <h3>Trace <code>${esc(trace.traceId)}</code></h3>
    <div class="muted">${esc(trace.spanCount)} spans · ${esc(fmtMs(trace.durationMs))} · ${esc(trace.services.join(', '))}${trace.complete ? '' : ' · still assembling'}
      · critical path ${esc(trace.criticalPath.length)} segments, ${esc(fmtMs(cpTotal))} (red)</div>
    <div class="waterfall">
      <div class="row head"><div>span</div><div>0 – ${esc(fmtMs(total))}</div><div class="times">duration · self</div></div>
      ${rows}
    </div>`;
}
