// page-audit.js: "Nhật ký truy cập" (admin): who read or changed which record. Filters, a table newest
// first with keyset paging (before), and CSV/XLSX export links for the same filters.
import { h, mount } from './dom.js';
import { get, qs, isAbort } from './api.js';
import { fmtDateTime } from './format.js';
import { pageHead, dataTable, pager, loading, showError, emptyState, field } from './ui.js';

const PAGE = 100;
const ACTIONS = [['', 'Tất cả'], ['read', 'Xem'], ['search', 'Tìm kiếm'], ['create', 'Tạo mới'], ['update', 'Sửa'],
  ['delete', 'Xoá'], ['import', 'Nhập tệp'], ['export', 'Xuất tệp'], ['login', 'Đăng nhập'], ['logout', 'Đăng xuất']];
const ENTITIES = [['', 'Tất cả'], ['person', 'Nhân khẩu'], ['household', 'Hộ gia đình'], ['unit', 'Đơn vị'],
  ['user', 'Tài khoản'], ['session', 'Phiên đăng nhập'], ['audit', 'Nhật ký']];
const ACTION_LABEL = Object.fromEntries(ACTIONS.slice(1));
const ENTITY_LABEL = Object.fromEntries(ENTITIES.slice(1));

export function renderAudit(ctx) {
  const { el, query, signal } = ctx;
  const filters = { user: query.user || '', entity: query.entity || '', entity_id: query.entity_id || '',
    action: query.action || '', from: query.from || '', to: query.to || '' };
  const state = { before: 0, stack: [] };
  const inputs = {
    user: h('input', { type: 'text', value: filters.user, autocomplete: 'off' }),
    action: h('select', null, ACTIONS.map(([v, l]) => h('option', { value: v }, l))),
    entity: h('select', null, ENTITIES.map(([v, l]) => h('option', { value: v }, l))),
    entity_id: h('input', { type: 'text', inputmode: 'numeric', value: filters.entity_id }),
    from: h('input', { type: 'date', value: filters.from }),
    to: h('input', { type: 'date', value: filters.to }),
  };
  inputs.action.value = filters.action;
  inputs.entity.value = filters.entity;
  const results = h('div', { class: 'results', id: 'audit-results', dataset: { state: 'loading' } }, loading());
  const csv = h('a', { class: 'btn btn-light', id: 'audit-csv', download: '' }, 'Xuất CSV');
  const xlsx = h('a', { class: 'btn btn-light', id: 'audit-xlsx', download: '' }, 'Xuất Excel');
  let controller = null;

  function readFilters() {
    for (const k of Object.keys(inputs)) filters[k] = inputs[k].value.trim();
    const p = qs(filters);
    history.replaceState(null, '', '#/audit' + p);
    csv.href = '/api/audit.csv' + p;
    xlsx.href = '/api/audit.xlsx' + p;
  }

  async function load() {
    if (controller) controller.abort();
    const my = controller = new AbortController();
    signal.addEventListener('abort', () => my.abort(), { once: true });
    results.dataset.state = 'loading';
    results.classList.add('is-loading');
    try {
      const data = await get('/api/audit', { ...filters, before: state.before || '', limit: PAGE }, { signal: my.signal });
      const items = data.items || [];
      mount(results,
        items.length ? dataTable([
          { label: 'Thời gian', class: 'nowrap', cell: (x) => fmtDateTime(x.at) },
          { label: 'Người dùng', cell: (x) => x.username || '' },
          { label: 'Hành động', cell: (x) => ACTION_LABEL[x.action] || x.action || '' },
          { label: 'Đối tượng', cell: (x) => ENTITY_LABEL[x.entity] || x.entity || '' },
          { label: 'Mã', class: 'num', cell: (x) => (x.entity_id === null || x.entity_id === undefined || x.entity_id === 0 ? ''
            : x.entity === 'person' ? h('a', { href: `#/people/${encodeURIComponent(x.entity_id)}` }, String(x.entity_id)) : String(x.entity_id)) },
          { label: 'Đơn vị', cell: (x) => x.unit_code || '' },
          { label: 'Chi tiết', class: 'col-detail', cell: (x) => x.detail || '' },
          { label: 'Địa chỉ IP', cell: (x) => x.ip || '' },
        ], items, { id: 'audit-table', rowClass: 'audit-row', caption: 'Nhật ký truy cập' })
          : emptyState('Không có mục nhật ký nào phù hợp.'),
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
      if (my === controller) results.classList.remove('is-loading');
    }
  }

  const form = h('form', { class: 'form panel', id: 'audit-filters' },
    h('div', { class: 'grid grid-filters' },
      field({ label: 'Tên đăng nhập', id: 'af-user', input: inputs.user }),
      field({ label: 'Hành động', id: 'af-action', input: inputs.action }),
      field({ label: 'Đối tượng', id: 'af-entity', input: inputs.entity }),
      field({ label: 'Mã đối tượng', id: 'af-entity_id', input: inputs.entity_id }),
      field({ label: 'Từ ngày', id: 'af-from', input: inputs.from }),
      field({ label: 'Đến ngày', id: 'af-to', input: inputs.to })),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Lọc'),
      h('button', { type: 'reset', class: 'btn btn-light' }, 'Xoá bộ lọc')));
  form.addEventListener('submit', (e) => { e.preventDefault(); readFilters(); state.before = 0; state.stack = []; load(); });
  form.addEventListener('reset', () => setTimeout(() => { readFilters(); state.before = 0; state.stack = []; load(); }));

  mount(el, pageHead('Nhật ký truy cập', csv, xlsx), form, results);
  readFilters();
  load();
}
