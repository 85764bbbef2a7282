// page-risk-common.js: what the risk-level pages share: the fixed level colours and labels, number
// and percentage formats, the week input. Their stylesheet is web/css/risk.css.
import { h } from './dom.js';

// Fixed colours of the four levels (Resolution 128/NQ-CP): green, yellow, orange, red.
export const LEVEL_COLORS = { 1: '#2e7d32', 2: '#fbc02d', 3: '#ef6c00', 4: '#c62828' };
export const LEVEL_TEXT = { 1: '#ffffff', 2: '#1a1a1a', 3: '#ffffff', 4: '#ffffff' };
export const LEVEL_NAMES = { 1: 'Cấp 1 – Nguy cơ thấp', 2: 'Cấp 2 – Nguy cơ trung bình', 3: 'Cấp 3 – Nguy cơ cao', 4: 'Cấp 4 – Nguy cơ rất cao' };

const PCT = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
const DEC = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });

export function fmtPct(f) { return f === null || f === undefined ? '—' : `${PCT.format(Number(f) * 100)}%`; }
export function fmtRate(r) { return DEC.format(Number(r) || 0); }

// "Phường Sông Cầu" -> "Sông Cầu": the name without its type, for a tile.
export function shortName(name) {
  return String(name || '').replace(/^(Phường|Xã|Thị trấn|Quận|Huyện|Thành phố|Thị xã)\s+/u, '');
}

export function levelBadge(level, status) {
  const lv = Number(level) || 0;
  return h('span', { class: `risk-badge risk-l${LEVEL_COLORS[lv] ? lv : 0}`, dataset: { level: String(lv) } },
  `Cấp ${lv}`, status === 'draft' ? h('span', { class: 'risk-draft' }, ' (dự kiến)') : null);
}

export function weekInput(id, value) {
  return h('input', { type: 'week', id, value: value || '', pattern: '\\d{4}-W\\d{2}', placeholder: '2021-W46' });
}

