// page-vaccination-lists.js: "Danh sách cần tiêm": people of a priority group not yet vaccinated, and people due
// for their next dose this week (the server applies each product's interval, the mixing and booster rules), with
// invitations to print (a print view of the same list) or to export as an XLSX file.
import { h, mount } from './dom.js';
import { get, qs, isAbort } from './api.js';
import { pageHead, dataTable, loading, showError, emptyState, field, select, button, pager } from './ui.js';
import { fmtBirth } from './format.js';
import { vaccTabs, vaccRefs, KIND_LABELS, todayLocal, vnDay } from './page-vaccination-common.js';

const LISTS = [['unvaccinated', 'Chưa tiêm mũi nào'], ['due', 'Đến hạn tiêm mũi tiếp theo trong tuần']];

function columns(refs) {
  return [
    { label: 'Họ và tên', class: 'col-name', cell: (p) => h('a', { href: `#/vaccination/record?person=${p.person_id}` }, p.full_name) },
    { label: 'Ngày sinh', cell: (p) => fmtBirth(p.birth_date) },
    { label: 'Điện thoại', cell: (p) => p.phone },
    { label: 'Địa chỉ', class: 'col-address', cell: (p) => p.address },
    { label: 'Nhóm ưu tiên', cell: (p) => p.groups.map((g) => g.replace('g', 'Nhóm ')).join(', ') },
    { label: 'Mũi mời', cell: (p) => `Mũi ${p.next.dose_number} (${(KIND_LABELS[p.next.kind] || '').toLowerCase()})` },
    { label: 'Tiêm từ ngày', cell: (p) => (p.next.earliest ? vnDay(p.next.earliest) : 'Ngay') },
    { label: 'Vắc xin', cell: (p) => p.next.products.map(refs.productName).join(', ') },
  ];
}

// One printable invitation per person.
function invitations(items, refs) {
  return h('div', { class: 'vacc-print', id: 'vacc-invitations' }, items.map((p) => h('article', { class: 'panel vacc-invite' },
    h('h3', null, 'GIẤY MỜI TIÊM VẮC XIN PHÒNG COVID-19'),
    h('p', null, `Kính mời ông/bà ${p.full_name} (sinh ${fmtBirth(p.birth_date)}), địa chỉ ${p.address || p.unit_code},`),
    h('p', null, `đến tiêm mũi ${p.next.dose_number} (${(KIND_LABELS[p.next.kind] || '').toLowerCase()})`
      + `${p.next.earliest ? ` từ ngày ${vnDay(p.next.earliest)}` : ''}; vắc xin: ${p.next.products.map(refs.productName).join(', ')}.`),
    h('p', { class: 'muted' }, 'Mang theo CCCD/CMND và giấy xác nhận các mũi đã tiêm (nếu có).'))));
}

export function renderVaccLists(ctx) {
  const { el, query, navigate, signal } = ctx;
  const state = { list: query.list || 'due', unit: query.unit || '', group: query.group || '', date: query.date || todayLocal() };
  const list = select(LISTS, { id: 'vl-list' });
  list.value = state.list;
  const unit = h('input', { type: 'text', id: 'vl-unit', value: state.unit, placeholder: 'Mã đơn vị (để trống: phạm vi của bạn)' });
  const group = select([['', 'Mọi người'], ['*', 'Thuộc nhóm ưu tiên bất kỳ']], { id: 'vl-group' });
  const date = h('input', { type: 'date', id: 'vl-date', value: state.date });
  const results = h('div', { class: 'results', id: 'vl-results', dataset: { state: 'loading' } }, loading());
  const exportLink = h('a', { class: 'btn btn-light', id: 'vl-export', download: '',
    href: `/api/vaccination/invitations.xlsx${qs(state)}` }, 'Xuất giấy mời (Excel)');
  const printBtn = button('In giấy mời', { class: 'btn btn-light', id: 'vl-print', onclick: () => window.print() });
  const form = h('form', { class: 'filters grid-filters', onsubmit: (e) => {
    e.preventDefault();
    navigate(`/vaccination/lists${qs({ list: list.value, unit: unit.value.trim(), group: group.value, date: date.value })}`);
  } },
  field({ label: 'Danh sách', id: 'vl-list', input: list }), field({ label: 'Đơn vị', id: 'vl-unit', input: unit }),
  field({ label: 'Nhóm ưu tiên', id: 'vl-group', input: group }), field({ label: 'Tuần có ngày', id: 'vl-date', input: date }),
  h('div', { class: 'form-actions' }, button('Xem', { type: 'submit', class: 'btn btn-primary', id: 'vl-submit' })));
  mount(el, pageHead('Danh sách cần tiêm', exportLink, printBtn), vaccTabs('/vaccination/lists'), form, results);

  const pages = [0];
  const load = async () => {
    results.dataset.state = 'loading';
    try {
      const refs = await vaccRefs(signal);
      for (const g of refs.groups) if (![...group.options].some((o) => o.value === g.code)) group.append(h('option', { value: g.code }, g.name));
      group.value = state.group;
      const r = await get('/api/vaccination/lists/' + encodeURIComponent(state.list),
        { unit: state.unit, group: state.group, date: state.date, after: pages.at(-1), limit: 100 }, { signal });
      results.dataset.state = 'done';
      mount(results, r.items.length ? [
        h('p', { class: 'summary', id: 'vl-count' }, `${r.items.length}${r.next ? '+' : ''} người.`),
        dataTable(columns(refs), r.items, { id: 'vl-table' }),
        pager({ hasPrev: pages.length > 1, hasNext: !!r.next, onPrev: () => { pages.pop(); load(); }, onNext: () => { pages.push(r.next); load(); } }),
        h('h2', null, 'Giấy mời'), invitations(r.items, refs),
      ] : emptyState('Không có ai trong danh sách này.'));
    } catch (e) {
      if (isAbort(e)) return;
      results.dataset.state = 'error';
      showError(results, e);
    }
  };
  load();
}
