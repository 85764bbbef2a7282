// page-chains.js: "Chuỗi lây nhiễm" (#/chains?from&to&unit&limit&focus): the cases confirmed between two
// days in scope (or a commune), with their F1 and F2, drawn as one graph on a canvas (graph.js) with a
// legend, pan/zoom, the name of the node under the pointer and a panel for the node clicked; and the same
// chains as a table for printing. GET /api/chains answers compact arrays; the page sets
// document.body.dataset.graphRendered to the milliseconds from the data's arrival to the first frame.
import { h, mount } from './dom.js';
import { get, qs, isAbort } from './api.js';
import { can } from './session.js';
import { fmtDateTime, fmtNumber } from './format.js';
import { pageHead, loading, showError, alertBox, emptyState, button, select } from './ui.js';
import { unitPicker, unitInfo } from './unitpicker.js';
import { STATUS_LABELS, statusBadge, dayVN } from './page-cases.js';
import { layoutChains, ChainGraph, KIND_LABELS, KIND_F1 } from './graph.js';

const LIMITS = [['5000', '5.000 ca'], ['10000', '10.000 ca'], ['20000', '20.000 ca']];

export function renderChains(ctx) {
  const { el, query, signal } = ctx;
  delete document.body.dataset.graphRendered;
  const state = { from: query.from || dayVN(-30), to: query.to || dayVN(), unit: query.unit || '', limit: query.limit || '5000',
    focus: Number(query.focus) || 0, view: query.view === 'table' ? 'table' : 'graph' };
  let graph = null;
  let layout = null;
  let controller = null;
  let tableBuilt = false;
  const names = new Map(); // person id -> full name, fetched when a contact is clicked

  const from = h('input', { type: 'date', id: 'chains-from', value: state.from });
  const to = h('input', { type: 'date', id: 'chains-to', value: state.to });
  const limit = select(LIMITS, { id: 'chains-limit', value: state.limit });
  const picker = unitPicker({ id: 'chains-unit', depth: 3, mode: 'filter', value: state.unit, onChange: (code) => { state.unit = code; restart(); } });
  const summary = h('p', { class: 'summary', id: 'chains-count', 'aria-live': 'polite' });
  const notice = h('div', { id: 'chains-notice' });
  const canvas = h('canvas', { id: 'chains-canvas', class: 'chains-canvas', tabindex: '0', role: 'img',
    'aria-label': 'Đồ thị chuỗi lây nhiễm: kéo để di chuyển, cuộn chuột hoặc dùng hai ngón tay để phóng to, thu nhỏ.' });
  const tip = h('div', { class: 'graph-tip', id: 'chains-tip', hidden: true, role: 'tooltip' });
  const info = h('div', { class: 'graph-info', id: 'chains-info', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Bấm vào một điểm để xem thông tin.'));
  const legend = h('ul', { class: 'graph-legend', id: 'chains-legend' },
    KIND_LABELS.map((l, k) => h('li', null, h('span', { class: `dot dot-${k}` }), l)),
    h('li', null, h('span', { class: 'line line-source' }), 'Nguồn lây đã xác định'));
  const graphBox = h('div', { class: 'graph-box', id: 'chains-graph', dataset: { state: 'loading' } }, canvas, tip,
    h('div', { class: 'graph-zoom' },
      button('+', { class: 'btn btn-light btn-small', 'aria-label': 'Phóng to', id: 'chains-zoom-in', onclick: () => graph && graph.zoomAt(1.5, graph.width / 2, graph.height / 2) }),
      button('−', { class: 'btn btn-light btn-small', 'aria-label': 'Thu nhỏ', id: 'chains-zoom-out', onclick: () => graph && graph.zoomAt(1 / 1.5, graph.width / 2, graph.height / 2) }),
      button('Vừa khung', { class: 'btn btn-light btn-small', id: 'chains-fit', onclick: () => graph && graph.fit() })),
    h('div', { class: 'graph-loading' }, loading('Đang tải chuỗi lây nhiễm…')));
  const tableBox = h('div', { class: 'chains-table-box cases-printable', id: 'chains-table' });
  const graphView = h('div', { class: 'chains-graph-view' }, h('div', { class: 'graph-side' }, legend, info), graphBox);
  const viewBtn = button('', { class: 'btn', id: 'chains-view', onclick: () => { state.view = state.view === 'graph' ? 'table' : 'graph'; setUrl(); showView(); } });
  const printBtn = button('In bảng', { class: 'btn btn-light', id: 'chains-print', onclick: () => { buildTable(); window.print(); } });

  const filter = () => ({ from: state.from, to: state.to, unit: state.unit, limit: state.limit === '5000' ? '' : state.limit });
  const setUrl = () => history.replaceState(null, '', '#/chains' + qs({ ...filter(), focus: state.focus || '', view: state.view === 'table' ? 'table' : '' }));

  function showView() {
    const table = state.view === 'table';
    graphView.hidden = table;
    tableBox.classList.toggle('is-screen', table);
    viewBtn.textContent = table ? 'Xem đồ thị' : 'Xem dạng bảng';
    if (table) buildTable();
    else if (graph) { graph.resize(); graph.request(); }
  }

  const caseName = (i) => (layout ? layout.cases[i][6] : '');
  function nodeText(v) {
    if (v < layout.nc) {
      const c = layout.cases[v];
      return `F0 · ${c[6]} · ca #${c[0]}`;
    }
    const pid = layout.ref[v];
    const lvl = layout.kind[v] === KIND_F1 ? 'F1' : 'F2';
    return `${lvl} · ${names.get(pid) || `người số ${pid}`} · của ca #${layout.ref[layout.owner[v]]} (${caseName(layout.owner[v])})`;
  }

  async function showInfo(v) {
    if (v < 0) { mount(info, h('p', { class: 'muted' }, 'Bấm vào một điểm để xem thông tin.')); return; }
    if (v < layout.nc) {
      const c = layout.cases[v];
      const src = c[2] ? layout.caseIdx.get(c[2]) : undefined;
      mount(info, h('div', { class: 'node-info', dataset: { node: String(v), kind: 'f0' } },
        h('p', null, h('strong', null, c[6])),
        h('p', null, statusBadge(c[3]), ' ', `Ca #${c[0]}`),
        h('p', { class: 'muted' }, `Xác định ${fmtDateTime(c[4])}`),
        c[2] ? h('p', null, 'Nguồn lây: ', h('a', { href: `#/cases/${c[2]}` }, src !== undefined ? `${layout.cases[src][6]} (#${c[2]})` : `ca #${c[2]}`)) : null,
        h('p', null, h('a', { href: `#/cases/${c[0]}`, class: 'btn btn-small' }, 'Mở ca bệnh'))));
      return;
    }
    const pid = layout.ref[v];
    const owner = layout.owner[v];
    const nameEl = h('strong', null, names.get(pid) || `Người số ${pid}`);
    mount(info, h('div', { class: 'node-info', dataset: { node: String(v), kind: layout.kind[v] === KIND_F1 ? 'f1' : 'f2' } },
      h('p', null, nameEl),
      h('p', null, h('span', { class: `badge level-badge level-f${layout.kind[v] === KIND_F1 ? 1 : 2}` }, layout.kind[v] === KIND_F1 ? 'F1' : 'F2'),
        ' của ', h('a', { href: `#/cases/${layout.ref[owner]}` }, `${caseName(owner)} (#${layout.ref[owner]})`)),
      can('people.read') ? h('p', null, h('a', { href: `#/people/${pid}`, class: 'btn btn-small' }, 'Hồ sơ')) : null));
    if (!names.has(pid) && can('people.read')) {
      try {
        const p = (await get(`/api/people/${pid}`, null, { signal })).person;
        names.set(pid, p.full_name);
        nameEl.textContent = p.full_name;
      } catch (e) { if (!isAbort(e)) nameEl.textContent = `Người số ${pid}`; }
    }
  }

  function onHover(v, sx, sy) {
    if (v < 0) { tip.hidden = true; canvas.style.cursor = ''; return; }
    tip.textContent = nodeText(v);
    tip.hidden = false;
    const bw = graphBox.clientWidth;
    tip.style.left = Math.min(sx + 12, Math.max(0, bw - tip.offsetWidth - 4)) + 'px';
    tip.style.top = (sy + 14) + 'px';
    canvas.style.cursor = 'pointer';
  }

  // The printable table: one row per case, chain by chain.
  function buildTable() {
    if (tableBuilt || !layout) return;
    tableBuilt = true;
    const L = layout;
    const f1 = new Int32Array(L.nc);
    const f2 = new Int32Array(L.nc);
    for (let v = L.nc; v < L.n; v++) (L.kind[v] === KIND_F1 ? f1 : f2)[L.owner[v]]++;
    const unitCells = new Map();
    const rows = [];
    let stt = 0;
    const order = L.clusters.map((cl, k) => k).sort((a, b) => (L.clusters[b].size - L.clusters[a].size) || (a - b));
    order.forEach((k, chainNo) => {
      const cl = L.clusters[k];
      for (const i of cl.list) {
        const c = L.cases[i];
        const unitCell = h('td', { 'data-label': 'Nơi ở' }, c[5]);
        if (!unitCells.has(c[5])) unitCells.set(c[5], []);
        unitCells.get(c[5]).push(unitCell);
        rows.push(h('tr', { class: 'chain-row' },
          h('td', { 'data-label': 'STT', class: 'num' }, String(++stt)),
          h('td', { 'data-label': 'Chuỗi', class: 'num' }, cl.size > 1 ? `${chainNo + 1} (${cl.size} ca)` : String(chainNo + 1)),
          h('td', { 'data-label': 'Họ và tên', class: 'col-name' }, h('a', { href: `#/cases/${c[0]}` }, c[6]), h('span', { class: 'cell-sub' }, `#${c[0]}`)),
          h('td', { 'data-label': 'Xác định lúc', class: 'col-nowrap' }, fmtDateTime(c[4])),
          unitCell,
          h('td', { 'data-label': 'Tình trạng' }, STATUS_LABELS[c[3]] || c[3]),
          h('td', { 'data-label': 'Nguồn lây' }, c[2] ? (L.caseIdx.has(c[2]) ? `${L.cases[L.caseIdx.get(c[2])][6]} (#${c[2]})` : `#${c[2]}`) : ''),
          h('td', { 'data-label': 'F1', class: 'num' }, fmtNumber(f1[i])),
          h('td', { 'data-label': 'F2', class: 'num' }, fmtNumber(f2[i]))));
      }
    });
    mount(tableBox,
      h('h2', { class: 'print-title' }, `Chuỗi lây nhiễm từ ${fmtDay(state.from)} đến ${fmtDay(state.to)}`),
      rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table table-cards chains-table', id: 'chains-table-rows' },
        h('thead', null, h('tr', null, ['STT', 'Chuỗi', 'Họ và tên', 'Xác định lúc', 'Nơi ở', 'Tình trạng', 'Nguồn lây', 'F1', 'F2']
          .map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, rows))) : emptyState('Không có ca bệnh nào.'));
    // Unit names for the codes (a few dozen communes at most), filled in as they arrive.
    if (unitCells.size <= 300) {
      for (const [code, cells] of unitCells) {
        unitInfo(code).then((u) => { for (const td of cells) td.textContent = (u.unit && u.unit.name) || code; }).catch(() => {});
      }
    }
  }

  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const my = controller;
    signal.addEventListener('abort', () => my.abort(), { once: true });
    graphBox.dataset.state = 'loading';
    graphBox.setAttribute('aria-busy', 'true');
    delete document.body.dataset.graphRendered;
    mount(notice);
    try {
      const data = await get('/api/chains', { from: state.from, to: state.to, unit: state.unit, limit: state.limit }, { signal: my.signal });
      if (my !== controller) return;
      const t0 = performance.now();
      layout = layoutChains(data, { aspect: canvas.clientWidth && canvas.clientHeight ? canvas.clientWidth / canvas.clientHeight : 1.5 });
      tableBuilt = false;
      if (graph) graph.destroy();
      graph = new ChainGraph(canvas, layout, { onHover, onSelect: showInfo });
      if (state.focus && !graph.focusCase(state.focus)) {
        mount(notice, alertBox('info', `Ca #${state.focus} không có trong khoảng thời gian hoặc địa bàn đã chọn.`));
      }
      graph.drawNow();
      const layoutMs = performance.now() - t0;
      requestAnimationFrame(() => {
        if (my !== controller) return;
        const ms = performance.now() - t0;
        document.body.dataset.graphRendered = ms.toFixed(1);
        graphBox.dataset.layoutMs = layoutMs.toFixed(1);
        graphBox.dataset.state = 'ready';
        graphBox.removeAttribute('aria-busy');
      });
      const [k0, k1, k2, k3] = layout.counts;
      summary.dataset.nodes = String(layout.n);
      summary.dataset.cases = String(layout.nc);
      summary.textContent = layout.n
        ? `${fmtNumber(layout.n)} người: ${fmtNumber(k0 + k1)} ca bệnh (${fmtNumber(k0)} đang điều trị), ${fmtNumber(k2)} F1, ${fmtNumber(k3)} F2; `
          + `${fmtNumber(layout.clusters.filter((c) => c.size > 1).length)} chuỗi có từ 2 ca trở lên.`
        : 'Không có ca bệnh nào trong khoảng thời gian và địa bàn đã chọn.';
      if (data.truncated) {
        mount(notice, alertBox('warning', `Chỉ hiển thị ${fmtNumber(layout.nc)} ca bệnh mới nhất. Hãy thu hẹp khoảng thời gian hoặc địa bàn, hoặc chọn số ca lớn hơn.`));
      }
      if (state.view === 'table') { buildTable(); } else mount(tableBox);
      canvas.setAttribute('aria-label', `Đồ thị chuỗi lây nhiễm: ${summary.textContent} Kéo để di chuyển, cuộn chuột để phóng to, thu nhỏ.`);
    } catch (e) {
      if (isAbort(e)) return;
      graphBox.dataset.state = 'error';
      graphBox.removeAttribute('aria-busy');
      showError(notice, e);
    }
  }

  function restart() { state.focus = 0; setUrl(); load(); }
  from.addEventListener('change', () => { state.from = from.value; restart(); });
  to.addEventListener('change', () => { state.to = to.value; restart(); });
  limit.addEventListener('change', () => { state.limit = limit.value; restart(); });
  const beforePrint = () => buildTable();
  window.addEventListener('beforeprint', beforePrint);
  signal.addEventListener('abort', () => {
    window.removeEventListener('beforeprint', beforePrint);
    if (graph) graph.destroy();
    if (controller) controller.abort();
  });

  mount(el,
    pageHead('Chuỗi lây nhiễm', viewBtn, printBtn, linkToCases()),
    h('section', { class: 'panel toolbar chains-filters' },
      h('div', { class: 'filter-grid' },
        h('label', { for: 'chains-from' }, 'Ca xác định từ ngày', from),
        h('label', { for: 'chains-to' }, 'đến ngày', to),
        h('label', { for: 'chains-limit' }, 'Tối đa', limit)),
      picker.el),
    summary,
    notice,
    graphView,
    tableBox);
  setUrl();
  showView();
  load();
}

function linkToCases() { return h('a', { class: 'btn btn-light', href: '#/cases' }, 'Danh sách ca bệnh'); }

function fmtDay(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : s || '';
}
