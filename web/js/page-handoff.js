// page-handoff.js: "Danh sách F1, F2" (#/handoff?unit&level&group&case): the contacts of active cases who
// live in scope, grouped by commune or by thôn/tổ (what one community team covers), with phone (tel:
// links), address, the case, the evidence and the pending quarantine order, ready to call or visit; the
// "Xuất Excel" link gives the same list as danh-sach-f1-f2.xlsx, and the page prints one group per sheet.
import { h, mount } from './dom.js';
import { get, qs, isAbort } from './api.js';
import { fmtBirth, fmtDateTime, fmtNumber } from './format.js';
import { pageHead, loading, showError, emptyState, select, button } from './ui.js';
import { unitPicker } from './unitpicker.js';
import { evidenceList, orderText, telLink, levelBadge, growingTable } from './page-cases.js';

function columns() {
  return [
    { label: 'Họ và tên', class: 'col-name', cell: (c) => h('span', null,
      h('a', { href: `#/people/${c.person_id}` }, c.full_name), ' ', levelBadge(c.level),
      c.is_case ? h('span', { class: 'badge badge-f0' }, 'Đã là F0') : null,
      h('span', { class: 'cell-sub' }, c.birth_date ? `Sinh ${fmtBirth(c.birth_date)}` : '')) },
    { label: 'Điện thoại', class: 'col-nowrap', cell: (c) => telLink(c.phone) },
    { label: 'Địa chỉ', class: 'col-address', cell: (c) => h('span', null, c.address,
      h('span', { class: 'cell-sub' }, [c.area_name, c.unit_name].filter(Boolean).join(', '))) },
    { label: 'Tiếp xúc', class: 'col-detail', cell: (c) => h('div', null,
      h('p', { class: 'exposure' }, 'Ca ', h('a', { href: `#/cases/${c.case_id}` }, c.case_name), ` (#${c.case_id})`,
        c.level === 2 && c.via_name ? ` qua ${c.via_name}` : '', `, từ ${fmtDateTime(c.exposure_at)}`),
      evidenceList(c)) },
    { label: 'Cách ly', class: 'col-order', cell: (c) => c.order ? orderText(c.order) : '' },
  ];
}

export function renderHandoff(ctx) {
  const { el, query, signal } = ctx;
  // F1 first: they are the ones to call today; 'all' adds the F2 (many more).
  const state = { unit: query.unit || '', level: ['1', '2', 'all'].includes(query.level) ? query.level : '1', group: query.group === 'area' ? 'area' : 'commune', case: query.case || '' };
  let controller = null;

  const level = select([['1', 'F1'], ['2', 'F2'], ['all', 'F1 và F2']], { id: 'handoff-level', value: state.level });
  const group = select([['commune', 'Theo xã/phường'], ['area', 'Theo thôn/tổ dân phố']], { id: 'handoff-group', value: state.group });
  const picker = unitPicker({ id: 'handoff-unit', depth: 4, mode: 'filter', value: state.unit, onChange: (code) => { state.unit = code; restart(); } });
  const caseNote = h('div', { id: 'handoff-case' });
  const summary = h('p', { class: 'summary', id: 'handoff-summary', 'aria-live': 'polite' });
  const results = h('div', { class: 'results cases-printable', id: 'handoff-results', dataset: { state: 'loading' } }, loading());
  const exportLink = h('a', { class: 'btn btn-primary', id: 'handoff-export', download: '' }, 'Xuất Excel');

  // What the API takes (level absent: both), and what the address bar keeps.
  const filter = () => ({ unit: state.unit, level: state.level === 'all' ? '' : state.level, group: state.group, case: state.case });
  const setUrl = () => {
    history.replaceState(null, '', '#/handoff' + qs({ ...filter(), level: state.level === '1' ? '' : state.level,
      group: state.group === 'commune' ? '' : state.group }));
    exportLink.href = '/api/exports/handoff.xlsx' + qs(filter());
    mount(caseNote, state.case ? h('p', { class: 'filter-note' }, `Chỉ những người tiếp xúc với ca bệnh #${state.case}. `,
      h('a', { href: `#/cases/${encodeURIComponent(state.case)}` }, 'Mở ca bệnh'), ' · ',
      button('Xem tất cả ca bệnh', { class: 'btn btn-light btn-small', id: 'handoff-all', onclick: () => { state.case = ''; restart(); } })) : null);
  };

  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const my = controller;
    signal.addEventListener('abort', () => my.abort(), { once: true });
    results.dataset.state = 'loading';
    results.setAttribute('aria-busy', 'true');
    if (!results.querySelector('table')) mount(results, loading());
    try {
      const data = await get('/api/handoff', filter(), { signal: my.signal });
      if (my !== controller) return;
      const groups = data.groups || [];
      const total = groups.reduce((n, g) => n + (g.items || []).length, 0);
      const withPhone = groups.reduce((n, g) => n + (g.items || []).filter((c) => c.phone).length, 0);
      summary.dataset.total = String(total);
      summary.dataset.groups = String(groups.length);
      summary.textContent = total
        ? `${fmtNumber(total)} người cần liên hệ trong ${fmtNumber(groups.length)} ${state.group === 'area' ? 'thôn/tổ' : 'xã/phường'}; ${fmtNumber(withPhone)} người có số điện thoại.`
        : '';
      mount(results, groups.length ? groups.map((g, k) => h('section', { class: 'panel handoff-group', dataset: { unit: g.unit_code || '' } },
        h('h2', null, g.name || g.unit_code || 'Chưa rõ thôn/tổ', h('span', { class: 'muted' }, ` · ${fmtNumber((g.items || []).length)} người`)),
        growingTable(columns(), g.items || [], { id: `handoff-table-${k}`, rowClass: 'handoff-row', caption: g.name, first: 50 })))
        : emptyState('Không có F1, F2 nào của các ca bệnh đang điều trị trong địa bàn này.'));
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
  // Printing takes every row, not only the first ones of each group.
  function showAll() {
    for (const btn of results.querySelectorAll('[data-more]')) {
      while (!btn.closest('.more-rows').hidden) btn.click();
    }
  }
  window.addEventListener('beforeprint', showAll);
  signal.addEventListener('abort', () => window.removeEventListener('beforeprint', showAll));
  level.addEventListener('change', () => { state.level = level.value; restart(); });
  group.addEventListener('change', () => { state.group = group.value; restart(); });

  mount(el,
    pageHead('Danh sách F1, F2', exportLink, button('In danh sách', { class: 'btn btn-light', id: 'handoff-print', onclick: () => { showAll(); window.print(); } })),
    h('p', { class: 'lead' }, 'Người tiếp xúc của các ca bệnh đang điều trị, theo nơi ở, để tổ COVID cộng đồng gọi điện hoặc đến nhà thông báo cách ly và xét nghiệm.'),
    h('section', { class: 'panel toolbar handoff-filters' },
      h('div', { class: 'filter-grid' },
        h('label', { for: 'handoff-level' }, 'Mức', level),
        h('label', { for: 'handoff-group' }, 'Chia nhóm', group)),
      picker.el,
      caseNote),
    summary,
    results);
  setUrl();
  load();
}
