// page-directives.js: "Văn bản chỉ đạo" (#/directives): the dispatches the account sees with their task
// counts and a search; the overdue tasks (#/directives/overdue) with their Excel export; the agencies of
// the directory (#/directives/agencies), each opening its task board.
import { h, mount, debounce } from './dom.js';
import { get, post, isAbort } from './api.js';
import { can } from './session.js';
import { pageHead, dataTable, loading, showError, emptyState, linkButton, field, alertBox, toast } from './ui.js';
import { docLink, vnDate, statusBadge, ROLE_LABELS, KIND_LABELS, crumbs } from './page-directive-common.js';

function tabs(active) {
  const tab = (href, label, key) => h('a', { href, class: 'btn ' + (active === key ? 'btn-primary' : 'btn-light'),
    'aria-current': active === key ? 'page' : null }, label);
  return h('nav', { class: 'dv-tabs', 'aria-label': 'Văn bản chỉ đạo' },
    tab('#/directives', 'Văn bản', 'list'),
    tab('#/directives/overdue', 'Nhiệm vụ quá hạn', 'overdue'),
    tab('#/directives/agencies', 'Bảng theo cơ quan', 'agencies'));
}

function head(title) {
  return pageHead(title, can('directives.write') ? linkButton('Nhập văn bản', '#/directives/import', 'btn btn-primary') : null);
}

export function renderDirectives(ctx) {
  const { el, signal } = ctx;
  const q = h('input', { type: 'search', id: 'dv-search', class: 'search-input', placeholder: 'Số, cơ quan ban hành, trích yếu',
    'aria-label': 'Tìm văn bản' });
  const stubs = h('input', { type: 'checkbox', id: 'dv-stubs' });
  const box = h('div', { id: 'dv-list' }, loading());
  mount(el, head('Văn bản chỉ đạo'), tabs('list'),
    h('div', { class: 'toolbar' }, q, h('label', null, stubs, ' Cả văn bản được dẫn chiếu chưa có bản gốc')), box);
  const load = async () => {
    try {
      const r = await get('/api/directives', { q: q.value.trim(), stubs: stubs.checked ? 1 : '' }, { signal });
      if (!r.items.length) { mount(box, emptyState('Chưa có văn bản nào.')); return; }
      mount(box, dataTable([
        { label: 'Văn bản', cell: (d) => docLink(d) },
        { label: 'Ngày', cell: (d) => vnDate(d.date) },
        { label: 'Cơ quan ban hành', cell: (d) => d.issuer },
        { label: 'Trích yếu', cell: (d) => d.subject },
        { label: 'Nhiệm vụ', cell: (d) => (d.stub ? h('span', { class: 'muted' }, 'Chưa có bản gốc')
          : `${d.tasks_done}/${d.tasks} xong` + (d.tasks_overdue ? `, ${d.tasks_overdue} quá hạn` : '')) },
      ], r.items, { id: 'dv-table', caption: 'Văn bản chỉ đạo' }));
    } catch (e) { showError(box, e); }
  };
  q.addEventListener('input', debounce(load, 250));
  stubs.addEventListener('change', load);
  load();
}

export function taskTable(items, { showDoc = true, showAgency = true } = {}) {
  return dataTable([
    showDoc ? { label: 'Văn bản', cell: (t) => h('a', { href: `#/directives/${t.doc_id}` }, `${t.doc_type || ''} ${t.doc_number || ''}`) } : null,
    { label: 'Mục', cell: (t) => t.item_label },
    showAgency ? { label: 'Cơ quan', cell: (t) => h('a', { href: `#/directives/agencies/${t.agency_id}` }, t.agency_name) } : null,
    { label: 'Vai trò', cell: (t) => ROLE_LABELS[t.role] || t.role },
    { label: 'Hạn', cell: (t) => vnDate(t.due_date) },
    { label: 'Trạng thái', cell: (t) => statusBadge(t.status) },
    { label: 'Tiến độ', cell: (t) => `${t.progress}%` },
    { label: '', cell: (t) => h('a', { href: `#/directives/tasks/${t.id}` }, 'Chi tiết') },
  ].filter(Boolean), items, { id: 'dv-tasks', rowClass: 'dv-task-row' });
}

export function renderOverdue(ctx) {
  const { el, signal } = ctx;
  const box = h('div', null, loading());
  mount(el, head('Nhiệm vụ quá hạn'), tabs('overdue'),
    h('p', { class: 'export-links' }, h('a', { href: '/api/tasks.xlsx?overdue=1', download: '' }, 'Tải danh sách (Excel)')), box);
  get('/api/tasks', { overdue: 1 }, { signal }).then((r) => {
    mount(box, r.items.length ? taskTable(r.items) : emptyState('Không có nhiệm vụ quá hạn.'));
  }).catch((e) => showError(box, e));
}

// The form adding an agency to a directory the account sees (officials only).
function agencyForm(dirs, reload) {
  const name = h('input', { type: 'text', id: 'dv-agency-name', required: true });
  const kind = h('select', { id: 'dv-agency-kind' }, Object.entries(KIND_LABELS).map(([k, v]) => h('option', { value: k }, v)));
  const dir = h('select', { id: 'dv-agency-dir' }, dirs.map(([code, label]) => h('option', { value: code }, label)));
  const msg = h('div');
  const form = h('form', { class: 'form panel', id: 'dv-agency-form' },
    h('h2', null, 'Thêm cơ quan vào danh bạ'),
    h('div', { class: 'grid' },
      field({ label: 'Tên cơ quan', id: 'dv-agency-name', input: name, required: true }),
      field({ label: 'Loại', id: 'dv-agency-kind', input: kind }),
      field({ label: 'Danh bạ', id: 'dv-agency-dir', input: dir })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Thêm')), msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(msg);
    try {
      await post('/api/agencies', { dir_unit: dir.value, name: name.value.trim(), kind: kind.value });
      toast('Đã thêm cơ quan');
      reload();
    } catch (err) { mount(msg, alertBox('error', err.message)); }
  });
  return form;
}

export function renderAgencies(ctx) {
  const { el, signal } = ctx;
  const box = h('div', null, loading());
  mount(el, head('Bảng theo cơ quan'), tabs('agencies'), box);
  const load = () => get('/api/agencies', null, { signal }).then((r) => {
    if (!r.items.length) { mount(box, emptyState('Chưa có danh bạ cơ quan.')); return; }
    const dirs = [...new Map(r.items.filter((a) => a.dir_unit === a.unit_code).map((a) => [a.dir_unit, a.unit_name])).entries()];
    mount(box, dataTable([
      { label: 'Cơ quan', cell: (a) => h('a', { href: `#/directives/agencies/${a.id}` }, a.name) },
      { label: 'Loại', cell: (a) => KIND_LABELS[a.kind] || a.kind },
      { label: 'Đơn vị', cell: (a) => a.unit_name },
      { label: 'Tên gọi khác (không dấu)', cell: (a) => (a.aliases ? h('span', { class: 'muted' }, a.aliases.split('|').join('; ')) : '') },
      { label: 'Nhiệm vụ', cell: (a) => `${a.tasks_done}/${a.tasks} xong` },
    ], r.items, { id: 'dv-agencies' }), can('directives.write') && dirs.length ? agencyForm(dirs, load) : null);
  }).catch((e) => { if (!isAbort(e)) showError(box, e); });
  load();
}

export { crumbs };
