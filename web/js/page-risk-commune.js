// page-risk-commune.js: one commune's risk level over the weeks (#/levels/commune/CODE?week=): the
// three criteria, the level and the reason of each of the last 12 weeks, newest last.
import { h, mount } from './dom.js';
import { get, isAbort } from './api.js';
import { fmtNumber } from './format.js';
import { pageHead, loading, showError, dataTable } from './ui.js';
import { fmtPct, fmtRate, levelBadge } from './page-risk-common.js';

export function renderRiskCommune(ctx) {
  const { el, params, query, signal } = ctx;
  const body = h('div', { id: 'risk-history', dataset: { state: 'loading' } }, loading());
  mount(el, pageHead('Cấp độ dịch qua các tuần'), h('p', null, h('a', { href: '#/levels' }, '← Cấp độ dịch')), body);
  const cols = [
    { label: 'Tuần', cell: (r) => r.week },
    { label: 'Dân số', class: 'num', cell: (r) => fmtNumber(r.population) },
    { label: 'Ca cộng đồng', class: 'num', cell: (r) => fmtNumber(r.cases) },
    { label: 'Ca/100.000/tuần', class: 'num', cell: (r) => fmtRate(r.rate) },
    { label: '≥18 tuổi tiêm ≥1 mũi', class: 'num', cell: (r) => fmtPct(r.dose1_18plus) },
    { label: 'Người cao tuổi tiêm đủ', class: 'num', cell: (r) => fmtPct(r.full_elderly) },
    { label: 'Năng lực điều trị', cell: (r) => (!r.capacity_known ? 'Chưa đánh giá' : r.capacity_met ? 'Đạt' : 'Chưa đạt') },
    { label: 'Cấp độ', cell: (r) => (r.level ? levelBadge(r.level, r.status) : '—') },
    { label: 'Lý do', class: 'col-detail', cell: (r) => r.reason },
  ];
  (async () => {
    try {
      const data = await get('/api/risk/history', { unit: params.code, week: query.week || '', weeks: 12 }, { signal });
      const items = data.items || [];
      const name = (items.find((r) => r.unit_name) || {}).unit_name || params.code;
      mount(body, h('h2', null, name), dataTable(cols, items, { id: 'risk-history-table', caption: `Cấp độ dịch của ${name}` }));
      body.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      body.dataset.state = 'error';
      showError(body, e);
    }
  })();
}
