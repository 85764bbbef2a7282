// page-alerts.js: "Cảnh báo cần xử lý" (#/alerts): the commune health station's worklist of alerts
// raised by declarations (symptoms, exposure, outbreak areas, identity to check), with the person's
// name and phone; filters (status, reason, unit); recording the action taken closes an alert.
import { h, mount } from './dom.js';
import { get, post, isAbort } from './api.js';
import { can } from './session.js';
import { fmtDateTime } from './format.js';
import { pageHead, dataTable, pager, loading, showError, emptyState, field, select, button, toast } from './ui.js';
import { unitPicker } from './unitpicker.js';
import { REASON_LABELS, ACTIONS } from './page-declare-common.js';

const PAGE = 50;

function reasonBadges(a) {
  return h('div', { class: 'reason-badges' }, (a.reasons || []).map((r) =>
    h('span', { class: `reason reason-${r}`, dataset: { reason: r } }, REASON_LABELS[r] || r)));
}

function doneText(a) {
  return h('div', { class: 'act-done' }, a.action_label || a.action,
    a.action_note ? h('span', { class: 'cell-sub' }, a.action_note) : null,
    h('span', { class: 'cell-sub' }, [a.acted_by, fmtDateTime(a.acted_at)].filter(Boolean).join(' · ')));
}

// The action form of an open alert; on success the cell shows what was recorded.
function actForm(a, cell, row) {
  const id = `act-${a.id}`;
  const action = select([['', '— Việc đã làm —'], ...ACTIONS], { id: `${id}-action`, 'aria-label': 'Việc đã làm' });
  const note = h('input', { type: 'text', id: `${id}-note`, maxlength: '500', placeholder: 'Ghi chú (vd. đã hẹn test lúc 9 giờ)', 'aria-label': 'Ghi chú' });
  const err = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const save = button('Ghi nhận', { class: 'btn btn-primary btn-small', id: `${id}-save` });
  const form = h('form', { class: 'act-form', novalidate: true }, action, note, err, save);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.hidden = true;
    if (!action.value) { err.textContent = 'Hãy chọn việc đã làm.'; err.hidden = false; action.focus(); return; }
    save.disabled = true;
    try {
      const r = await post(`/api/alerts/${encodeURIComponent(a.id)}/action`, { action: action.value, note: note.value.trim() });
      mount(cell, doneText(r.alert));
      row.dataset.status = 'done';
      toast('Đã ghi nhận việc xử lý.');
    } catch (ex) {
      save.disabled = false;
      err.textContent = ex.message;
      err.hidden = false;
    }
  });
  save.type = 'submit';
  return form;
}

function columns() {
  return [
    { label: 'Thời gian', class: 'col-nowrap', cell: (a) => fmtDateTime(a.created_at) },
    { label: 'Người khai báo', class: 'col-name', cell: (a) => h('span', null,
      can('people.read') ? h('a', { href: `#/people/${encodeURIComponent(a.person_id)}` }, a.full_name) : a.full_name,
      a.phone ? h('a', { class: 'cell-sub', href: `tel:${a.phone}` }, a.phone) : h('span', { class: 'cell-sub muted' }, 'Không có số điện thoại')) },
    { label: 'Nơi ở', class: 'col-address', cell: (a) => h('span', null, a.address || '', h('span', { class: 'cell-sub' }, a.unit_name || a.unit_code)) },
    { label: 'Lý do', class: 'col-detail', cell: (a) => h('div', null, reasonBadges(a), h('div', { class: 'alert-detail' }, a.detail)) },
    { label: 'Xử lý', class: 'col-act', cell: (a) => (a.status === 'done' ? doneText(a)
      : can('alerts.act') ? h('div', { class: 'act-cell' }) : h('span', { class: 'muted' }, 'Chưa xử lý')) },
  ];
}

export function renderAlerts(ctx) {
  const { el, query, signal } = ctx;
  const state = { status: query.status || 'open', reason: query.reason || '', unit: query.unit || '', before: 0, stack: [] };
  const status = select([['open', 'Chưa xử lý'], ['done', 'Đã xử lý'], ['all', 'Tất cả']], { id: 'al-status', value: state.status });
  const reason = select([['', 'Mọi lý do'], ...Object.entries(REASON_LABELS)], { id: 'al-reason', value: state.reason });
  const picker = unitPicker({ id: 'al-unit', value: state.unit, depth: 3, mode: 'filter', onChange: (code) => {
    state.unit = code === picker.root ? '' : code;
    restart();
  } });
  const results = h('div', { class: 'results', id: 'al-results', dataset: { state: 'loading' } }, loading());
  let controller = null;

  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const my = controller;
    signal.addEventListener('abort', () => my.abort(), { once: true });
    results.dataset.state = 'loading';
    results.setAttribute('aria-busy', 'true');
    try {
      const data = await get('/api/alerts', { status: state.status, reason: state.reason, unit: state.unit,
        before: state.before || '', limit: PAGE }, { signal: my.signal });
      if (my !== controller) return;
      const items = data.items || [];
      const table = items.length ? dataTable(columns(), items, { id: 'al-table', rowClass: 'alert-row', caption: 'Danh sách cảnh báo' }) : null;
      if (table) {
        // Rows carry the alert's id and status; open rows get their action form.
        table.querySelectorAll('tbody tr').forEach((tr, i) => {
          const a = items[i];
          tr.dataset.alertId = String(a.id);
          tr.dataset.status = a.status;
          const cell = tr.querySelector('.act-cell');
          if (cell) cell.appendChild(actForm(a, cell.parentElement, tr));
        });
      }
      mount(results, table || emptyState(state.status === 'open' ? 'Không có cảnh báo nào chờ xử lý.' : 'Không có cảnh báo nào phù hợp.'),
        (state.stack.length || data.next) ? pager({
          hasPrev: state.stack.length > 0, hasNext: !!data.next, label: `Trang ${state.stack.length + 1}`,
          onPrev: () => { state.before = state.stack.pop() || 0; load(); },
          onNext: () => { state.stack.push(state.before); state.before = data.next; load(); },
        }) : null);
      results.dataset.state = 'ready';
      results.dataset.count = String(items.length);
    } catch (e) {
      if (isAbort(e)) return;
      results.dataset.state = 'error';
      showError(results, e);
    } finally {
      if (my === controller) results.removeAttribute('aria-busy');
    }
  }

  function restart() {
    state.before = 0;
    state.stack = [];
    const q = new URLSearchParams();
    if (state.status !== 'open') q.set('status', state.status);
    if (state.reason) q.set('reason', state.reason);
    if (state.unit) q.set('unit', state.unit);
    history.replaceState(null, '', '#/alerts' + (q.toString() ? '?' + q : ''));
    load();
  }
  status.addEventListener('change', () => { state.status = status.value; restart(); });
  reason.addEventListener('change', () => { state.reason = reason.value; restart(); });

  mount(el,
    pageHead('Cảnh báo cần xử lý', h('a', { class: 'btn btn-light', href: '#/declarations' }, 'Danh sách khai báo')),
    h('p', { class: 'lead' }, 'Người khai báo có triệu chứng, có tiếp xúc gần ca bệnh, ở hoặc đã đến vùng dịch. Hãy liên hệ và ghi lại việc đã làm.'),
    h('section', { class: 'panel toolbar' },
      h('div', { class: 'grid grid-filters' },
        field({ label: 'Trạng thái', id: 'al-status', input: status }),
        field({ label: 'Lý do', id: 'al-reason', input: reason })),
      h('details', { class: 'filters', open: !!state.unit }, h('summary', null, 'Lọc theo địa bàn'), picker.el)),
    results);
  load();
}
