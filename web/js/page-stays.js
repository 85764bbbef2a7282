// page-stays.js: "Lưu trú người nước ngoài": the foreign guests registered at accommodation venues, for
// the police and officials of an area (their scope) and for a hotel's staff (their own guests).
// Filters: present on a day, arrival between two days, nationality; keyset paging newest first; the
// XLSX export of the same filter; for accounts that may register, recording a guest's departure.
import { h, mount } from './dom.js';
import { get, post, qs, isAbort } from './api.js';
import { can } from './session.js';
import { fmtBirth, fmtNumber } from './format.js';
import { pageHead, dataTable, pager, loading, showError, emptyState, linkButton, alertBox, toast, button } from './ui.js';
import { NATIONALITIES } from './page-stays-form.js';

const PAGE = 50;


const todayLocal = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);

function natLabel(s) {
  return s.nationality_name && s.nationality_name !== s.nationality ? `${s.nationality_name} (${s.nationality})` : s.nationality;
}

// The departure of a guest: a date input and a button, in place of the "—".
function leaveCell(s, onDone) {
  if (s.leave_date || !can('stays.write')) return s.leave_date ? fmtBirth(s.leave_date) : '';
  const date = h('input', { type: 'date', value: todayLocal(), class: 'input-date', 'aria-label': `Ngày đi của ${s.full_name}`,
    dataset: { leave: String(s.id) } });
  const save = button('Ghi ngày đi', { class: 'btn btn-light btn-small', dataset: { leaveSave: String(s.id) }, onclick: async () => {
    save.disabled = true;
    try {
      await post(`/api/stays/${encodeURIComponent(s.id)}/leave`, { leave_date: date.value });
      toast(`Đã ghi ngày đi của ${s.full_name}.`);
      onDone();
    } catch (e) {
      save.disabled = false;
      toast(e.message, 'error');
    }
  } });
  return h('span', { class: 'leave-edit' }, date, save);
}

function columns(reload) {
  return [
    { label: 'Họ và tên', class: 'col-name', cell: (s) => h('span', { class: 'stay-name' }, s.full_name,
      h('span', { class: 'cell-sub' }, `${s.sex === 'M' ? 'Nam' : 'Nữ'}, sinh ${fmtBirth(s.birth_date)}`)) },
    { label: 'Quốc tịch', cell: natLabel },
    { label: 'Hộ chiếu', class: 'col-nowrap', cell: (s) => s.passport },
    { label: 'Cơ sở lưu trú', class: 'col-address', cell: (s) => h('span', null, s.venue_name,
      h('span', { class: 'cell-sub' }, [s.room ? `Phòng ${s.room}` : '', s.unit_name].filter(Boolean).join(' · '))) },
    { label: 'Ngày đến', class: 'col-nowrap', cell: (s) => fmtBirth(s.arrive_date) },
    { label: 'Ngày đi', class: 'col-nowrap', cell: (s) => leaveCell(s, reload) },
  ];
}

export function renderStays(ctx) {
  const { el, query, signal } = ctx;
  if (!can('stays.read') && !can('stays.write')) {
    mount(el, pageHead('Không có quyền truy cập'), alertBox('error', 'Tài khoản của bạn không được phép dùng chức năng này.'));
    return;
  }
  const state = { present: query.present === '1', from: query.from || '', to: query.to || '', nationality: query.nationality || '',
    before: 0, stack: [], total: 0 };
  let controller = null;

  const present = h('input', { type: 'checkbox', id: 'stays-present', checked: state.present });
  const from = h('input', { type: 'date', id: 'stays-from', value: state.from });
  const to = h('input', { type: 'date', id: 'stays-to', value: state.to });
  const nat = h('select', { id: 'stays-nationality' }, h('option', { value: '' }, 'Tất cả quốc tịch'),
    NATIONALITIES.map(([code, name]) => h('option', { value: code }, `${name} (${code})`)));
  nat.value = state.nationality;
  const summary = h('p', { class: 'summary', id: 'stays-total', 'aria-live': 'polite' });
  const results = h('div', { class: 'results', id: 'stays-results', dataset: { state: 'loading' } }, loading());
  const exportLink = h('a', { class: 'btn btn-light', id: 'stays-export', download: '' }, 'Xuất Excel');

  const filter = () => ({ present: state.present ? 1 : '', from: state.from, to: state.to, nationality: state.nationality });
  const setUrl = () => {
    history.replaceState(null, '', '#/stays' + qs(filter()));
    exportLink.href = '/api/exports/stays.xlsx' + qs(filter());
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
      const data = await get('/api/stays', { ...filter(), before: state.before || '', limit: PAGE }, { signal: my.signal });
      if (my !== controller) return;
      if (data.total !== null && data.total !== undefined) state.total = Number(data.total);
      summary.dataset.total = String(state.total);
      summary.textContent = state.total === 0 ? 'Không có khách nào phù hợp.'
        : `${fmtNumber(state.total)} lượt lưu trú${state.present ? ' của khách đang lưu trú' : ''}.`;
      mount(results,
        data.items.length ? dataTable(columns(() => load()), data.items, { id: 'stays-table', rowClass: 'stay-row', caption: 'Khách nước ngoài lưu trú' })
          : emptyState(state.present ? 'Hiện không có khách nước ngoài nào đang lưu trú.' : 'Chưa có lượt lưu trú nào phù hợp.'),
        (state.stack.length || data.next) ? pager({
          hasPrev: state.stack.length > 0, hasNext: !!data.next, label: `Trang ${state.stack.length + 1}`,
          onPrev: () => { state.before = state.stack.pop() || 0; load(); },
          onNext: () => { state.stack.push(state.before); state.before = data.next; load(); },
        }) : null);
      results.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      results.dataset.state = 'error';
      showError(results, e);
    } finally {
      if (my === controller) results.removeAttribute('aria-busy');
    }
  }

  const restart = () => { state.before = 0; state.stack = []; setUrl(); load(); };
  present.addEventListener('change', () => { state.present = present.checked; restart(); });
  from.addEventListener('change', () => { state.from = from.value; restart(); });
  to.addEventListener('change', () => { state.to = to.value; restart(); });
  nat.addEventListener('change', () => { state.nationality = nat.value; restart(); });

  mount(el,
    pageHead('Lưu trú người nước ngoài',
      can('stays.write') ? linkButton('+ Đăng ký khách', '#/stays/new', 'btn btn-primary') : null,
      exportLink),
    h('section', { class: 'panel toolbar stays-filters' },
      h('label', { class: 'check', for: 'stays-present' }, present, ' Chỉ khách đang lưu trú hôm nay'),
      h('div', { class: 'filter-row' },
        h('label', { for: 'stays-from' }, 'Ngày đến, từ', from),
        h('label', { for: 'stays-to' }, 'tới ngày', to),
        h('label', { for: 'stays-nationality' }, 'Quốc tịch', nat))),
    summary,
    results);
  setUrl();
  load();
}
