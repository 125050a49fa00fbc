// A node's health against its baseline (the graph of the minutes before the window shown), and
// what the open incidents say of it.

const RANK = { unknown: 0, ok: 1, warn: 2, bad: 3 };

/** Error rate and latency quantiles of a node: its own for a service, else from calls into it. */
export function figures(node, incoming) {
  if (node.type === 'service' && node.requests > 0) {
    return { errorRate: node.errorRate ?? 0, p50: node.latencyMs?.p50 ?? null, p99: node.latencyMs?.p99 ?? null };
  }
  let calls = 0;
  let errors = 0;
  let p50 = null;
  let p99 = null;
  for (const e of incoming ?? []) {
    calls += e.calls ?? 0;
    errors += (e.errorRate ?? 0) * (e.calls ?? 0);
    const latency = e.serverLatencyMs ?? e.latencyMs ?? e.queueWaitMs;
    if (latency) {
      p50 = Math.max(p50 ?? 0, latency.p50);
      p99 = Math.max(p99 ?? 0, latency.p99);
    }
  }
  return calls === 0 ? null : { errorRate: errors / calls, p50, p99 };
}

// How much slower now is than before, at one quantile: the ratio and the added milliseconds.
function slower(now, before) {
  if (now == null || !before) return { ratio: 1, added: 0 };
  return { ratio: now / before, added: now - before };
}

/**
 * 'ok', 'warn', 'bad' or 'unknown' (no figures to compare). The median is compared as well as the
 * p99, because a baseline that already holds a minute of the fault has the fault in its tail.
 */
export function health(node, incoming, baseNode, baseIncoming) {
  const now = figures(node, incoming);
  if (!now) return 'unknown';
  const before = baseNode ? figures(baseNode, baseIncoming) : null;
  if (!before) {
    return now.errorRate >= 0.2 ? 'bad' : 'unknown';
  }
  const errUp = now.errorRate - before.errorRate;
  const tail = slower(now.p99, before.p99);
  const median = slower(now.p50, before.p50);
  const latency = (ratio, added) => (tail.ratio >= ratio && tail.added >= added) || (median.ratio >= ratio && median.added >= added);
  if ((errUp >= 0.05 && now.errorRate >= 2 * before.errorRate) || latency(3, 50)) return 'bad';
  if ((errUp >= 0.01 && now.errorRate >= 1.5 * before.errorRate) || latency(1.5, 20)) return 'warn';
  return 'ok';
}

/** Health the open incidents give: the root cause failing, the hops it reached degraded. */
export function incidentHealth(incidents) {
  const out = new Map();
  for (const incident of incidents) {
    if (incident.status === 'RESOLVED') continue;
    for (const hop of incident.path) {
      if (hop.role === 'propagating' || hop.role === 'entry') out.set(hop.node, worst(out.get(hop.node), 'warn'));
    }
    out.set(incident.rootCause.node, 'bad');
  }
  return out;
}

export function worst(a, b) {
  return (RANK[a] ?? -1) >= (RANK[b] ?? -1) ? a : b;
}
