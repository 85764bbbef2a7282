// page-lockdown.js: "Đề xuất phong toả" (#/lockdown?unit&area_households&commune_areas): the narrowest
// areas to lock down from the active cases and their F1 (households, thôn/tổ, whole communes), with the
// people living inside and the reason for each; the two thresholds are configurable defaults (3 and 3).
import { h, mount } from './dom.js';
import { get, qs, isAbort } from './api.js';
import { fmtNumber } from './format.js';
import { pageHead, loading, showError, emptyState, dataTable, field } from './ui.js';
import { unitPicker } from './unitpicker.js';

export const LOCKDOWN_LEVELS = { household: 'Hộ gia đình', area: 'Thôn/tổ dân phố', commune: 'Xã/phường/thị trấn' };

function columns() {
  return [
    { label: 'Phạm vi', class: 'col-nowrap', cell: (a) => h('span', { class: `badge lock-badge lock-${a.level}`, dataset: { level: a.level } }, LOCKDOWN_LEVELS[a.level] || a.level) },
    { label: 'Khu vực', class: 'col-name', cell: (a) => a.level === 'household' && a.household_id
      ? h('span', null, h('a', { href: `#/households/${a.household_id}` }, a.name || `Hộ số ${a.household_id}`), h('span', { class: 'cell-sub' }, `Hộ số ${a.household_id}`))
      : h('span', null, h('a', { href: `#/units/${encodeURIComponent(a.unit_code)}` }, a.name || a.unit_code)) },
    { label: 'Số người', class: 'num', cell: (a) => fmtNumber(a.people) },
    { label: 'Ca bệnh', class: 'num', cell: (a) => fmtNumber(a.cases) },
    { label: 'F1', class: 'num', cell: (a) => fmtNumber(a.f1) },
    { label: 'Hộ có ca bệnh', class: 'num', cell: (a) => a.level === 'household' ? '' : fmtNumber(a.households_with_cases) },
    { label: 'Lý do', class: 'col-detail', cell: (a) => a.reason },
  ];
}

export function renderLockdown(ctx) {
  const { el, query, signal } = ctx;
  const state = { unit: query.unit || '', area_households: query.area_households || '3', commune_areas: query.commune_areas || '3' };
  let controller = null;
  const picker = unitPicker({ id: 'lockdown-unit', depth: 3, mode: 'filter', value: state.unit, onChange: (code) => { state.unit = code; restart(); } });
  const num = (id, value) => h('input', { type: 'number', id, min: '1', max: '100', step: '1', value, inputmode: 'numeric' });
  const areaHh = num('lockdown-area-households', state.area_households);
  const communeAreas = num('lockdown-commune-areas', state.commune_areas);
  const summary = h('div', { class: 'stat-grid lockdown-stats', id: 'lockdown-summary' });
  const results = h('div', { class: 'results cases-printable', id: 'lockdown-results', dataset: { state: 'loading' } }, loading());

  const filter = () => ({ unit: state.unit, area_households: state.area_households, commune_areas: state.commune_areas });
  const setUrl = () => history.replaceState(null, '', '#/lockdown' + qs({ unit: state.unit,
    area_households: state.area_households === '3' ? '' : state.area_households, commune_areas: state.commune_areas === '3' ? '' : state.commune_areas }));

  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const my = controller;
    signal.addEventListener('abort', () => my.abort(), { once: true });
    results.dataset.state = 'loading';
    results.setAttribute('aria-busy', 'true');
    try {
      const data = await get('/api/lockdown', filter(), { signal: my.signal });
      if (my !== controller) return;
      const items = data.items || [];
      const by = { household: 0, area: 0, commune: 0 };
      let people = 0;
      for (const a of items) { by[a.level] = (by[a.level] || 0) + 1; people += Number(a.people) || 0; }
      results.dataset.count = String(items.length);
      mount(summary,
        stat('Hộ gia đình', by.household), stat('Thôn/tổ dân phố', by.area), stat('Xã/phường', by.commune),
        stat('Số người trong vùng đề xuất', people));
      mount(results, items.length ? dataTable(columns(), items, { id: 'lockdown-table', rowClass: 'lockdown-row', caption: 'Đề xuất phong toả' })
        : emptyState('Không có khu vực nào cần phong toả: chưa có ca bệnh đang điều trị trong địa bàn.'));
      results.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      results.dataset.state = 'error';
      showError(results, e);
    } finally {
      if (my === controller) results.removeAttribute('aria-busy');
    }
  }

  function restart() { setUrl(); load(); }
  const onNum = () => {
    const ok = (v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 100;
    if (!ok(areaHh.value) || !ok(communeAreas.value)) return;
    state.area_households = areaHh.value;
    state.commune_areas = communeAreas.value;
    restart();
  };
  areaHh.addEventListener('change', onNum);
  communeAreas.addEventListener('change', onNum);

  mount(el,
    pageHead('Đề xuất phong toả', h('button', { type: 'button', class: 'btn btn-light', id: 'lockdown-print', onclick: () => window.print() }, 'In danh sách')),
    h('p', { class: 'lead' }, 'Khu vực nhỏ nhất nên phong toả, tính từ nơi ở của các ca bệnh đang điều trị và F1 của họ: hộ gia đình trước, '
      + 'mở rộng ra thôn/tổ hay cả xã/phường khi nhiều hộ có ca bệnh.'),
    h('section', { class: 'panel toolbar lockdown-filters' },
      picker.el,
      h('div', { class: 'grid' },
        field({ label: 'Số hộ có ca bệnh để phong toả cả thôn/tổ', id: 'lockdown-area-households', input: areaHh }),
        field({ label: 'Số thôn/tổ phong toả để phong toả cả xã/phường', id: 'lockdown-commune-areas', input: communeAreas })),
      h('p', { class: 'hint' }, 'Hai ngưỡng trên là giá trị mặc định có thể thay đổi theo chỉ đạo của địa phương.')),
    summary,
    results);
  setUrl();
  load();
}

function stat(label, value) {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label), h('span', { class: 'stat-value' }, fmtNumber(value)));
}
