// page-directive.js: one dispatch (#/directives/:id): its fields, the chain of documents it implements
// (up to the Government) and that implement it (down to the communes), its items with the task of each
// agency (due dates editable by officials), the agency names no directory entry matched (to be mapped
// by the official), the original text; links to its task board, the Excel export and the draft.
import { h, mount } from './dom.js';
import { get, post, put, isAbort } from './api.js';
import { can } from './session.js';
import { pageHead, details, loading, showError, linkButton, alertBox, toast, button, dataTable } from './ui.js';
import { crumbs, docTitle, vnDate, statusBadge, ROLE_LABELS } from './page-directive-common.js';

function chainList(chain) {
  const row = (d, cls) => h('li', { class: cls, dataset: { id: String(d.id) } },
    cls === 'dv-self' ? docTitle(d) : h('a', { href: `#/directives/${d.id}` }, docTitle(d)),
    ' — ', d.issuer || '', d.date ? ` (${vnDate(d.date)})` : '', d.stub ? h('span', { class: 'muted' }, ' · chưa có bản gốc') : '');
  const up = [...chain.ancestors].sort((a, b) => (a.issuer_level - b.issuer_level) || (b.depth - a.depth));
  const down = [...chain.descendants].sort((a, b) => (a.issuer_level - b.issuer_level) || (a.depth - b.depth));
  return h('ol', { class: 'dv-chain', id: 'dv-chain' },
    up.map((d) => row(d, 'dv-up')), row(chain.document, 'dv-self'), down.map((d) => row(d, 'dv-down')));
}

function dueEditor(t, reload) {
  if (!can('directives.write')) return vnDate(t.due_date) || '—';
  const inp = h('input', { type: 'date', value: t.due_date || '', 'aria-label': `Hạn của ${t.agency_name}`, class: 'dv-due' });
  inp.addEventListener('change', async () => {
    try { await put(`/api/tasks/${t.id}/due`, { due_date: inp.value }); toast('Đã đặt hạn'); reload(); } catch (e) { toast(e.message, 'error'); }
  });
  return inp;
}

function itemSection(it, reload) {
  return h('section', { class: 'dv-item', dataset: { item: String(it.id) } },
    h('h3', null, `Mục ${it.label}`, it.due_date ? h('span', { class: 'muted' }, ` · hạn ${vnDate(it.due_date)}`) : ''),
    h('p', { class: 'prewrap' }, it.text),
    it.tasks.length ? h('div', { class: 'dv-task-list' }, dataTable([
      { label: 'Cơ quan', cell: (t) => h('a', { href: `#/directives/agencies/${t.agency_id}` }, t.agency_name) },
      { label: 'Vai trò', cell: (t) => ROLE_LABELS[t.role] || t.role },
      { label: 'Trạng thái', cell: (t) => [statusBadge(t.status), ` ${t.progress}%`] },
      { label: 'Hạn', cell: (t) => dueEditor(t, reload) },
      { label: '', cell: (t) => h('a', { href: `#/directives/tasks/${t.id}` }, 'Báo cáo') },
    ], it.tasks, { rowClass: 'dv-task-row' })) : h('p', { class: 'muted' }, 'Chưa giao cho cơ quan nào.'));
}

function mentionsBox(d, agencies, reload) {
  const open = d.mentions.filter((m) => !m.matched);
  if (!open.length) return null;
  return h('section', { class: 'panel', id: 'dv-mentions' },
    h('h2', null, 'Cơ quan chưa xác định trong danh bạ'),
    h('p', { class: 'muted' }, 'Chọn cơ quan tương ứng để giao nhiệm vụ; tên này sẽ được ghi nhớ cho các văn bản sau.'),
    h('ul', null, open.map((m) => {
      const sel = h('select', { 'aria-label': `Cơ quan cho "${m.text}"` }, h('option', { value: '' }, '— chọn cơ quan —'),
        agencies.map((a) => h('option', { value: String(a.id) }, a.name)));
      const map = async () => {
        if (!sel.value) return;
        try {
          const r = await post(`/api/directive-mentions/${m.id}`, { agency_id: Number(sel.value) });
          toast(`Đã giao thêm ${r.tasks_added} nhiệm vụ`);
          reload();
        } catch (e) { toast(e.message, 'error'); }
      };
      return h('li', { class: 'dv-mention-unmatched' }, `Mục ${String(m.item_label).replace(/\.$/, '')}: "${m.text}" `,
        can('directives.write') ? [sel, ' ', button('Giao', { class: 'btn btn-small', onclick: map })] : null);
    })));
}

// What the reader could not place, kept with the document.
function unparsedNote(u) {
  const list = Array.isArray(u) ? u.filter(Boolean) : (u ? [u] : []);
  if (!list.length) return null;
  return h('div', { class: 'dv-unparsed', id: 'dv-unparsed' }, h('strong', null, 'Phần chưa đọc được vào trường nào:'), '\n',
    list.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('\n'));
}

export function renderDirective(ctx) {
  const { el, params, signal } = ctx;
  const load = async () => {
    mount(el, crumbs('Văn bản'), loading());
    try {
      const [{ directive: d }, chain] = await Promise.all([
        get(`/api/directives/${params.id}`, null, { signal }), get(`/api/directives/${params.id}/chain`, null, { signal })]);
      const agencies = can('directives.write') && d.dir_unit
        ? (await get('/api/agencies', { unit: d.dir_unit }, { signal })).items : [];
      const actions = [
        linkButton('Bảng nhiệm vụ', `#/directives/${d.id}/board`, 'btn btn-light'),
        h('a', { class: 'btn btn-light', href: `/api/directives/${d.id}/tasks.xlsx`, download: '' }, 'Tải Excel'),
        can('directives.write') && !d.stub ? linkButton('Soạn văn bản thực hiện', `#/directives/${d.id}/draft`, 'btn btn-primary') : null,
      ];
      mount(el, crumbs(docTitle(d)), pageHead(docTitle(d), ...actions),
        d.stub ? alertBox('info', 'Văn bản này được dẫn chiếu nhưng chưa có bản gốc; nhập bản gốc sẽ bổ sung vào đây.') : null,
        details([
          ['Cơ quan ban hành', [d.issuer_parent ? d.issuer_parent + ' – ' : '', d.issuer]],
          ['Ngày ban hành', vnDate(d.date)],
          ['Trích yếu', d.subject],
          ['Nơi ban hành', d.place],
          ['Kính gửi', Array.isArray(d.recipients) ? d.recipients.join('; ') : ''],
          ['Người ký', d.signer ? [d.signer.title, ' ', d.signer.name].filter(Boolean) : ''],
        ]),
        h('h2', null, 'Chuỗi văn bản'), chainList(chain),
        unparsedNote(d.unparsed),
        mentionsBox(d, agencies, load),
        d.stub ? null : [h('h2', null, 'Các mục và nhiệm vụ'), (d.items || []).map((it) => itemSection(it, load))],
        d.original_text ? h('details', { class: 'panel' }, h('summary', null, 'Nguyên văn'), h('div', { class: 'dv-original' }, d.original_text)) : null);
    } catch (e) {
      if (isAbort(e)) return;
      showError(el, e);
      el.prepend(crumbs('Văn bản'), pageHead('Văn bản'));
    }
  };
  load();
}
