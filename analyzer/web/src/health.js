// A node's health against its baseline (the graph of the minutes before the window shown).

/** Error rate and p99 of a node: its own for a service, else from the calls into it. */
export function figures(node, incoming) {
  if (node.type === 'service' && node.requests > 0) {
    return { errorRate: node.errorRate ?? 0, p99: node.latencyMs?.p99 ?? null, calls: node.requests };
  }
  let calls = 0;
  let errors = 0;
  let p99 = null;
  for (const e of incoming ?? []) {
    calls += e.calls ?? 0;
    errors += (e.errorRate ?? 0) * (e.calls ?? 0);
    const latency = e.serverLatencyMs?.p99 ?? e.latencyMs?.p99 ?? e.queueWaitMs?.p99;
    if (latency != null) p99 = Math.max(p99 ?? 0, latency);
  }
  return calls === 0 ? null : { errorRate: errors / calls, p99, calls };
}

/** 'ok', 'warn', 'bad' or 'unknown' (no figures to compare). */
export function health(node, incoming, baseNode, baseIncoming) {
  const now = figures(node, incoming);
  if (!now) return 'unknown';
  const before = baseNode ? figures(baseNode, baseIncoming) : null;
  if (!before) {
    // Nothing to compare with: only an absolute failure rate says something.
    return now.errorRate >= 0.2 ? 'bad' : 'unknown';
  }
  const errUp = now.errorRate - before.errorRate;
  const latRatio = now.p99 != null && before.p99 ? now.p99 / before.p99 : 1;
  const latUp = now.p99 != null && before.p99 != null ? now.p99 - before.p99 : 0;
  if ((errUp >= 0.05 && now.errorRate >= 2 * before.errorRate) || (latRatio >= 3 && latUp >= 50)) return 'bad';
  if ((errUp >= 0.01 && now.errorRate >= 1.5 * before.errorRate) || (latRatio >= 1.5 && latUp >= 20)) return 'warn';
  return 'ok';
}
