// page-outbreak.js: "Vùng dịch" (#/outbreak-areas): units marked as outbreak areas (any level, from a
// date to a date or still), which the alert rules of declarations use. Marking and ending need
// outbreak.write (district and province staff); everybody with units.read sees the list.
import { h, mount } from './dom.js';
import { get, post, isAbort } from './api.js';
import { can } from './session.js';
import { pageHead, dataTable, loading, showError, emptyState, field, button, alertBox, toast } from './ui.js';
import { unitPicker } from './unitpicker.js';
import { isoDay, fmtDay } from './page-declare-common.js';

function stateText(a) {
  if (a.active) return h('span', { class: 'reason reason-symptoms' }, 'Đang là vùng dịch');
  if (a.from_date > isoDay(0)) return h('span', { class: 'reason' }, 'Chưa đến ngày');
  return h('span', { class: 'outbreak-ended' }, 'Đã kết thúc');
}

export function renderOutbreak(ctx) {
  const { el, signal } = ctx;
  const activeOnly = h('input', { type: 'checkbox', id: 'ob-active' });
  const results = h('div', { class: 'results', id: 'ob-results', dataset: { state: 'loading' } }, loading());

  async function load() {
    results.dataset.state = 'loading';
    try {
      const d = await get('/api/outbreak-areas', { active: activeOnly.checked ? 1 : '' }, { signal });
      const items = d.items || [];
      const cols = [
        { label: 'Địa bàn', class: 'col-name', cell: (a) => h('span', null, a.unit_name, h('span', { class: 'cell-sub' }, a.path_names)) },
        { label: 'Từ ngày', class: 'col-nowrap', cell: (a) => fmtDay(a.from_date) },
        { label: 'Đến ngày', class: 'col-nowrap', cell: (a) => (a.to_date ? fmtDay(a.to_date) : h('span', { class: 'muted' }, 'Chưa kết thúc')) },
        { label: 'Trạng thái', cell: stateText },
        { label: 'Ghi chú', cell: (a) => a.note },
        can('outbreak.write') ? { label: '', cell: (a) => ((!a.to_date || a.to_date >= isoDay(0)) && a.from_date <= isoDay(0)
          ? button('Kết thúc hôm nay', { class: 'btn btn-light btn-small', dataset: { end: String(a.id) }, onclick: () => end(a) }) : '') } : null,
      ].filter(Boolean);
      mount(results, items.length ? dataTable(cols, items, { id: 'ob-table', rowClass: 'outbreak-row' }) : emptyState('Chưa có vùng dịch nào.'));
      results.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      results.dataset.state = 'error';
      showError(results, e);
    }
  }

  async function end(a) {
    if (!confirm(`Kết thúc vùng dịch ${a.unit_name} từ hôm nay?`)) return;
    try {
      await post(`/api/outbreak-areas/${encodeURIComponent(a.id)}/end`, {});
      toast('Đã kết thúc vùng dịch.');
      load();
    } catch (e) { toast(e.message, 'error'); }
  }

  let form = null;
  if (can('outbreak.write')) {
    const picker = unitPicker({ id: 'ob-unit', depth: 4, mode: 'filter' });
    const from = h('input', { type: 'date', id: 'ob-from', value: isoDay(0) });
    const to = h('input', { type: 'date', id: 'ob-to' });
    const note = h('input', { type: 'text', id: 'ob-note', maxlength: '200', placeholder: 'Ví dụ: theo Quyết định số …' });
    const msg = h('div', { id: 'ob-messages', 'aria-live': 'polite' });
    form = h('form', { class: 'form panel', id: 'outbreak-form', novalidate: true },
      h('h2', null, 'Công bố vùng dịch'),
      h('p', { class: 'hint' }, 'Chọn địa bàn (tỉnh, huyện, xã hoặc thôn/tổ). Người khai báo ở hoặc đã đến địa bàn này trong thời gian trên sẽ được đưa vào danh sách cảnh báo.'),
      h('div', { class: 'grid grid-units' }, picker.el),
      h('div', { class: 'grid' },
        field({ label: 'Từ ngày', id: 'ob-from', input: from, required: true }),
        field({ label: 'Đến ngày', id: 'ob-to', input: to, hint: 'Để trống nếu chưa kết thúc.' }),
        field({ label: 'Ghi chú', id: 'ob-note', input: note, wide: true })),
      msg,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'ob-save' }, 'Công bố')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      mount(msg);
      const unit = picker.value;
      if (!unit) { mount(msg, alertBox('error', 'Hãy chọn địa bàn.')); return; }
      try {
        await post('/api/outbreak-areas', { unit_code: unit, from_date: from.value, to_date: to.value, note: note.value.trim() });
        toast('Đã công bố vùng dịch.');
        note.value = '';
        load();
      } catch (ex) { mount(msg, alertBox('error', ex.message)); }
    });
  }

  activeOnly.addEventListener('change', load);
  mount(el,
    pageHead('Vùng dịch', h('a', { class: 'btn btn-light', href: '#/alerts' }, 'Cảnh báo cần xử lý')),
    form,
    h('section', { class: 'panel toolbar' }, h('label', { class: 'choice' }, activeOnly, h('span', null, 'Chỉ hiện vùng dịch đang có hiệu lực'))),
    results);
  load();
}
