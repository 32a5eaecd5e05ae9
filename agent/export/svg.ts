/**
 * Server-side SVG charts for the HTML report: plain markup, no script, no fonts to fetch.
 * Pure functions from data to an <svg> string; every text passes through escapeHtml.
 */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

export interface Bar {
  label: string;
  value: number;
  color: string;
  /** Text at the end of the bar (e.g. the formatted count). */
  valueText: string;
}

/** Horizontal bar chart, one row per bar. */
export function horizontalBars(bars: readonly Bar[], opts: { title: string; width?: number }): string {
  const width = opts.width ?? 720;
  const rowH = 28;
  const labelW = 230;
  const valueW = 70;
  const height = Math.max(1, bars.length) * rowH + 8;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plotW = width - labelW - valueW;
  const rows = bars
    .map((b, i) => {
      const y = 4 + i * rowH;
      const w = b.value > 0 ? Math.max(2, (b.value / max) * plotW) : 0;
      return (
        `<g class="bar"><text x="${labelW - 8}" y="${y + 18}" text-anchor="end">${escapeHtml(b.label)}</text>` +
        `<rect x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" rx="2" fill="${escapeHtml(b.color)}"><title>${escapeHtml(`${b.label}: ${b.valueText}`)}</title></rect>` +
        `<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 18}" class="val">${escapeHtml(b.valueText)}</text></g>`
      );
    })
    .join('');
  return (
    `<svg class="chart" role="img" aria-label="${escapeHtml(opts.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(opts.title)}</title>${rows}</svg>`
  );
}

/** A "nice" axis maximum and step: 1, 2 or 5 × 10^k. */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = Math.max(1, (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag);
  return { top: Math.ceil(max / step) * step, step };
}

/** Column chart over time buckets, with a y grid and thinned x labels. */
export function columns(
  points: ReadonlyArray<{ label: string; value: number }>,
  opts: { title: string; width?: number; height?: number; color?: string; format?: (n: number) => string },
): string {
  const width = opts.width ?? 900;
  const height = opts.height ?? 240;
  const fmt = opts.format ?? ((n: number) => String(n));
  const left = 48;
  const bottom = 42;
  const top = 10;
  const plotW = width - left - 10;
  const plotH = height - top - bottom;
  const n = Math.max(1, points.length);
  const { top: yMax, step } = niceScale(Math.max(0, ...points.map((p) => p.value)));
  const slot = plotW / n;
  const barW = Math.max(1, slot * 0.8);
  let grid = '';
  for (let v = 0; v <= yMax; v += step) {
    const y = top + plotH - (v / yMax) * plotH;
    grid += `<line x1="${left}" x2="${width - 10}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" class="grid"/><text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" class="axis">${escapeHtml(fmt(v))}</text>`;
  }
  const labelEvery = Math.max(1, Math.ceil(n / 12));
  let bars = '';
  points.forEach((p, i) => {
    const h = (p.value / yMax) * plotH;
    const x = left + i * slot + (slot - barW) / 2;
    if (p.value > 0) {
      bars += `<rect x="${x.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${Math.max(1, h).toFixed(1)}" fill="${escapeHtml(opts.color ?? '#2563eb')}"><title>${escapeHtml(`${p.label}: ${fmt(p.value)}`)}</title></rect>`;
    }
    if (i % labelEvery === 0) {
      bars += `<text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" class="axis">${escapeHtml(p.label)}</text>`;
    }
  });
  return (
    `<svg class="chart" role="img" aria-label="${escapeHtml(opts.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(opts.title)}</title>${grid}<line x1="${left}" x2="${width - 10}" y1="${top + plotH}" y2="${top + plotH}" class="base"/>${bars}</svg>`
  );
}
