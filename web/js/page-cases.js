// page-cases.js: "Ca bệnh F0" (#/cases): the cases (F0) in scope, newest first, with filters (status,
// where the case was found, confirmation dates, unit) and keyset paging; a button to confirm a new case
// for accounts with cases.write. Also the labels and small formats shared by the case and tracing pages.
import { h, mount } from './dom.js';
import { get, qs, isAbort } from './api.js';
import { can } from './session.js';
import { fmtBirth, fmtDateTime, fmtNumber } from './format.js';
import { pageHead, dataTable, pager, loading, showError, emptyState, linkButton, select, button } from './ui.js';
import { unitPicker } from './unitpicker.js';

const PAGE = 50;

export const STATUS_LABELS = {
  active: 'Đang điều trị',
  recovered: 'Đã khỏi bệnh',
  died: 'Tử vong',
  transferred: 'Chuyển đi nơi khác',
};
export const FOUND_IN_LABELS = {
  community: 'Cộng đồng',
  quarantine: 'Trong khu cách ly',
  imported: 'Nhập cảnh',
};
// The four ways a case is confirmed under Official Dispatch 11042/BYT-DP, plus a case recorded elsewhere.
export const BASIS_LABELS = {
  pcr: 'Xét nghiệm RT-PCR dương tính',
  antigen_f1: 'F1 có test nhanh kháng nguyên dương tính',
  antigen_link: 'Test nhanh dương tính và có yếu tố dịch tễ',
  antigen_twice: '2 lần test nhanh dương tính trong 8 giờ, có yếu tố dịch tễ',
  entered: 'Ca bệnh đã được xác định ở nơi khác',
};
export const EVIDENCE_LABELS = {
  household: 'Cùng hộ gia đình',
  venue: 'Cùng địa điểm',
  declared: 'Ca bệnh khai báo',
  manual: 'Cán bộ bổ sung',
};
export const PLACE_LABELS = { centralised: 'Cách ly tập trung', home: 'Cách ly tại nhà' };
export const ORDER_STATUS_LABELS = { pending: 'Chờ thực hiện', active: 'Đang cách ly', done: 'Đã kết thúc', cancelled: 'Đã huỷ' };

export function statusBadge(status) {
  return h('span', { class: `badge case-status case-status-${status}`, dataset: { status } }, STATUS_LABELS[status] || status);
}

export function levelBadge(level) {
  return h('span', { class: `badge level-badge level-f${level}` }, `F${level}`);
}

// Today in Vietnam (UTC+7) as YYYY-MM-DD, shifted by days.
export function dayVN(days = 0) {
  return new Date(Date.now() + 7 * 3600 * 1000 + days * 86400000).toISOString().slice(0, 10);
}

// "YYYY-MM-DD HH:MM:SS" (or Unix seconds) -> its date "YYYY-MM-DD".
export function datePart(v) {
  if (typeof v === 'number') return new Date(v * 1000 + 7 * 3600 * 1000).toISOString().slice(0, 10);
  return String(v || '').slice(0, 10);
}

// "HH:MM" of a local time, for the end of an interval on the same day.
function timePart(v) {
  const s = fmtDateTime(v);
  return s.slice(11, 16);
}

// An interval "dd/mm/yyyy hh:mm – hh:mm" (the end's date only when it differs).
export function fmtSpan(from, to) {
  if (!from) return '';
  if (!to) return fmtDateTime(from);
  const a = fmtDateTime(from);
  const b = fmtDateTime(to);
  return a.slice(0, 10) === b.slice(0, 10) ? `${a.slice(0, 16)}–${timePart(to)}` : `${a.slice(0, 16)} – ${b.slice(0, 16)}`;
}

export function fmtDate(s) { return fmtBirth(s); }

export function telLink(phone) {
  if (!phone) return '';
  return h('a', { href: 'tel:' + String(phone).replace(/[^\d+]/g, ''), class: 'tel-link' }, phone);
}

// What links a contact to the case: "Cùng địa điểm: Chợ X, 08:10–08:45 (35 phút)", one line per item;
// the first three shown, the rest behind "Xem thêm".
const EVIDENCE_SHOWN = 3;
function evidenceItem(e) {
  return h('li', { class: `ev ev-${e.kind}`, dataset: { kind: e.kind } },
    h('span', { class: 'ev-kind' }, EVIDENCE_LABELS[e.kind] || e.kind),
    e.venue_name ? [': ', h('span', { class: 'ev-venue' }, e.venue_name)] : null,
    e.kind === 'venue' || e.kind === 'declared' || e.kind === 'manual'
      ? [e.venue_name ? ', ' : ': ', fmtSpan(e.from, e.to)] : null,
    e.kind === 'venue' && e.overlap_minutes !== undefined && e.overlap_minutes !== null
      ? h('span', { class: 'ev-minutes' }, e.overlap_minutes >= 1 ? ` (${fmtNumber(e.overlap_minutes)} phút)` : ' (dưới 1 phút)') : null);
}

export function evidenceList(c) {
  const items = c.evidence || [];
  const total = Math.max(c.evidence_total || 0, items.length);
  const rest = items.slice(EVIDENCE_SHOWN);
  const unlisted = total - items.length;
  return h('ul', { class: 'evidence', dataset: { total: String(total) } },
    items.slice(0, EVIDENCE_SHOWN).map(evidenceItem),
    rest.length ? h('li', null, h('details', { class: 'ev-more' }, h('summary', null, `Xem thêm ${fmtNumber(total - EVIDENCE_SHOWN)} lần tiếp xúc`),
      h('ul', { class: 'evidence' }, rest.map(evidenceItem),
        unlisted > 0 ? h('li', { class: 'muted' }, `… và ${fmtNumber(unlisted)} lần khác (xem trong tệp Excel)`) : null))) : null);
}

// "Cách ly tại nhà 14 ngày từ 12/11/2021; xét nghiệm ngày 1, 7, 14; theo 5599/BYT-MT".
export function orderText(o) {
  if (!o) return '';
  const tests = Array.isArray(o.test_days) && o.test_days.length ? `xét nghiệm ngày ${o.test_days.join(', ')}` : '';
  return h('span', { class: 'order' },
    h('span', { class: 'order-main' }, `${PLACE_LABELS[o.place] || o.place || 'Cách ly'} ${o.quarantine_days} ngày từ ${fmtBirth(o.start_date)}`),
    h('span', { class: 'cell-sub' }, [tests, o.monitoring_days ? `theo dõi sức khoẻ thêm ${o.monitoring_days} ngày` : '',
      o.rule ? `theo ${o.rule}` : '', ORDER_STATUS_LABELS[o.status] || o.status].filter(Boolean).join('; ')));
}

// A table of the first rows of a long list, and a button that adds more (a case can have thousands of
// F2; the XLSX export holds them all). opts: id, rowClass, caption, first (rows at first), more.
export function growingTable(columns, list, opts = {}) {
  const first = opts.first || 100;
  const step = opts.more || 500;
  const table = dataTable(columns, list.slice(0, first), { id: opts.id, rowClass: opts.rowClass, caption: opts.caption });
  let shown = Math.min(first, list.length);
  const note = h('p', { class: 'hint more-rows' });
  const more = button('', { class: 'btn btn-light btn-small', dataset: { more: opts.id || '' }, onclick: () => {
    const next = list.slice(shown, shown + step);
    const extra = dataTable(columns, next, { rowClass: opts.rowClass });
    table.querySelector('tbody').append(...extra.querySelectorAll('tbody tr'));
    shown += next.length;
    update();
  } });
  const update = () => {
    note.hidden = shown >= list.length;
    note.replaceChildren(`Đang hiển thị ${fmtNumber(shown)} trên ${fmtNumber(list.length)} người. `, more,
      ' hoặc tải tệp Excel để xem đủ.');
    more.textContent = `Hiện thêm ${fmtNumber(Math.min(step, list.length - shown))} người`;
  };
  update();
  return [table, note];
}

function columns() {
  return [
    { label: 'Mã ca', class: 'col-nowrap', cell: (c) => h('span', { class: 'case-id' }, `#${c.id}`) },
    { label: 'Họ và tên', class: 'col-name', cell: (c) => h('span', null,
      h('a', { href: `#/cases/${c.id}`, class: 'case-link' }, c.full_name),
      h('span', { class: 'cell-sub' }, [c.phone, c.address].filter(Boolean).join(' · '))) },
    { label: 'Nơi ở', cell: (c) => c.unit_name || c.unit_code },
    { label: 'Xác định lúc', class: 'col-nowrap', cell: (c) => fmtDateTime(c.confirmed_at) },
    { label: 'Phát hiện', cell: (c) => FOUND_IN_LABELS[c.found_in] || c.found_in },
    { label: 'Tình trạng', cell: (c) => statusBadge(c.status) },
    { label: 'F1 / F2', class: 'num col-nowrap', cell: (c) => c.traced_at ? `${fmtNumber(c.f1_count)} / ${fmtNumber(c.f2_count)}`
      : h('span', { class: 'muted' }, 'Chưa truy vết') },
    { label: 'Nguồn lây', class: 'col-nowrap', cell: (c) => c.source_case_id ? h('a', { href: `#/cases/${c.source_case_id}` }, `#${c.source_case_id}`) : '' },
  ];
}

export function renderCases(ctx) {
  const { el, query, signal } = ctx;
  const state = { status: query.status || '', found_in: query.found_in || '', from: query.from || '', to: query.to || '',
    unit: query.unit || '', before: 0, stack: [] };
  let controller = null;

  const status = select([['', 'Mọi tình trạng'], ...Object.entries(STATUS_LABELS)], { id: 'cases-status', value: state.status });
  const foundIn = select([['', 'Mọi nơi phát hiện'], ...Object.entries(FOUND_IN_LABELS)], { id: 'cases-found-in', value: state.found_in });
  const from = h('input', { type: 'date', id: 'cases-from', value: state.from });
  const to = h('input', { type: 'date', id: 'cases-to', value: state.to });
  const picker = unitPicker({ id: 'cases-unit', depth: 4, mode: 'filter', value: state.unit, onChange: (code) => { state.unit = code; restart(); } });
  const summary = h('p', { class: 'summary', id: 'cases-summary', 'aria-live': 'polite' });
  const results = h('div', { class: 'results', id: 'cases-results', dataset: { state: 'loading' } }, loading());

  const filter = () => ({ status: state.status, found_in: state.found_in, from: state.from, to: state.to, unit: state.unit });
  const setUrl = () => history.replaceState(null, '', '#/cases' + qs(filter()));

  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const my = controller;
    signal.addEventListener('abort', () => my.abort(), { once: true });
    results.dataset.state = 'loading';
    results.setAttribute('aria-busy', 'true');
    if (!results.querySelector('table')) mount(results, loading());
    try {
      const data = await get('/api/cases', { ...filter(), before: state.before || '', limit: PAGE }, { signal: my.signal });
      if (my !== controller) return;
      const items = data.items || [];
      summary.dataset.count = String(items.length);
      summary.textContent = items.length
        ? `${state.stack.length ? 'Trang ' + (state.stack.length + 1) + ': ' : ''}${fmtNumber(items.length)} ca bệnh${data.next ? ' (còn trang sau)' : ''}.`
        : '';
      mount(results,
        items.length ? dataTable(columns(), items, { id: 'cases-table', rowClass: 'case-row', caption: 'Danh sách ca bệnh' })
          : emptyState('Không có ca bệnh nào phù hợp.'),
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

  function restart() { state.before = 0; state.stack = []; setUrl(); load(); }
  status.addEventListener('change', () => { state.status = status.value; restart(); });
  foundIn.addEventListener('change', () => { state.found_in = foundIn.value; restart(); });
  from.addEventListener('change', () => { state.from = from.value; restart(); });
  to.addEventListener('change', () => { state.to = to.value; restart(); });

  mount(el,
    pageHead('Ca bệnh F0',
      can('cases.write') ? linkButton('Xác nhận ca bệnh', '#/cases/new', 'btn btn-primary') : null,
      linkButton('Chuỗi lây nhiễm', '#/chains', 'btn'),
      linkButton('Danh sách F1, F2', '#/handoff', 'btn btn-light')),
    h('section', { class: 'panel toolbar cases-filters' },
      h('div', { class: 'filter-grid' },
        h('label', { for: 'cases-status' }, 'Tình trạng', status),
        h('label', { for: 'cases-found-in' }, 'Nơi phát hiện', foundIn),
        h('label', { for: 'cases-from' }, 'Xác định từ ngày', from),
        h('label', { for: 'cases-to' }, 'đến ngày', to)),
      h('details', { class: 'filters', open: !!state.unit }, h('summary', null, 'Lọc theo địa bàn'), picker.el)),
    summary,
    results);
  setUrl();
  load();
}
