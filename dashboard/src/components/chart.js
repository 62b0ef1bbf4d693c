// A bar chart drawn as SVG: enough for counts by day, channel or hour, no chart library.
import { html } from '../lib/html.js';

export function BarChart({ data, label, height = 160 }) {
  if (!data.length) return html`<p class="muted">No data in this range.</p>`;
  const max = Math.max(1, ...data.map(([, v]) => v));
  const w = 600;
  const bw = w / data.length;
  const every = Math.ceil(data.length / 12);
  return html`<svg class="chart" viewBox=${`0 0 ${w} ${height + 24}`} role="img" aria-label=${`${label}: ${data.map(([k, v]) => `${k} ${v}`).join(', ')}`}>
    <line class="axis" x1="0" x2=${w} y1=${height} y2=${height} />
    ${data.map(([k, v], i) => {
      const h = (v / max) * (height - 14);
      return html`<g><rect class="bar" x=${i * bw + bw * 0.15} width=${bw * 0.7} y=${height - h} height=${h}><title>${k}: ${v}</title></rect>
        ${v ? html`<text x=${i * bw + bw / 2} y=${height - h - 3} text-anchor="middle">${v}</text>` : null}
        ${i % every === 0 ? html`<text x=${i * bw + bw / 2} y=${height + 16} text-anchor="middle">${String(k).slice(-5)}</text>` : null}</g>`;
    })}
  </svg>`;
}
