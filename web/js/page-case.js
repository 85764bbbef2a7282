// page-case.js: one case (#/cases/ID): the person and how the case was confirmed, its transmission
// window, its status (and changing it), the F1 and F2 that tracing found with their evidence, phone,
// address and pending quarantine order; re-running the trace (optionally with the 15-minute rule), adding
// a contact by hand, the likely sources of the case ("Xác định là nguồn lây"), the export of the list and
// a link to the graph of the chain.
import { h, mount } from './dom.js';
import { get, post, qs, isAbort } from './api.js';
import { can } from './session.js';
import { fmtBirth, fmtDateTime, fmtNumber } from './format.js';
import { pageHead, details, loading, showError, linkButton, emptyState, alertBox, field, button, toast, dataTable, select } from './ui.js';
import {
  STATUS_LABELS, FOUND_IN_LABELS, BASIS_LABELS, EVIDENCE_LABELS, statusBadge, levelBadge, evidenceList, orderText, telLink,
  fmtDate, datePart, growingTable,
} from './page-cases.js';
import { personSearch } from './page-case-form.js';


// "YYYY-MM-DDTHH:MM" of a datetime-local input -> "YYYY-MM-DD HH:MM:00" (local time, as the API takes it).
const localInput = (v) => (v ? v.replace('T', ' ') + ':00' : '');

function contactColumns(level) {
  const cols = [
    { label: 'Họ và tên', class: 'col-name', cell: (c) => h('span', null,
      h('a', { href: `#/people/${c.person_id}`, class: 'contact-link' }, c.full_name),
      c.is_case ? h('span', { class: 'badge badge-f0' }, 'Đã là F0') : null,
      c.in_quarantine ? h('span', { class: 'badge badge-q' }, 'Đang cách ly') : null,
      h('span', { class: 'cell-sub' }, c.birth_date ? `Sinh ${fmtBirth(c.birth_date)}` : '')) },
    { label: 'Điện thoại', class: 'col-nowrap', cell: (c) => telLink(c.phone) },
    { label: 'Địa chỉ', class: 'col-address', cell: (c) => h('span', null, c.address,
      h('span', { class: 'cell-sub' }, [c.area_name, c.unit_name].filter(Boolean).join(', '))) },
    { label: 'Tiếp xúc', class: 'col-detail', cell: (c) => h('div', null,
      h('p', { class: 'exposure' }, `Từ ${fmtDateTime(c.exposure_at)}`,
        level === 2 && c.via_person_id ? [' qua F1 ', h('a', { href: `#/people/${c.via_person_id}` }, c.via_name || `#${c.via_person_id}`)] : null),
      evidenceList(c)) },
    { label: 'Cách ly', class: 'col-order', cell: (c) => c.order ? orderText(c.order) : '' },
  ];
  return cols;
}

function contactsTable(list, level) {
  if (!list.length) return emptyState(level === 1 ? 'Chưa tìm thấy F1 nào.' : 'Chưa tìm thấy F2 nào.');
  return growingTable(contactColumns(level), list, { id: `case-f${level}-table`, rowClass: `contact-row contact-f${level}`,
    caption: `Danh sách F${level}`, first: 100 });
}

export async function renderCase(ctx) {
  const { el, params, signal } = ctx;
  const id = params.id;
  mount(el, pageHead('Ca bệnh'), loading());
  let data;
  try {
    data = await get('/api/cases/' + encodeURIComponent(id), null, { signal });
  } catch (e) {
    if (isAbort(e)) return;
    showError(el, e);
    el.prepend(pageHead('Ca bệnh'), h('p', null, h('a', { href: '#/cases' }, '← Danh sách ca bệnh')));
    return;
  }
  draw(ctx, data, null);
}

// flash: a message kept across the redraw that follows a change (the result of a trace).
function draw(ctx, data, flash) {
  const { el, signal } = ctx;
  const c = data.case;
  const reload = async (msg) => {
    try { draw(ctx, await get('/api/cases/' + encodeURIComponent(c.id), null, { signal }), msg || null); } catch (e) { if (!isAbort(e)) toast(e.message, 'error'); }
  };
  const f1Count = h('span', { id: 'case-f1-count', dataset: { count: String(c.f1_count) } }, fmtNumber(c.f1_count));
  const f2Count = h('span', { id: 'case-f2-count', dataset: { count: String(c.f2_count) } }, fmtNumber(c.f2_count));
  const exportHref = '/api/exports/handoff.xlsx' + qs({ case: c.id });

  // The F1 and the F2 tables; each loads on its own (the F1 are few and come first, the F2 can be
  // thousands). #case-contacts has data-state="ready" and data-f1/data-f2 once both are shown.
  const note = h('div');
  const sections = [1, 2].map((level) => h('section', { class: 'panel', id: `case-f${level}`, dataset: { state: 'loading' } },
    h('h2', null, levelBadge(level), level === 1 ? ' Tiếp xúc gần' : ' Tiếp xúc với F1'), loading()));
  const contacts = h('div', { id: 'case-contacts', dataset: { state: 'loading' } }, note, sections);
  const settle = () => {
    const states = sections.map((x) => x.dataset.state);
    contacts.dataset.state = states.includes('error') ? 'error' : states.every((x) => x === 'ready') ? 'ready' : 'loading';
  };

  function showLevel(level, list) {
    const sec = sections[level - 1];
    mount(sec, h('h2', null, levelBadge(level), level === 1 ? ` Tiếp xúc gần (${fmtNumber(list.length)} người)`
      : ` Tiếp xúc với F1 (${fmtNumber(list.length)} người)`), contactsTable(list, level));
    sec.dataset.state = 'ready';
    contacts.dataset[`f${level}`] = String(list.length);
    settle();
  }

  function showContacts(f1, f2, msg) {
    mount(note, msg || null);
    showLevel(1, f1);
    showLevel(2, f2);
  }

  function loadContacts() {
    for (const level of [1, 2]) {
      get(`/api/cases/${c.id}/contacts`, { level }, { signal }).then((d) => showLevel(level, (level === 1 ? d.f1 : d.f2) || []))
        .catch((e) => {
          if (isAbort(e)) return;
          sections[level - 1].dataset.state = 'error';
          showError(sections[level - 1], e);
          settle();
        });
    }
  }

  // ---- Re-trace ----
  const min15 = h('input', { type: 'checkbox', id: 'trace-min15' });
  const saveRun = h('input', { type: 'checkbox', id: 'trace-save', checked: true });
  const traceMsg = h('div', { id: 'trace-result', 'aria-live': 'polite' }, flash);
  const traceBtn = button('Truy vết lại', { class: 'btn btn-primary', id: 'trace-run', onclick: async () => {
    traceBtn.disabled = true;
    mount(traceMsg, loading('Đang truy vết…'));
    try {
      const r = await post(`/api/cases/${c.id}/trace`, { min_overlap_minutes: min15.checked ? 15 : 0, save: saveRun.checked }, { signal });
      const f1 = r.f1 || [];
      const f2 = r.f2 || [];
      const summary = `${fmtNumber(f1.length)} F1, ${fmtNumber(f2.length)} F2` + (min15.checked ? ' (tiếp xúc từ 15 phút)' : '')
        + `; ${fmtNumber(Math.round(r.elapsed_ms || 0))} ms.`;
      traceMsg.dataset.f1 = String(f1.length);
      traceMsg.dataset.f2 = String(f2.length);
      if (saveRun.checked) {
        const done = alertBox('success', `Đã truy vết lại (thời gian lây nhiễm ${fmtDateTime(r.window && r.window.start)} – ${fmtDateTime(r.window && r.window.end)}): `,
          summary, ` Thêm mới ${fmtNumber(r.added || 0)} người.`);
        done.id = 'trace-done';
        done.dataset.f1 = String(f1.length);
        done.dataset.f2 = String(f2.length);
        done.dataset.added = String(r.added || 0);
        mount(traceMsg, done);
        reload(done);
      } else {
        mount(traceMsg, alertBox('info', 'Kết quả xem trước, chưa lưu: ', summary));
        showContacts(f1, f2, alertBox('info', 'Các bảng dưới đây là kết quả xem trước. Người đã lưu từ lần truy vết trước vẫn được giữ.'));
        traceBtn.disabled = false;
      }
    } catch (e) {
      if (isAbort(e)) return;
      traceBtn.disabled = false;
      mount(traceMsg, alertBox('error', e.message));
    }
  } });

  const tracePanel = can('trace') ? h('section', { class: 'panel', id: 'case-trace' }, h('h2', null, 'Truy vết'),
    h('p', { class: 'hint' }, c.traced_at ? `Lần truy vết gần nhất: ${fmtDateTime(c.traced_at)}.` : 'Ca bệnh này chưa được truy vết.'),
    h('div', { class: 'trace-options' },
      h('label', { class: 'check', for: 'trace-min15' }, min15, ' Chỉ tính tiếp xúc tại địa điểm từ 15 phút trở lên'),
      h('label', { class: 'check', for: 'trace-save' }, saveRun, ' Lưu kết quả (bỏ chọn để xem trước)')),
    h('div', { class: 'form-actions' }, traceBtn), traceMsg) : null;

  // ---- Status ----
  let statusPanel = null;
  if (can('cases.write') && c.status === 'active') {
    const st = select(Object.entries(STATUS_LABELS).filter(([k]) => k !== 'active'), { id: 'status-new' });
    const at = h('input', { type: 'datetime-local', id: 'status-at' });
    const note = h('input', { type: 'text', id: 'status-note', maxlength: '250' });
    const msg = h('div', { 'aria-live': 'polite' });
    const go = button('Cập nhật tình trạng', { class: 'btn', id: 'status-save', onclick: async () => {
      go.disabled = true;
      try {
        const body = { status: st.value, note: note.value.trim() };
        if (at.value) body.at = localInput(at.value);
        await post(`/api/cases/${c.id}/status`, body, { signal });
        toast(`Đã chuyển ca bệnh sang "${STATUS_LABELS[st.value]}".`);
        reload();
      } catch (e) {
        if (isAbort(e)) return;
        go.disabled = false;
        mount(msg, alertBox('error', e.message));
      }
    } });
    statusPanel = h('details', { class: 'status-change' }, h('summary', null, 'Cập nhật tình trạng ca bệnh'),
      h('div', { class: 'grid' },
        field({ label: 'Tình trạng mới', id: 'status-new', input: st }),
        field({ label: 'Thời điểm', id: 'status-at', input: at, hint: 'Để trống: bây giờ.' }),
        field({ label: 'Ghi chú', id: 'status-note', input: note, wide: true })),
      msg, h('div', { class: 'form-actions' }, go));
  }

  const histList = (data.history || []).length ? h('ol', { class: 'case-history', id: 'case-history' }, data.history.map((x) => h('li', null,
    statusBadge(x.status), ' ', fmtDateTime(x.at), x.by ? h('span', { class: 'muted' }, ` · ${x.by}`) : null,
    x.note ? h('span', { class: 'muted' }, ` · ${x.note}`) : null))) : null;

  // ---- Add a contact ----
  let addPanel = null;
  if (can('cases.write')) {
    let chosen = null;
    const who = h('div', { id: 'add-person' });
    const kind = select([['manual', EVIDENCE_LABELS.manual], ['declared', EVIDENCE_LABELS.declared]], { id: 'add-kind' });
    const at = h('input', { type: 'datetime-local', id: 'add-at' });
    const note = h('input', { type: 'text', id: 'add-note', maxlength: '250', placeholder: 'Ví dụ: ăn cơm cùng ngày 12/11' });
    const msg = h('div', { id: 'add-msg', 'aria-live': 'polite' });
    const finder = personSearch({ id: 'add-person', signal, pick: (p) => { chosen = p; showWho(); } });
    const showWho = () => mount(who, chosen
      ? h('div', { class: 'chosen-person', dataset: { id: String(chosen.id) } }, h('strong', null, chosen.full_name),
        h('span', { class: 'muted' }, [fmtBirth(chosen.birth_date), chosen.phone, chosen.unit_name].filter(Boolean).join(' · ')),
        button('Chọn người khác', { class: 'btn btn-light btn-small', onclick: () => { chosen = null; showWho(); } }))
      : finder.el);
    const go = button('Thêm người tiếp xúc', { class: 'btn', id: 'add-save', onclick: async () => {
      mount(msg);
      if (!chosen) { mount(msg, alertBox('error', 'Hãy tìm và chọn người tiếp xúc.')); return; }
      go.disabled = true;
      try {
        const body = { person_id: chosen.id, kind: kind.value, note: note.value.trim() };
        if (at.value) body.contact_at = localInput(at.value);
        await post(`/api/cases/${c.id}/contacts`, body, { signal });
        if (can('trace')) {
          await post(`/api/cases/${c.id}/trace`, { save: true }, { signal });
          toast(`Đã thêm ${chosen.full_name} và truy vết lại.`);
        } else {
          toast(`Đã thêm ${chosen.full_name}; người này có trong danh sách F1 sau lần truy vết tới.`);
        }
        reload();
      } catch (e) {
        if (isAbort(e)) return;
        go.disabled = false;
        mount(msg, alertBox('error', e.message));
      }
    } });
    showWho();
    const added = data.added_contacts || [];
    addPanel = h('section', { class: 'panel', id: 'case-add-contact' }, h('h2', null, 'Thêm người tiếp xúc'),
      h('p', { class: 'hint' }, 'Người ca bệnh khai báo đã gặp, hoặc cán bộ xác định qua điều tra dịch tễ. Người được thêm là F1.'),
      who,
      h('div', { class: 'grid' },
        field({ label: 'Nguồn thông tin', id: 'add-kind', input: kind }),
        field({ label: 'Gặp lúc', id: 'add-at', input: at, hint: 'Để trống nếu không rõ: tính cả thời gian lây nhiễm.' }),
        field({ label: 'Ghi chú', id: 'add-note', input: note, wide: true })),
      msg, h('div', { class: 'form-actions' }, go),
      added.length ? h('div', null, h('h3', null, 'Đã thêm'), h('ul', { class: 'added-contacts', id: 'case-added' }, added.map((a) => h('li', null,
        h('a', { href: `#/people/${a.person_id}` }, a.full_name), ' · ', EVIDENCE_LABELS[a.kind] || a.kind,
        a.contact_at ? ` · ${fmtDateTime(a.contact_at)}` : '', a.note ? h('span', { class: 'muted' }, ` · ${a.note}`) : null)))) : null);
  }

  // ---- Possible sources ----
  const sources = h('div', { id: 'case-sources', dataset: { state: 'loading' } }, loading());
  async function loadSources() {
    try {
      const d = await get(`/api/cases/${c.id}/sources`, null, { signal });
      const items = d.items || [];
      sources.dataset.count = String(items.length);
      const cols = [
        { label: 'Ca bệnh', class: 'col-name', cell: (s) => h('span', null, h('a', { href: `#/cases/${s.case_id}` }, s.full_name),
          h('span', { class: 'cell-sub' }, `#${s.case_id} · xác định ${fmtDateTime(s.confirmed_at)}`)) },
        { label: 'Liên hệ', class: 'col-detail', cell: (s) => h('ul', { class: 'reasons' },
          s.household ? h('li', null, 'Cùng hộ gia đình') : null,
          s.listed_contact ? h('li', null, 'Có trong danh sách tiếp xúc của ca này') : null,
          s.episodes ? h('li', null, `${fmtNumber(s.episodes)} lần cùng địa điểm, tổng ${fmtNumber(Math.round(s.shared_minutes || 0))} phút`) : null) },
        { label: 'Điểm', class: 'num', cell: (s) => fmtNumber(Math.round((s.score || 0) * 10) / 10) },
      ];
      if (can('cases.write')) {
        cols.push({ label: '', cell: (s) => s.case_id === c.source_case_id ? h('span', { class: 'badge badge-source' }, 'Nguồn lây đã xác định')
          : button('Xác định là nguồn lây', { class: 'btn btn-small', dataset: { source: String(s.case_id) }, onclick: (e) => setSource(s.case_id, e.currentTarget) }) });
      }
      sources.dataset.state = 'ready';
      mount(sources, items.length ? dataTable(cols, items, { id: 'sources-table', rowClass: 'source-row', caption: 'Nguồn lây có thể' })
        : emptyState('Không tìm thấy ca bệnh nào có thể là nguồn lây trong 14 ngày trước khi phát bệnh.'));
    } catch (e) {
      if (isAbort(e)) return;
      sources.dataset.state = 'error';
      showError(sources, e);
    }
  }
  async function setSource(sourceId, btn) {
    if (btn) btn.disabled = true;
    try {
      await post(`/api/cases/${c.id}/source`, { source_case_id: sourceId }, { signal });
      toast(sourceId ? `Đã xác định ca #${sourceId} là nguồn lây.` : 'Đã bỏ nguồn lây.');
      reload();
    } catch (e) {
      if (isAbort(e)) return;
      if (btn) btn.disabled = false;
      toast(e.message, 'error');
    }
  }

  const windowText = `${fmtDateTime(c.window_start)} – ${fmtDateTime(c.infectious_until)}`;
  const chainHref = '#/chains' + qs({ from: shiftDay(datePart(c.confirmed_at), -28), to: shiftDay(datePart(c.confirmed_at), 28), focus: c.id });

  mount(el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/cases' }, 'Ca bệnh F0'), ' › ', c.full_name),
    pageHead(`Ca bệnh #${c.id}: ${c.full_name}`,
      h('a', { class: 'btn btn-primary', id: 'case-export', href: exportHref, download: '' }, 'Xuất danh sách F1, F2 (Excel)'),
      linkButton('Xem trên đồ thị', chainHref, 'btn'),
      linkButton('Danh sách gọi, đến nhà', '#/handoff' + qs({ case: c.id }), 'btn btn-light')),
    h('div', { class: 'stat-grid case-stats', id: 'case-detail', dataset: { id: String(c.id), status: c.status } },
      h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Tình trạng'), h('span', { class: 'stat-value stat-status' }, statusBadge(c.status)),
        h('span', { class: 'stat-sub' }, `từ ${fmtDateTime(c.status_at)}`)),
      h('div', { class: 'stat stat-f1' }, h('span', { class: 'stat-label' }, 'F1 (tiếp xúc gần)'), h('span', { class: 'stat-value' }, f1Count)),
      h('div', { class: 'stat stat-f2' }, h('span', { class: 'stat-label' }, 'F2 (tiếp xúc với F1)'), h('span', { class: 'stat-value' }, f2Count)),
      h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Thời gian lây nhiễm'), h('span', { class: 'stat-sub', id: 'case-window' }, windowText))),
    h('div', { class: 'cols' },
      h('section', { class: 'panel' }, h('h2', null, 'Người mắc bệnh'), details([
        ['Họ và tên', h('a', { href: `#/people/${c.person_id}` }, c.full_name)],
        ['Điện thoại', telLink(c.phone)],
        ['Địa chỉ', c.address],
        ['Nơi ở', [c.unit_name].filter(Boolean).join(', ')],
      ])),
      h('section', { class: 'panel' }, h('h2', null, 'Xác định ca bệnh'), details([
        ['Xác định lúc', fmtDateTime(c.confirmed_at)],
        ['Ngày lấy mẫu', fmtDate(c.sample_date)],
        ['Ngày khởi phát', c.onset_date ? fmtDate(c.onset_date) : 'Không có triệu chứng'],
        ['Nơi phát hiện', FOUND_IN_LABELS[c.found_in] || c.found_in],
        ['Căn cứ', BASIS_LABELS[c.basis] || c.basis],
        ['Nguồn lây', c.source_case_id ? h('span', null, h('a', { href: `#/cases/${c.source_case_id}`, id: 'case-source' }, `Ca #${c.source_case_id}`),
          can('cases.write') ? [' ', button('Bỏ', { class: 'btn btn-light btn-small', id: 'case-source-clear', onclick: (e) => setSource(null, e.currentTarget) })] : null)
          : 'Chưa xác định'],
        ['Ghi chú', c.note],
      ]))),
    h('section', { class: 'panel' }, h('h2', null, 'Diễn biến'), histList, statusPanel),
    tracePanel,
    contacts,
    addPanel,
    h('section', { class: 'panel' }, h('h2', null, 'Nguồn lây có thể'),
      h('p', { class: 'hint' }, 'Các ca bệnh khác mà người này đã ở cùng hộ, có tên trong danh sách tiếp xúc, hoặc đã ở cùng địa điểm khi họ đang trong thời gian lây nhiễm.'),
      sources));
  loadContacts();
  loadSources();
}

function shiftDay(day, n) {
  const d = new Date(day + 'T00:00:00Z');
  if (Number.isNaN(d.getTime())) return '';
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
