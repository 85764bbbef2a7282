// graph.js: the chains-of-transmission graph, drawn on one <canvas> without a library, fast enough for
// 25,000 nodes. layoutChains() turns the compact arrays of GET /api/chains into node positions with a
// deterministic layout: cases joined by source_case_id form clusters (chains); inside a cluster each case
// sits on a sunflower spiral (the sources first, near the centre), its F1 on a ring around it and its F2
// on an outer ring, next to the F1 they met; the clusters are packed in rows, largest first, like a grid
// of circles. ChainGraph draws it (nodes batched per colour, edges per kind, off-screen ones skipped),
// pans with a drag, zooms with the wheel or a pinch, and finds the node under the pointer through a
// uniform grid. Everything is typed arrays; nothing here touches the network.

export const KIND_F0 = 0; // an active case
export const KIND_F0_DONE = 1; // a case no longer active (recovered, died, transferred)
export const KIND_F1 = 2;
export const KIND_F2 = 3;
export const KIND_COLORS = ['#d32f2f', '#7b5ea7', '#f08c00', '#c9a400'];
export const KIND_LABELS = ['F0 đang điều trị', 'F0 đã khỏi, tử vong hoặc chuyển đi', 'F1 (tiếp xúc gần)', 'F2 (tiếp xúc với F1)'];

const EDGE_F1 = 0; // F1 - its case
const EDGE_F2 = 1; // F2 - the F1 (or case) they met
const EDGE_SOURCE = 2; // case - its source case
const EDGE_CROSS = 3; // a contact (or a case) listed by another case too
const EDGE_STYLES = [
  ['rgba(240, 140, 0, 0.45)', 1],
  ['rgba(180, 150, 0, 0.4)', 1],
  ['rgba(211, 47, 47, 0.85)', 2],
  ['rgba(90, 100, 120, 0.2)', 1],
];

const NODE_R = 3; // world units; F0 nodes are drawn larger
const SPACING = 8; // between neighbours on a ring
const RING1 = 10; // smallest F1 ring
const RING_GAP = 8; // F1 ring to F2 ring
const GAP = 10; // between cases of a cluster and between clusters
const GOLDEN = Math.PI * (3 - Math.sqrt(5));
const TAU = Math.PI * 2;

// data: {cases: [[id, person_id, source_case_id|0, status, confirmed_unix, unit_code, full_name]],
//        contacts: [[case_id, person_id, level, via_person_id|0]]}.
// opts.aspect: width / height of the drawing area, so that the packed clusters fill it.
export function layoutChains(data, opts = {}) {
  const cases = data.cases || [];
  const contacts = data.contacts || [];
  const nc = cases.length;
  const m = contacts.length;
  const caseIdx = new Map();
  for (let i = 0; i < nc; i++) caseIdx.set(cases[i][0], i);
  const casePerson = new Map();
  for (let i = 0; i < nc; i++) if (!casePerson.has(cases[i][1]) || cases[i][3] === 'active') casePerson.set(cases[i][1], i);

  // Cases in a fixed order (confirmation time, then id) whatever order the answer had.
  const corder = new Int32Array(nc);
  for (let i = 0; i < nc; i++) corder[i] = i;
  corder.sort((a, b) => (cases[a][4] - cases[b][4]) || (cases[a][0] - cases[b][0]));
  const rank = new Int32Array(nc);
  for (let r = 0; r < nc; r++) rank[corder[r]] = r;

  // Clusters: connected by source_case_id (union-find with path halving).
  const parent = new Int32Array(nc);
  for (let i = 0; i < nc; i++) parent[i] = i;
  const find = (a) => {
    while (parent[a] !== a) { parent[a] = parent[parent[a]]; a = parent[a]; }
    return a;
  };
  const srcIdx = new Int32Array(nc).fill(-1);
  for (let i = 0; i < nc; i++) {
    const s = cases[i][2];
    if (!s) continue;
    const j = caseIdx.get(s);
    if (j === undefined || j === i) continue;
    srcIdx[i] = j;
    const a = find(i);
    const b = find(j);
    if (a !== b) { if (rank[a] < rank[b]) parent[b] = a; else parent[a] = b; }
  }

  // Nodes: one per case, then one per distinct contact person who is not a case here. A person listed
  // by several cases is drawn once, near the first (F1 before F2, then the case order), and joined to
  // the others by a cross edge.
  const cap = nc + m;
  const kind = new Uint8Array(cap);
  const ref = new Float64Array(cap); // case id for cases, person id for contacts
  const owner = new Int32Array(cap); // the case index a node belongs to
  const via = new Float64Array(cap);
  for (let i = 0; i < nc; i++) { kind[i] = cases[i][3] === 'active' ? KIND_F0 : KIND_F0_DONE; ref[i] = cases[i][0]; owner[i] = i; }
  // The contacts' columns, read once in order.
  const cIdx = new Int32Array(m);
  const pids = new Float64Array(m);
  const levels = new Uint8Array(m);
  const vias = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const row = contacts[k];
    const ci = caseIdx.get(row[0]);
    cIdx[k] = ci === undefined ? -1 : ci;
    pids[k] = row[1];
    levels[k] = row[2] === 1 ? 1 : 2;
    vias[k] = row[3] || 0;
  }
  // Contacts in a fixed order: F1 before F2, then by the case's order, then by person id. A counting
  // sort on (level, case) and a small sort inside each bucket (a comparator sort of all 20,000 is slow).
  const bucketOf = new Int32Array(m);
  const bstart = new Int32Array(2 * nc + 1);
  let kept = 0;
  for (let k = 0; k < m; k++) {
    const ci = cIdx[k];
    if (ci < 0) { bucketOf[k] = -1; continue; }
    const b = (levels[k] === 1 ? 0 : nc) + rank[ci];
    bucketOf[k] = b;
    bstart[b + 1]++;
    kept++;
  }
  for (let b = 0; b < 2 * nc; b++) bstart[b + 1] += bstart[b];
  const order = new Int32Array(kept);
  const bfill = bstart.slice(0, 2 * nc);
  for (let k = 0; k < m; k++) if (bucketOf[k] >= 0) order[bfill[bucketOf[k]]++] = k;
  for (let b = 0; b < 2 * nc; b++) {
    const lo = bstart[b];
    const hi = bstart[b + 1];
    if (hi - lo > 32) { order.subarray(lo, hi).sort((a, c) => pids[a] - pids[c]); continue; }
    for (let i = lo + 1; i < hi; i++) { // insertion sort: buckets are small
      const k = order[i];
      let j = i - 1;
      while (j >= lo && pids[order[j]] > pids[k]) { order[j + 1] = order[j]; j--; }
      order[j + 1] = k;
    }
  }
  const edges = [[], [], [], []];
  const personNode = new Map();
  let n = nc;
  for (let t = 0; t < order.length; t++) {
    const k = order[t];
    const ci = cIdx[k];
    const pid = pids[k];
    const asCase = casePerson.get(pid);
    if (asCase !== undefined) {
      if (asCase !== ci) edges[EDGE_CROSS].push(asCase, ci);
      continue;
    }
    const seen = personNode.get(pid);
    if (seen !== undefined) {
      if (owner[seen] !== ci) edges[EDGE_CROSS].push(seen, ci);
      continue;
    }
    kind[n] = levels[k] === 1 ? KIND_F1 : KIND_F2;
    ref[n] = pid;
    owner[n] = ci;
    via[n] = vias[k];
    personNode.set(pid, n);
    n++;
  }

  // Each case's F1 and F2 (CSR by owner; F1 first).
  const cnt1 = new Int32Array(nc);
  const cnt2 = new Int32Array(nc);
  for (let v = nc; v < n; v++) (kind[v] === KIND_F1 ? cnt1 : cnt2)[owner[v]]++;
  const start = new Int32Array(nc + 1);
  for (let i = 0; i < nc; i++) start[i + 1] = start[i] + cnt1[i] + cnt2[i];
  const fill = start.slice(0, nc);
  const members = new Int32Array(n - nc);
  for (let v = nc; v < n; v++) if (kind[v] === KIND_F1) members[fill[owner[v]]++] = v;
  for (let v = nc; v < n; v++) if (kind[v] === KIND_F2) members[fill[owner[v]]++] = v;

  // Rings, relative to the case: F1 evenly on a circle; F2 on an outer one, ordered by the angle of
  // the F1 they met so that each sits outside its F1.
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const angle = new Float32Array(n);
  const radius = new Float32Array(nc);
  const tmp = [];
  for (let i = 0; i < nc; i++) {
    const s = start[i];
    const k1 = cnt1[i];
    const k2 = cnt2[i];
    const r1 = Math.max(RING1, (k1 * SPACING) / TAU);
    for (let j = 0; j < k1; j++) {
      const v = members[s + j];
      const a = (TAU * j) / k1 - Math.PI / 2;
      angle[v] = a;
      x[v] = r1 * Math.cos(a);
      y[v] = r1 * Math.sin(a);
      edges[EDGE_F1].push(v, i);
    }
    let r = k1 ? r1 : 0;
    if (k2) {
      const r2 = Math.max(r1 + RING_GAP, (k2 * SPACING) / TAU);
      tmp.length = 0;
      for (let j = 0; j < k2; j++) {
        const v = members[s + k1 + j];
        const f1 = personNode.get(via[v]);
        const inRing = f1 !== undefined && owner[f1] === i && kind[f1] === KIND_F1;
        tmp.push([inRing ? angle[f1] : 10 + j, ref[v], v, inRing ? f1 : i]);
      }
      tmp.sort((a, b) => (a[0] - b[0]) || (a[1] - b[1]));
      const a0 = tmp[0][0] < 10 ? tmp[0][0] : -Math.PI / 2;
      for (let j = 0; j < k2; j++) {
        const v = tmp[j][2];
        const a = a0 + (TAU * j) / k2;
        x[v] = r2 * Math.cos(a);
        y[v] = r2 * Math.sin(a);
        edges[EDGE_F2].push(v, tmp[j][3]);
      }
      r = r2;
    }
    radius[i] = r + NODE_R * 2;
  }

  // Clusters: their cases in breadth-first order from the roots (cases whose source is not here), each
  // on a sunflower spiral that grows by the area of the cases already placed.
  const children = new Map();
  const clusterOfRoot = new Map();
  const clusters = [];
  for (let r = 0; r < nc; r++) {
    const i = corder[r];
    const root = find(i);
    let c = clusterOfRoot.get(root);
    if (c === undefined) { c = clusters.length; clusterOfRoot.set(root, c); clusters.push({ roots: [], all: [], list: [], cx: 0, cy: 0, r: 0, first: r }); }
    clusters[c].all.push(i);
    if (srcIdx[i] < 0) clusters[c].roots.push(i);
    else {
      let ch = children.get(srcIdx[i]);
      if (!ch) children.set(srcIdx[i], (ch = []));
      ch.push(i);
    }
    if (srcIdx[i] >= 0) edges[EDGE_SOURCE].push(i, srcIdx[i]);
  }
  const clusterOf = new Int32Array(nc);
  const cx = new Float32Array(nc);
  const cy = new Float32Array(nc);
  const placed = new Uint8Array(nc);
  clusters.forEach((cl, c) => {
    const queue = cl.roots.slice();
    for (const i of queue) placed[i] = 1;
    for (let q = 0; q < queue.length; q++) for (const ch of children.get(queue[q]) || []) if (!placed[ch]) { placed[ch] = 1; queue.push(ch); }
    for (const i of cl.all) if (!placed[i]) { placed[i] = 1; queue.push(i); } // only if the answer held a cycle
    cl.list = queue;
    let area = 0;
    let rmax = 0;
    for (let q = 0; q < queue.length; q++) {
      const i = queue[q];
      clusterOf[i] = c;
      const ri = radius[i] + GAP / 2;
      const rho = q === 0 ? 0 : Math.sqrt(area / Math.PI) + ri * 0.5;
      const a = q * GOLDEN;
      cx[i] = rho * Math.cos(a);
      cy[i] = rho * Math.sin(a);
      area += (Math.PI * ri * ri) / 0.62;
      rmax = Math.max(rmax, rho + ri);
    }
    cl.r = rmax;
  });

  // Pack the clusters in rows, largest first.
  const corderCl = clusters.map((_, c) => c).sort((a, b) => (clusters[b].r - clusters[a].r) || (clusters[a].first - clusters[b].first));
  let total = 0;
  for (const cl of clusters) total += (2 * cl.r + GAP) ** 2;
  const aspect = Math.min(4, Math.max(0.25, Number(opts.aspect) || 1.5));
  const rowWidth = Math.max(clusters.length ? 2 * clusters[corderCl[0]].r + GAP : 0, Math.sqrt(total * aspect));
  let px = 0;
  let py = 0;
  let rowH = 0;
  for (const c of corderCl) {
    const cl = clusters[c];
    const d = 2 * cl.r + GAP;
    if (px > 0 && px + d > rowWidth) { py += rowH; px = 0; rowH = 0; }
    if (rowH === 0) rowH = d;
    cl.cx = px + d / 2;
    cl.cy = py + rowH / 2;
    px += d;
  }

  // Absolute positions.
  let minX = Infinity; let minY = Infinity; let maxX = -Infinity; let maxY = -Infinity;
  for (let i = 0; i < nc; i++) {
    const cl = clusters[clusterOf[i]];
    x[i] = cl.cx + cx[i];
    y[i] = cl.cy + cy[i];
  }
  for (let v = nc; v < n; v++) { x[v] += x[owner[v]]; y[v] += y[owner[v]]; }
  for (let v = 0; v < n; v++) {
    if (x[v] < minX) minX = x[v];
    if (x[v] > maxX) maxX = x[v];
    if (y[v] < minY) minY = y[v];
    if (y[v] > maxY) maxY = y[v];
  }
  if (!n) { minX = minY = 0; maxX = maxY = 1; }

  const counts = [0, 0, 0, 0];
  for (let v = 0; v < n; v++) counts[kind[v]]++;
  // Node indices grouped by kind (drawn one colour at a time).
  const byKind = counts.map((k) => new Int32Array(k));
  const pos = [0, 0, 0, 0];
  for (let v = 0; v < n; v++) byKind[kind[v]][pos[kind[v]]++] = v;

  return {
    n, nc, x, y, kind, ref, owner, byKind, counts,
    edges: edges.map((e) => Int32Array.from(e)),
    clusters: clusters.map((cl) => ({ cx: cl.cx, cy: cl.cy, r: cl.r, size: cl.list.length, list: cl.list })),
    clusterOf, caseIdx, cases,
    bounds: { minX: minX - 20, minY: minY - 20, maxX: maxX + 20, maxY: maxY + 20 },
    grid: buildGrid(n, x, y, minX - 20, minY - 20, maxX + 20, maxY + 20),
  };
}

// A uniform grid over the nodes (CSR: cell -> node indices) for hit testing.
function buildGrid(n, x, y, x0, y0, x1, y1) {
  let cell = 24;
  let w = Math.ceil((x1 - x0) / cell) + 1;
  let hgt = Math.ceil((y1 - y0) / cell) + 1;
  while (w * hgt > 2e6) { cell *= 2; w = Math.ceil((x1 - x0) / cell) + 1; hgt = Math.ceil((y1 - y0) / cell) + 1; }
  const counts = new Int32Array(w * hgt + 1);
  const cellOf = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    const c = Math.floor((y[v] - y0) / cell) * w + Math.floor((x[v] - x0) / cell);
    cellOf[v] = c;
    counts[c + 1]++;
  }
  for (let c = 0; c < w * hgt; c++) counts[c + 1] += counts[c];
  const fillPos = counts.slice(0, w * hgt);
  const items = new Int32Array(n);
  for (let v = 0; v < n; v++) items[fillPos[cellOf[v]]++] = v;
  return { cell, w, h: hgt, x0, y0, start: counts, items };
}

// The node within maxDist (world units) of (wx, wy), or -1.
export function nodeAt(L, wx, wy, maxDist) {
  const g = L.grid;
  const cx = Math.floor((wx - g.x0) / g.cell);
  const cy = Math.floor((wy - g.y0) / g.cell);
  const reach = Math.max(1, Math.ceil(maxDist / g.cell));
  let best = -1;
  let bestD = maxDist * maxDist;
  for (let yy = cy - reach; yy <= cy + reach; yy++) {
    if (yy < 0 || yy >= g.h) continue;
    for (let xx = cx - reach; xx <= cx + reach; xx++) {
      if (xx < 0 || xx >= g.w) continue;
      const c = yy * g.w + xx;
      for (let t = g.start[c]; t < g.start[c + 1]; t++) {
        const v = g.items[t];
        const dx = L.x[v] - wx;
        const dy = L.y[v] - wy;
        const d = dx * dx + dy * dy;
        if (d < bestD || (d === bestD && v < best)) { bestD = d; best = v; }
      }
    }
  }
  return best;
}

// Draws layout L on canvas, with pan and zoom. opts.onHover(node, clientX, clientY) (node -1: none),
// opts.onSelect(node). Call destroy() when the page goes.
export class ChainGraph {
  constructor(canvas, L, opts = {}) {
    this.canvas = canvas;
    this.L = L;
    this.opts = opts;
    this.scale = 1;
    this.tx = 0;
    this.ty = 0;
    this.hover = -1;
    this.selected = -1;
    this.pending = 0;
    this.width = 0;
    this.height = 0;
    this.pointers = new Map();
    this.drag = null;
    this.frames = 0;
    this.listeners = [];
    this.resize();
    this.bind();
  }

  on(target, type, fn, options) {
    target.addEventListener(type, fn, options);
    this.listeners.push(() => target.removeEventListener(type, fn, options));
  }

  destroy() {
    for (const off of this.listeners) off();
    this.listeners = [];
    if (this.ro) this.ro.disconnect();
    cancelAnimationFrame(this.pending);
  }

  resize() {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    const w = Math.max(1, Math.round(rect.width));
    const hh = Math.max(1, Math.round(rect.height));
    if (w === this.width && hh === this.height && dpr === this.dpr) return false;
    const first = this.width <= 1; // never laid out at a real size (or hidden until now)
    const cxw = this.width ? (this.width / 2 - this.tx) / this.scale : 0;
    const cyw = this.height ? (this.height / 2 - this.ty) / this.scale : 0;
    this.width = w;
    this.height = hh;
    this.dpr = dpr;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(hh * dpr);
    if (first) this.fit();
    else { this.tx = w / 2 - cxw * this.scale; this.ty = hh / 2 - cyw * this.scale; }
    return true;
  }

  // Shows the whole graph (or the box given, in world units).
  fit(box) {
    const b = box || this.L.bounds;
    const bw = Math.max(1, b.maxX - b.minX);
    const bh = Math.max(1, b.maxY - b.minY);
    this.scale = Math.min(this.width / bw, this.height / bh, 6) * 0.95;
    this.tx = this.width / 2 - ((b.minX + b.maxX) / 2) * this.scale;
    this.ty = this.height / 2 - ((b.minY + b.maxY) / 2) * this.scale;
    this.request();
  }

  // Zooms onto the cluster of the case with this id and selects it; false if it is not in the graph.
  focusCase(caseId) {
    const i = this.L.caseIdx.get(caseId);
    if (i === undefined) return false;
    const cl = this.L.clusters[this.L.clusterOf[i]];
    const r = Math.max(cl.r, 60);
    this.fit({ minX: cl.cx - r, maxX: cl.cx + r, minY: cl.cy - r, maxY: cl.cy + r });
    this.select(i);
    return true;
  }

  select(v) {
    this.selected = v;
    if (this.opts.onSelect) this.opts.onSelect(v);
    this.request();
  }

  zoomAt(factor, sx, sy) {
    const s = Math.min(20, Math.max(0.005, this.scale * factor));
    const f = s / this.scale;
    this.tx = sx - (sx - this.tx) * f;
    this.ty = sy - (sy - this.ty) * f;
    this.scale = s;
    this.request();
  }

  pan(dx, dy) { this.tx += dx; this.ty += dy; this.request(); }

  request() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => { this.pending = 0; this.draw(); });
  }

  toWorld(sx, sy) { return [(sx - this.tx) / this.scale, (sy - this.ty) / this.scale]; }

  local(e) {
    const r = this.canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  pick(sx, sy) {
    const [wx, wy] = this.toWorld(sx, sy);
    return nodeAt(this.L, wx, wy, Math.max(NODE_R * 2.2, 7 / this.scale));
  }

  bind() {
    const c = this.canvas;
    this.on(c, 'pointerdown', (e) => {
      c.setPointerCapture(e.pointerId);
      this.pointers.set(e.pointerId, this.local(e));
      const [sx, sy] = this.local(e);
      this.drag = { sx, sy, moved: 0, pinch: this.pointers.size === 2 ? this.pinchState() : null };
    });
    this.on(c, 'pointermove', (e) => {
      const [sx, sy] = this.local(e);
      if (this.pointers.has(e.pointerId) && this.drag) {
        const prev = this.pointers.get(e.pointerId);
        this.pointers.set(e.pointerId, [sx, sy]);
        if (this.pointers.size === 2 && this.drag.pinch) {
          const now = this.pinchState();
          this.zoomAt(now.d / this.drag.pinch.d, now.x, now.y);
          this.pan(now.x - this.drag.pinch.x, now.y - this.drag.pinch.y);
          this.drag.pinch = now;
          this.drag.moved += 10;
        } else if (this.pointers.size === 1) {
          this.drag.moved += Math.abs(sx - prev[0]) + Math.abs(sy - prev[1]);
          this.pan(sx - prev[0], sy - prev[1]);
        }
        return;
      }
      const v = this.pick(sx, sy);
      if (v !== this.hover) { this.hover = v; this.request(); }
      if (this.opts.onHover) this.opts.onHover(v, sx, sy);
    });
    const up = (e) => {
      const wasDrag = this.drag;
      this.pointers.delete(e.pointerId);
      if (this.pointers.size === 0) {
        this.drag = null;
        if (wasDrag && wasDrag.moved < 5 && e.type === 'pointerup') {
          const [sx, sy] = this.local(e);
          this.select(this.pick(sx, sy));
        }
      } else if (this.drag) this.drag.pinch = null;
    };
    this.on(c, 'pointerup', up);
    this.on(c, 'pointercancel', up);
    this.on(c, 'pointerleave', () => {
      if (this.hover !== -1 && !this.drag) { this.hover = -1; this.request(); }
      if (this.opts.onHover && !this.drag) this.opts.onHover(-1, 0, 0);
    });
    this.on(c, 'wheel', (e) => {
      e.preventDefault();
      const [sx, sy] = this.local(e);
      const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      this.zoomAt(Math.exp(-dy * 0.0015), sx, sy);
    }, { passive: false });
    this.on(c, 'dblclick', (e) => { const [sx, sy] = this.local(e); this.zoomAt(2, sx, sy); });
    this.on(c, 'keydown', (e) => {
      const step = 60;
      const keys = {
        ArrowLeft: () => this.pan(step, 0), ArrowRight: () => this.pan(-step, 0), ArrowUp: () => this.pan(0, step), ArrowDown: () => this.pan(0, -step),
        '+': () => this.zoomAt(1.4, this.width / 2, this.height / 2), '=': () => this.zoomAt(1.4, this.width / 2, this.height / 2),
        '-': () => this.zoomAt(1 / 1.4, this.width / 2, this.height / 2), 0: () => this.fit(),
      };
      if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
    });
    if (typeof ResizeObserver === 'function') {
      this.ro = new ResizeObserver(() => { if (this.resize()) this.request(); });
      this.ro.observe(c);
    }
  }

  pinchState() {
    const [a, b] = [...this.pointers.values()];
    return { x: (a[0] + b[0]) / 2, y: (a[1] + b[1]) / 2, d: Math.max(1, Math.hypot(a[0] - b[0], a[1] - b[1])) };
  }

  // Draws one frame now, dropping any frame already asked for.
  drawNow() {
    if (this.pending) { cancelAnimationFrame(this.pending); this.pending = 0; }
    this.draw();
  }

  draw() {
    const L = this.L;
    const g = this.canvas.getContext('2d');
    const { scale: s, tx, ty, width: w, height: hh } = this;
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    g.clearRect(0, 0, w, hh);
    const X = L.x;
    const Y = L.y;
    const pad = 20;
    // Edges, one stroke per kind; a segment entirely off screen on one side is skipped.
    g.lineCap = 'round';
    for (let k = 0; k < 4; k++) {
      const e = L.edges[k];
      if (!e.length) continue;
      if (k !== EDGE_SOURCE && s < 0.05) continue; // sub-pixel rings: the colours say enough
      g.beginPath();
      for (let t = 0; t < e.length; t += 2) {
        const ax = X[e[t]] * s + tx; const ay = Y[e[t]] * s + ty;
        const bx = X[e[t + 1]] * s + tx; const by = Y[e[t + 1]] * s + ty;
        if ((ax < -pad && bx < -pad) || (ax > w + pad && bx > w + pad) || (ay < -pad && by < -pad) || (ay > hh + pad && by > hh + pad)) continue;
        g.moveTo(ax, ay);
        g.lineTo(bx, by);
      }
      g.strokeStyle = EDGE_STYLES[k][0];
      g.lineWidth = k === EDGE_SOURCE ? Math.max(1, Math.min(3, EDGE_STYLES[k][1] * s)) : Math.max(0.5, Math.min(1.5, s * 0.6));
      g.stroke();
    }
    // Nodes, one colour at a time; squares when they are a pixel or two wide.
    const r = Math.min(NODE_R * s, 9); // nodes stop growing once they are easy to see and point at
    for (const k of [KIND_F2, KIND_F1, KIND_F0_DONE, KIND_F0]) {
      const list = L.byKind[k];
      const rr = Math.max(1, k <= KIND_F0_DONE ? r * 1.9 : r);
      g.fillStyle = KIND_COLORS[k];
      if (rr < 2.2) {
        const d = rr * 2;
        for (let t = 0; t < list.length; t++) {
          const v = list[t];
          const sx = X[v] * s + tx; const sy = Y[v] * s + ty;
          if (sx < -d || sy < -d || sx > w + d || sy > hh + d) continue;
          g.fillRect(sx - rr, sy - rr, d, d);
        }
      } else {
        g.beginPath();
        for (let t = 0; t < list.length; t++) {
          const v = list[t];
          const sx = X[v] * s + tx; const sy = Y[v] * s + ty;
          if (sx < -rr || sy < -rr || sx > w + rr || sy > hh + rr) continue;
          g.moveTo(sx + rr, sy);
          g.arc(sx, sy, rr, 0, TAU);
        }
        g.fill();
      }
    }
    // Names of the cases once there is room for them.
    if (s >= 1.2) {
      g.font = '12px system-ui, sans-serif';
      g.fillStyle = '#1c2530';
      g.textBaseline = 'middle';
      let shown = 0;
      const list0 = [...L.byKind[KIND_F0], ...L.byKind[KIND_F0_DONE]];
      for (const v of list0) {
        const sx = X[v] * s + tx; const sy = Y[v] * s + ty;
        if (sx < 0 || sy < 0 || sx > w || sy > hh) continue;
        g.fillText(L.cases[v][6], sx + r * 2 + 3, sy);
        if (++shown >= 400) break;
      }
    }
    for (const [v, color] of [[this.hover, '#0b4f8a'], [this.selected, '#111']]) {
      if (v < 0 || v >= L.n) continue;
      const sx = X[v] * s + tx; const sy = Y[v] * s + ty;
      g.beginPath();
      g.arc(sx, sy, Math.max(6, (v < L.nc ? 1.9 : 1) * r + 4), 0, TAU);
      g.strokeStyle = color;
      g.lineWidth = 2;
      g.stroke();
    }
    this.frames++;
  }
}
