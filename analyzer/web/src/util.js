// Small helpers shared by the views.

/** Escapes text for HTML. */
export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** GET a JSON document; rejects with the API's error message. */
export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = body?.error?.message ?? `HTTP ${response.status}`;
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return body;
}

export function fmtRate(perSecond) {
  if (perSecond == null) return '–';
  if (perSecond >= 100) return `${Math.round(perSecond)}/s`;
  if (perSecond >= 10) return `${perSecond.toFixed(1)}/s`;
  return `${perSecond.toFixed(2)}/s`;
}

export function fmtPct(ratio) {
  if (ratio == null) return '–';
  const pct = ratio * 100;
  return pct === 0 ? '0%' : pct < 0.1 ? '<0.1%' : pct < 10 ? `${pct.toFixed(1)}%` : `${Math.round(pct)}%`;
}

export function fmtMs(ms) {
  if (ms == null) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10000 ? 0 : 1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function fmtValue(value, unit) {
  if (value == null) return '–';
  if (unit === 'ms') return fmtMs(value);
  if (unit === 'ratio') return fmtPct(value);
  if (unit === '/s' || unit === 'per_second') return fmtRate(value);
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 100) / 100;
  return `${rounded}${unit ? ' ' + unit : ''}`;
}

export function fmtTime(iso) {
  if (!iso) return '–';
  return new Date(iso).toISOString().substring(11, 19);
}

/** The service a node id names ('service:cart' -> 'cart'), or the name after the type. */
export function nodeName(id) {
  const colon = id.indexOf(':');
  return colon < 0 ? id : id.substring(colon + 1);
}
