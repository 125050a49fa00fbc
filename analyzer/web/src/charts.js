// Small line charts in plain SVG: one series, its range, its latest value.
import { esc } from './util.js';

const WIDTH = 380;
const HEIGHT = 60;

/**
 * @param {string} title
 * @param {Array<{time: string, value: number|null}>} points
 * @param {(v: number) => string} format
 */
export function lineChart(title, points, format) {
  const values = points.map((p) => p.value).filter((v) => v != null && Number.isFinite(v));
  if (values.length === 0) {
    return `<div class="chart"><div class="title"><span>${esc(title)}</span><span>no data</span></div></div>`;
  }
  const max = Math.max(...values);
  const min = Math.min(0, ...values);
  const span = max - min || 1;
  const step = points.length > 1 ? WIDTH / (points.length - 1) : 0;
  const coords = [];
  points.forEach((p, i) => {
    if (p.value != null && Number.isFinite(p.value)) {
      const y = HEIGHT - 2 - ((p.value - min) / span) * (HEIGHT - 4);
      coords.push(`${(i * step).toFixed(1)},${y.toFixed(1)}`);
    }
  });
  const area = coords.length > 1 ? `<polygon class="area" points="0,${HEIGHT} ${coords.join(' ')} ${((points.length - 1) * step).toFixed(1)},${HEIGHT}"/>` : '';
  const latest = values[values.length - 1];
  return `<div class="chart"><div class="title"><span>${esc(title)}</span><span>now ${esc(format(latest))} · max ${esc(format(max))}</span></div>`
    + `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" preserveAspectRatio="none">${area}<polyline points="${coords.join(' ')}"/></svg></div>`;
}
