// One service: its callers and callees, its operations, its figures over time.
import { lineChart } from './charts.js';
import { esc, fmtMs, fmtPct, fmtRate, nodeName } from './util.js';

function link(id) {
  const name = nodeName(id);
  return id.startsWith('service:') ? `<a href="#/service/${encodeURIComponent(name)}">${esc(name)}</a>` : esc(id);
}

function edgeRows(edges, side) {
  if (edges.length === 0) return '<p class="muted">none</p>';
  return `<table><tr><th>${side}</th><th class="num">rate</th><th class="num">errors</th><th class="num">p99</th></tr>
    ${edges.map((e) => `<tr><td>${link(side === 'caller' ? e.source : e.target)} <span class="muted">${esc(e.kind)}</span></td>
      <td class="num">${esc(fmtRate(e.callRate))}</td><td class="num">${esc(fmtPct(e.errorRate))}</td><td class="num">${esc(fmtMs(e.latencyMs?.p99))}</td></tr>`).join('')}</table>`;
}

export function renderService(doc) {
  const s = doc.service;
  const series = doc.series ?? [];
  const ops = (s.operations ?? []).map((o) => `<tr><td>${esc(o.name)}</td><td class="num">${esc(fmtRate(o.requestRate))}</td>
    <td class="num">${esc(fmtPct(o.errorRate))}</td><td class="num">${esc(fmtMs(o.latencyMs?.p99))}</td><td class="num">${esc(fmtMs(o.selfTimeMs?.p99))}</td></tr>`).join('');
  return `<h3>${esc(s.name)} <span class="muted">service</span></h3>
    <div class="muted">${esc(fmtRate(s.requestRate))} · errors ${esc(fmtPct(s.errorRate))} · p99 ${esc(fmtMs(s.latencyMs?.p99))} · ${esc((s.instances ?? []).length)} instances</div>
    <h4>Over the last ${esc(Math.round(doc.window?.seconds ?? 0))} s</h4>
    <div class="charts">
      ${lineChart('requests/s', series.map((p) => ({ time: p.time, value: p.requestRate })), fmtRate)}
      ${lineChart('error rate', series.map((p) => ({ time: p.time, value: p.errorRate })), fmtPct)}
      ${lineChart('p99 latency', series.map((p) => ({ time: p.time, value: p.p99LatencyMs })), fmtMs)}
    </div>
    <h4>Upstream (callers)</h4>${edgeRows(doc.upstream, 'caller')}
    <h4>Downstream (callees)</h4>${edgeRows(doc.downstream, 'callee')}
    <h4>Operations</h4>
    <table><tr><th>operation</th><th class="num">rate</th><th class="num">errors</th><th class="num">p99</th><th class="num">self p99</th></tr>${ops}</table>
    ${(s.exemplarTraceIds ?? []).length ? `<h4>Exemplar traces</h4><ul>${s.exemplarTraceIds.slice(0, 5).map((t) => `<li><a class="trace-link" href="#/trace/${esc(t)}">${esc(t)}</a></li>`).join('')}</ul>` : ''}`;
}

/** Non-service nodes (queues, databases, peers): what the graph knows of them. */
export function renderNode(node, edges) {
  const into = edges.filter((e) => e.target === node.id);
  const out = edges.filter((e) => e.source === node.id);
  return `<h3>${esc(node.name)} <span class="muted">${esc(node.type)}</span></h3>
    <div class="muted">${esc(fmtRate(node.requestRate))}</div>
    <h4>Upstream (callers)</h4>${edgeRows(into, 'caller')}
    <h4>Downstream (callees)</h4>${edgeRows(out, 'callee')}`;
}
