// page-directive-board.js: task boards: one agency's tasks over every dispatch (#/directives/agencies/:id)
// and one dispatch's tasks over every agency (#/directives/:id/board), in four columns (Mới, Đang thực
// hiện, Quá hạn, Hoàn thành) with the progress form on the cards the account may report on; and one
// task (#/directives/tasks/:id) with its reports and their attached files.
import { h, mount } from './dom.js';
import { get, isAbort } from './api.js';
import { pageHead, loading, showError, emptyState, details } from './ui.js';
import { fmtDateTime } from './format.js';
import { crumbs, statusBadge, reportForm, vnDate, ROLE_LABELS, STATUS_LABELS } from './page-directive-common.js';

const COLUMNS = ['new', 'in_progress', 'overdue', 'done'];

function card(t, { showDoc, showAgency }, reload) {
  return h('article', { class: 'dv-card', dataset: { task: String(t.id), status: t.status } },
    showAgency ? h('p', null, h('strong', null, t.agency_name)) : null,
    showDoc ? h('p', null, h('a', { href: `#/directives/${t.doc_id}` }, `${t.doc_type || ''} ${t.doc_number || ''}`), ` · mục ${t.item_label}`)
      : h('p', null, `Mục ${t.item_label}`),
    h('p', { class: 'muted' }, (t.item_text || '').slice(0, 160) + ((t.item_text || '').length > 160 ? '…' : '')),
    h('p', null, statusBadge(t.status), ` ${t.progress}% · ${ROLE_LABELS[t.role] || t.role}`,
      t.due_date ? ` · hạn ${vnDate(t.due_date)}` : '', ' · ', h('a', { href: `#/directives/tasks/${t.id}` }, 'Chi tiết')),
    t.may_report ? reportForm(t, reload) : null);
}

function board(items, opts, reload) {
  return h('div', { class: 'dv-board', id: 'dv-board' }, COLUMNS.map((s) => {
    const mine = items.filter((t) => t.status === s);
    return h('section', { class: 'dv-col', dataset: { column: s } },
      h('h2', null, `${STATUS_LABELS[s]} (${mine.length})`), mine.map((t) => card(t, opts, reload)));
  }));
}

export function renderAgencyBoard(ctx) {
  const { el, params, signal } = ctx;
  const load = async () => {
    try {
      const [tasks, agencies] = await Promise.all([get('/api/tasks', { agency: params.id }, { signal }),
        get('/api/agencies', null, { signal })]);
      const a = agencies.items.find((x) => String(x.id) === String(params.id));
      const name = a ? a.name : 'Cơ quan';
      mount(el, crumbs(h('a', { href: '#/directives/agencies' }, 'Bảng theo cơ quan'), name), pageHead(name),
        h('p', { class: 'export-links' }, h('a', { href: `/api/tasks.xlsx?agency=${encodeURIComponent(params.id)}`, download: '' }, 'Tải Excel')),
        tasks.items.length ? board(tasks.items, { showDoc: true, showAgency: false }, load) : emptyState('Cơ quan chưa có nhiệm vụ nào.'));
    } catch (e) { if (!isAbort(e)) showError(el, e); }
  };
  mount(el, loading());
  load();
}

export function renderDirectiveBoard(ctx) {
  const { el, params, signal } = ctx;
  const load = async () => {
    try {
      const [{ directive: d }, tasks] = await Promise.all([get(`/api/directives/${params.id}`, null, { signal }),
        get(`/api/directives/${params.id}/tasks`, null, { signal })]);
      const title = `${d.type || 'Văn bản'} ${d.number || ''}`;
      mount(el, crumbs(h('a', { href: `#/directives/${d.id}` }, title), 'Bảng nhiệm vụ'), pageHead(`Bảng nhiệm vụ: ${title}`),
        tasks.items.length ? board(tasks.items, { showDoc: false, showAgency: true }, load) : emptyState('Văn bản chưa giao nhiệm vụ nào.'));
    } catch (e) { if (!isAbort(e)) showError(el, e); }
  };
  mount(el, loading());
  load();
}

export function renderTask(ctx) {
  const { el, params, signal } = ctx;
  const load = async () => {
    try {
      const { task: t } = await get(`/api/tasks/${params.id}`, null, { signal });
      mount(el, crumbs(h('a', { href: `#/directives/${t.doc_id}` }, `${t.doc_type || ''} ${t.doc_number || ''}`), `Mục ${t.item_label}`),
        pageHead(`Nhiệm vụ của ${t.agency_name}`),
        details([
          ['Văn bản', h('a', { href: `#/directives/${t.doc_id}` }, `${t.doc_type || ''} ${t.doc_number || ''} – ${t.doc_issuer || ''}`)],
          ['Nội dung', h('span', { class: 'prewrap' }, t.item_text)],
          ['Vai trò', ROLE_LABELS[t.role] || t.role],
          ['Hạn hoàn thành', vnDate(t.due_date)],
          ['Trạng thái', [statusBadge(t.status), ` ${t.progress}%`]],
        ]),
        t.may_report ? h('section', { class: 'panel' }, h('h2', null, 'Báo cáo tiến độ'), reportForm(t, load)) : null,
        h('h2', null, 'Các lần báo cáo'),
        t.reports.length ? h('ul', { id: 'dv-reports' }, t.reports.map((r) => h('li', null,
          `${fmtDateTime(r.at)} · ${r.username} · ${STATUS_LABELS[r.status] || r.status} ${r.progress}%`, r.note ? ` · ${r.note}` : '',
          r.files.map((f) => [' · ', h('a', { href: `/api/task-files/${f.id}`, download: f.name }, `${f.name} (${Math.ceil(f.size / 1024)} KB)`)]))))
          : emptyState('Chưa có báo cáo nào.'));
    } catch (e) { if (!isAbort(e)) showError(el, e); }
  };
  mount(el, loading());
  load();
}
