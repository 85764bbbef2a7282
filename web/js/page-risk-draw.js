// page-risk-draw.js: the offline map of commune levels, drawn as SVG by this code (no tiles, no
// library). District outlines come from /api/risk/boundaries (data/risk/*.geojson); each commune is a
// square with its short name, in a grid inside its district's outline, coloured by level. A commune
// whose province imported its boundary is drawn as that polygon instead (a true choropleth).
// Districts without an outline are drawn as labelled boxes side by side.
import { LEVEL_COLORS, LEVEL_TEXT, shortName } from './page-risk-common.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 720;
const H = 520;
const PAD = 16;

function el(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// Every ring of a Polygon or MultiPolygon geometry.
function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  return [];
}

function bboxOf(list) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of list) for (const [x, y] of ring) {
    b[0] = Math.min(b[0], x); b[1] = Math.min(b[1], y); b[2] = Math.max(b[2], x); b[3] = Math.max(b[3], y);
  }
  return b;
}

// Equirectangular projection scaled to fit the drawing.
function projection(bbox) {
  const k = Math.cos(((bbox[1] + bbox[3]) / 2) * Math.PI / 180);
  const gw = (bbox[2] - bbox[0]) * k || 1e-6;
  const gh = (bbox[3] - bbox[1]) || 1e-6;
  const s = Math.min((W - 2 * PAD) / gw, (H - 2 * PAD) / gh);
  const ox = (W - gw * s) / 2;
  const oy = (H - gh * s) / 2;
  return ([x, y]) => [ox + (x - bbox[0]) * k * s, oy + (bbox[3] - y) * s];
}

function pathOf(list, project) {
  return list.map((ring) => ring.map((p, i) => {
    const [x, y] = project(p);
    return `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
  }).join('') + 'Z').join('');
}

// The square tiles of a district's communes, centred on (cx, cy) within a box of (bw, bh).
function drawTiles(svg, communes, cx, cy, bw, bh) {
  const n = communes.length;
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const gap = 4;
  const size = Math.max(22, Math.min(96, (bw * 0.85 - gap * (cols - 1)) / cols, (bh * 0.85 - gap * (rows - 1)) / rows));
  const x0 = cx - (cols * size + (cols - 1) * gap) / 2;
  const y0 = cy - (rows * size + (rows - 1) * gap) / 2;
  communes.forEach((c, i) => {
    const x = x0 + (i % cols) * (size + gap);
    const y = y0 + Math.floor(i / cols) * (size + gap);
    const g = el('g', { class: 'risk-tile', 'data-code': c.unit_code, 'data-level': c.level });
    const rect = el('rect', { x: x.toFixed(1), y: y.toFixed(1), width: size.toFixed(1), height: size.toFixed(1), rx: 3,
      fill: LEVEL_COLORS[c.level] || '#9e9e9e', 'data-code': c.unit_code, class: 'risk-cell' });
    rect.appendChild(el('title', {}, `${c.unit_name}: cấp ${c.level}${c.status === 'draft' ? ' (dự kiến)' : ''}`));
    g.appendChild(rect);
    const name = shortName(c.unit_name);
    const words = name.split(' ');
    const per = words.length > 3 && size > 40 ? 3 : words.length > 1 && size > 40 ? 2 : 1;
    const lines = [];
    for (let k = 0; k < per; k++) {
      const part = words.slice(Math.round((k * words.length) / per), Math.round(((k + 1) * words.length) / per)).join(' ');
      if (part) lines.push(part);
    }
    const longest = Math.max(...lines.map((l) => l.length), 3);
    const fs = Math.max(7, Math.min(12, ((size - 8) / longest) * 1.8));
    lines.forEach((line, j) => {
      g.appendChild(el('text', { x: (x + size / 2).toFixed(1), y: (y + size / 2 + (j - (lines.length - 1) / 2) * fs * 1.15 + fs * 0.35).toFixed(1),
        'text-anchor': 'middle', 'font-size': fs.toFixed(1), fill: LEVEL_TEXT[c.level] || '#fff', 'pointer-events': 'none' }, line));
    });
    svg.appendChild(g);
  });
}

function drawPolygons(svg, communes, polygons, project) {
  for (const c of communes) {
    const path = el('path', { d: pathOf(rings(polygons.get(c.unit_code)), project), fill: LEVEL_COLORS[c.level] || '#9e9e9e',
      stroke: '#ffffff', 'stroke-width': 1, class: 'risk-cell risk-polygon', 'data-code': c.unit_code, 'data-level': c.level });
    path.appendChild(el('title', {}, `${c.unit_name}: cấp ${c.level}`));
    svg.appendChild(path);
  }
}

// items: RISK_ROW list; boundaries: {districts, communes} FeatureCollections. Returns the <svg>.
export function drawRiskMap(items, boundaries) {
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', class: 'risk-map-svg',
    'aria-label': 'Bản đồ cấp độ dịch theo xã/phường' });
  svg.appendChild(el('rect', { x: 0, y: 0, width: W, height: H, fill: '#f4f6f8' }));
  const byDistrict = new Map();
  for (const c of items) {
    if (!byDistrict.has(c.district_code)) byDistrict.set(c.district_code, []);
    byDistrict.get(c.district_code).push(c);
  }
  const outlines = new Map(((boundaries && boundaries.districts && boundaries.districts.features) || [])
    .filter((f) => byDistrict.has(f.properties.code)).map((f) => [f.properties.code, f]));
  const polygons = new Map(((boundaries && boundaries.communes && boundaries.communes.features) || [])
    .map((f) => [f.properties.code, f.geometry]));
  const drawn = [...byDistrict.keys()].filter((d) => outlines.has(d));
  const boxed = [...byDistrict.keys()].filter((d) => !outlines.has(d));
  if (drawn.length && !boxed.length) {
    const project = projection(bboxOf(drawn.flatMap((d) => rings(outlines.get(d).geometry))));
    for (const d of drawn) {
      const r = rings(outlines.get(d).geometry);
      svg.appendChild(el('path', { d: pathOf(r, project), fill: '#ffffff', stroke: '#455a64', 'stroke-width': 1.5, class: 'risk-district', 'data-code': d }));
    }
    for (const d of drawn) {
      const r = rings(outlines.get(d).geometry);
      const b = bboxOf(r);
      const [x1, y1] = project([b[0], b[3]]);
      const [x2, y2] = project([b[2], b[1]]);
      const communes = byDistrict.get(d);
      drawPolygons(svg, communes.filter((c) => polygons.has(c.unit_code)), polygons, project);
      const tiles = communes.filter((c) => !polygons.has(c.unit_code));
      if (tiles.length) drawTiles(svg, tiles, (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1);
      if (drawn.length > 1) svg.appendChild(el('text', { x: ((x1 + x2) / 2).toFixed(1), y: (y1 + 12).toFixed(1), 'text-anchor': 'middle', 'font-size': 10, fill: '#37474f' }, shortName(communes[0].district_name)));
    }
    return svg;
  }
  // No outline (or only some): one labelled box per district, side by side.
  const all = [...byDistrict.keys()];
  const cols = Math.ceil(Math.sqrt(all.length)) || 1;
  const rows = Math.ceil(all.length / cols) || 1;
  const bw = (W - PAD * 2) / cols;
  const bh = (H - PAD * 2) / rows;
  all.forEach((d, i) => {
    const x = PAD + (i % cols) * bw;
    const y = PAD + Math.floor(i / cols) * bh;
    svg.appendChild(el('rect', { x: x + 3, y: y + 3, width: bw - 6, height: bh - 6, rx: 8, fill: '#ffffff', stroke: '#455a64', 'stroke-width': 1.5, class: 'risk-district', 'data-code': d }));
    svg.appendChild(el('text', { x: x + bw / 2, y: y + 18, 'text-anchor': 'middle', 'font-size': 11, fill: '#37474f' }, byDistrict.get(d)[0].district_name || d));
    drawTiles(svg, byDistrict.get(d), x + bw / 2, y + bh / 2 + 8, bw - 12, bh - 30);
  });
  return svg;
}
