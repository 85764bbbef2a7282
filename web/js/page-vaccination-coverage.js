// page-vaccination-coverage.js: "Tiêm chủng" — coverage as of a day by unit (drilling down from the caller's
// scope to thôn/tổ), priority group or first product, for the age bands the risk levels need (18+ with one dose,
// 50+ and 65+ fully vaccinated, 12-17), and week by week. Aggregates only: viewers see this page too.
import { h, mount } from './dom.js';
import { get, isAbort } from './api.js';
import { pageHead, dataTable, loading, showError, emptyState, field, select, button } from './ui.js';
import { fmtNumber } from './format.js';
import { vaccTabs, pct, todayLocal } from './page-vaccination-common.js';

const BY = [['unit', 'Theo đơn vị'], ['group', 'Theo nhóm ưu tiên'], ['product', 'Theo vắc xin (mũi 1)']];

function covColumns(by, drill) {
  const label = by === 'unit' ? 'Đơn vị' : by === 'group' ? 'Nhóm ưu tiên' : 'Vắc xin';
  const b = (r, k) => r.bands[k];
  return [
    { label, class: 'col-name', cell: (r) => (by === 'unit' && r.key && !r.total && drill
      ? h('a', { href: '#', dataset: { unit: r.key }, onclick: (e) => { e.preventDefault(); drill(r.key); } }, r.label || r.key)
      : h('span', null, r.total ? h('strong', null, r.label) : (r.label || r.key))) },
    { label: 'Dân số', class: 'col-num', cell: (r) => fmtNumber(b(r, 'all').people) },
    { label: 'Từ 18 tuổi', class: 'col-num', cell: (r) => fmtNumber(b(r, '18+').people) },
    { label: '18+ ≥ 1 mũi', class: 'col-num', cell: (r) => h('span', { dataset: { cov: '18-one' } }, pct(b(r, '18+').one_dose, b(r, '18+').people)) },
    { label: '18+ đủ mũi', class: 'col-num', cell: (r) => pct(b(r, '18+').full, b(r, '18+').people) },
    { label: '50+ đủ mũi', class: 'col-num', cell: (r) => pct(b(r, '50+').full, b(r, '50+').people) },
    { label: '65+ đủ mũi', class: 'col-num', cell: (r) => pct(b(r, '65+').full, b(r, '65+').people) },
    { label: '12–17 ≥ 1 mũi', class: 'col-num', cell: (r) => pct(b(r, '12-17').one_dose, b(r, '12-17').people) },
    { label: 'Mũi nhắc lại (18+)', class: 'col-num', cell: (r) => pct(b(r, '18+').boosted, b(r, '18+').people) },
    { label: 'Số người ≥ 1 mũi', class: 'col-num', cell: (r) => h('span', { dataset: { count: 'one' } }, fmtNumber(b(r, 'all').one_dose)) },
  ];
}

const weekColumns = [
  { label: 'Tuần', cell: (w) => w.week },
  { label: 'Đến ngày', cell: (w) => w.sunday },
  { label: '18+ ≥ 1 mũi', class: 'col-num', cell: (w) => pct(w.bands['18+'].one_dose, w.bands['18+'].people) },
  { label: '18+ đủ mũi', class: 'col-num', cell: (w) => pct(w.bands['18+'].full, w.bands['18+'].people) },
  { label: '50+ đủ mũi', class: 'col-num', cell: (w) => pct(w.bands['50+'].full, w.bands['50+'].people) },
  { label: '65+ đủ mũi', class: 'col-num', cell: (w) => pct(w.bands['65+'].full, w.bands['65+'].people) },
];

export function renderVaccCoverage(ctx) {
  const { el, query, navigate, signal } = ctx;
  const state = { unit: query.unit || '', date: query.date || todayLocal(), by: query.by || 'unit' };
  const unit = h('input', { type: 'text', id: 'cov-unit', value: state.unit, placeholder: 'Mã đơn vị (để trống: phạm vi của bạn)' });
  const date = h('input', { type: 'date', id: 'cov-date', value: state.date });
  const by = select(BY, { id: 'cov-by' });
  by.value = state.by;
  const results = h('div', { class: 'results', id: 'cov-results', dataset: { state: 'loading' } }, loading());
  const weeks = h('div', { class: 'results', id: 'cov-weeks' });
  const go = (patch) => navigate(`/vaccination?${new URLSearchParams({ ...state, ...patch }).toString()}`);
  const form = h('form', { class: 'filters grid-filters', onsubmit: (e) => { e.preventDefault(); go({ unit: unit.value.trim(), date: date.value, by: by.value }); } },
    field({ label: 'Đơn vị', id: 'cov-unit', input: unit }),
    field({ label: 'Tính đến ngày', id: 'cov-date', input: date }),
    field({ label: 'Cách chia', id: 'cov-by', input: by }),
    h('div', { class: 'form-actions' }, button('Xem', { type: 'submit', class: 'btn btn-primary', id: 'cov-submit' })));

  mount(el, pageHead('Tiêm chủng'), vaccTabs('/vaccination'),
    h('p', { class: 'lead' }, 'Độ bao phủ vắc xin COVID-19 theo độ tuổi (Quyết định 4800/QĐ-BYT: ≥ 70 % người từ 18 tuổi tiêm ít nhất 1 mũi; ≥ 80 % người cao tuổi tiêm đủ mũi).'),
    form, h('h2', null, 'Độ bao phủ'), results, h('h2', null, 'Theo tuần (12 tuần gần nhất)'), weeks);

  (async () => {
    try {
      const cov = await get('/api/vaccination/coverage', state, { signal });
      const rows = [...cov.rows, ...(cov.total ? [{ ...cov.total, total: true }] : [])];
      results.dataset.state = 'done';
      mount(results, h('p', { class: 'summary', id: 'cov-asof' }, `Tính đến ngày ${cov.as_of}.`),
        rows.length ? dataTable(covColumns(state.by, (code) => go({ unit: code, by: 'unit' })), rows, { id: 'cov-table' })
          : emptyState('Không có số liệu.'));
      const from = new Date(Date.parse(`${cov.as_of}T00:00:00Z`) - 7 * 11 * 86400000).toISOString().slice(0, 10);
      const wk = await get('/api/vaccination/coverage/weekly', { unit: state.unit, from, to: cov.as_of }, { signal });
      mount(weeks, dataTable(weekColumns, wk.weeks, { id: 'cov-weeks-table' }));
    } catch (e) {
      if (isAbort(e)) return;
      results.dataset.state = 'error';
      showError(results, e);
    }
  })();
}
