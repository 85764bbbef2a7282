// page-lab-testing.js: "Xét nghiệm" (#/testing?tab=...): the tabs of testing and the first of them, the
// samples worklist: filters (result, reason, dates), taking a sample for a registry person, and entering
// a result on a row. Labels shared by the other page-lab-*.js files live here.
import { h, mount } from './dom.js';
import { get, post, qs, isAbort } from './api.js';
import { can } from './session.js';
import { fmtNumber, fmtDateTime } from './format.js';
import { pageHead, dataTable, pager, loading, showError, emptyState, select, button, field, toast, alertBox } from './ui.js';
import { personSearch } from './page-case-form.js';
import { fmtDate } from './page-cases.js';
import { renderPoolsTab } from './page-lab-pools.js';
import { renderImportTab } from './page-lab-import.js';
import { renderProposalsTab } from './page-lab-proposals.js';
import { renderCampaignsTab } from './page-lab-campaigns.js';

export const KIND_LABELS = { pcr: 'RT-PCR', antigen: 'Test nhanh kháng nguyên' };
export const REASON_LABELS = {
  symptoms: 'Có triệu chứng', f1_schedule: 'F1 theo lịch', screening: 'Sàng lọc', entry: 'Nhập cảnh',
  release: 'Trước khi kết thúc cách ly', retest: 'Lấy mẫu lại', other: 'Khác',
};
export const RESULT_LABELS = { pending: 'Chờ kết quả', negative: 'Âm tính', positive: 'Dương tính', invalid: 'Không xác định' };

export function resultBadge(s) {
  const blocked = s.pool_blocked && s.result === 'pending';
  return h('span', { class: `badge lab-result lab-result-${s.result}`, dataset: { result: s.result } },
    blocked ? 'Mẫu gộp dương tính — chờ lấy mẫu lại' : (RESULT_LABELS[s.result] || s.result));
}

const TABS = [
  ['samples', 'Mẫu và kết quả'], ['pools', 'Gộp mẫu'], ['import', 'Nhập kết quả từ phòng xét nghiệm'],
  ['proposals', 'Đề xuất xác định F0'], ['campaigns', 'Xét nghiệm sàng lọc'],
];

export function renderTesting(ctx) {
  const { el, query } = ctx;
  const tab = TABS.some(([t]) => t === query.tab) ? query.tab : 'samples';
  const body = h('div', { class: 'lab-tab', id: `lab-tab-${tab}` });
  mount(el, pageHead('Xét nghiệm'),
    h('nav', { class: 'lab-tabs page-actions', 'aria-label': 'Các mục xét nghiệm' },
      TABS.map(([t, label]) => h('a', { href: '#/testing' + qs({ tab: t === 'samples' ? '' : t }),
        class: t === tab ? 'btn lab-tab-active' : 'btn btn-light', 'aria-current': t === tab ? 'page' : null, dataset: { tab: t } }, label))),
    body);
  const sub = { ...ctx, el: body };
  if (tab === 'pools') return renderPoolsTab(sub);
  if (tab === 'import') return renderImportTab(sub);
  if (tab === 'proposals') return renderProposalsTab(sub);
  if (tab === 'campaigns') return renderCampaignsTab(sub);
  return renderSamplesTab(sub);
}

// The form that takes a sample: a person from the registry, kind, reason, date, label.
function takeForm(signal, onDone) {
  let person = null;
  const chosen = h('p', { class: 'chosen', id: 'lab-take-person' }, 'Chưa chọn người.');
  const finder = personSearch({ id: 'lab-take', signal, pick: (p) => {
    person = p;
    chosen.textContent = `${p.full_name} — ${fmtDate(p.birth_date)} — ${p.unit_name || p.unit_code}`;
    mount(finder.results);
  } });
  const kind = select(Object.entries(KIND_LABELS), { id: 'lab-take-kind' });
  const reason = select(Object.entries(REASON_LABELS), { id: 'lab-take-reason', value: 'screening' });
  const day = h('input', { type: 'date', id: 'lab-take-day' });
  const label = h('input', { type: 'text', id: 'lab-take-label', maxlength: '32', placeholder: 'Tự động nếu để trống' });
  const msg = h('div', { id: 'lab-take-msg', 'aria-live': 'polite' });
  const submit = button('Ghi nhận lấy mẫu', { class: 'btn', id: 'lab-take-submit', onclick: async () => {
    if (!person) { mount(msg, alertBox('error', 'Chưa chọn người được lấy mẫu')); return; }
    try {
      const r = await post('/api/lab/samples', { person_id: person.id, kind: kind.value, reason: reason.value,
        sampled_on: day.value, label: label.value.trim() });
      toast(`Đã ghi nhận mẫu ${r.sample.label}`);
      mount(msg);
      onDone();
    } catch (e) { mount(msg, alertBox('error', e.message)); }
  } });
  return h('details', { class: 'card lab-take' }, h('summary', null, 'Lấy mẫu mới'),
    finder.el, chosen,
    h('div', { class: 'grid' }, field({ label: 'Loại xét nghiệm', id: 'lab-take-kind', input: kind }),
      field({ label: 'Lý do', id: 'lab-take-reason', input: reason }),
      field({ label: 'Ngày lấy mẫu', id: 'lab-take-day', input: day, hint: 'Để trống: hôm nay' }),
      field({ label: 'Mã ống mẫu', id: 'lab-take-label', input: label })),
    msg, submit);
}

function resultButtons(s, reload) {
  if (!can('lab.write') || s.result !== 'pending' || s.pool_blocked) return '';
  const enter = async (result) => {
    try {
      await post(`/api/lab/samples/${s.id}/result`, { result });
      toast(`Mẫu ${s.label}: ${RESULT_LABELS[result]}`);
      reload();
    } catch (e) { toast(e.message, 'error'); }
  };
  return h('span', { class: 'btn-row' },
    button('Âm tính', { class: 'btn btn-light btn-small', dataset: { result: 'negative', sample: String(s.id) }, onclick: () => enter('negative') }),
    button('Dương tính', { class: 'btn btn-danger btn-small', dataset: { result: 'positive', sample: String(s.id) }, onclick: () => enter('positive') }),
    button('Không xác định', { class: 'btn btn-light btn-small', dataset: { result: 'invalid', sample: String(s.id) }, onclick: () => enter('invalid') }));
}

function renderSamplesTab(ctx) {
  const { el, query, signal } = ctx;
  const state = { result: query.result || '', reason: query.reason || '', from: query.from || '', to: query.to || '', before: 0, stack: [] };
  const result = select([['', 'Mọi kết quả'], ...Object.entries(RESULT_LABELS)], { id: 'lab-filter-result', value: state.result });
  const reason = select([['', 'Mọi lý do'], ...Object.entries(REASON_LABELS)], { id: 'lab-filter-reason', value: state.reason });
  const from = h('input', { type: 'date', id: 'lab-filter-from', value: state.from });
  const to = h('input', { type: 'date', id: 'lab-filter-to', value: state.to });
  const results = h('div', { class: 'results', id: 'lab-samples', dataset: { state: 'loading' } }, loading());
  const columns = (reload) => [
    { label: 'Mã ống', class: 'col-nowrap', cell: (s) => h('span', { class: 'sample-label' }, s.label) },
    { label: 'Họ và tên', class: 'col-name', cell: (s) => h('span', null, h('a', { href: `#/people/${s.person_id}` }, s.full_name),
      h('span', { class: 'cell-sub' }, [fmtDate(s.birth_date), s.phone].filter(Boolean).join(' · '))) },
    { label: 'Loại', cell: (s) => KIND_LABELS[s.kind] || s.kind },
    { label: 'Lý do', cell: (s) => REASON_LABELS[s.reason] || s.reason },
    { label: 'Ngày lấy mẫu', class: 'col-nowrap', cell: (s) => fmtDate(s.sampled_on) },
    { label: 'Mẫu gộp', cell: (s) => s.pool_id ? h('a', { href: `#/testing/pools/${s.pool_id}/labels` }, `#${s.pool_id}`) : '' },
    { label: 'Kết quả', cell: (s) => h('span', null, resultBadge(s), s.result_at ? h('span', { class: 'cell-sub' }, fmtDateTime(s.result_at)) : null) },
    { label: 'Nhập kết quả', cell: (s) => resultButtons(s, reload) },
  ];
  async function load() {
    results.dataset.state = 'loading';
    try {
      const d = await get('/api/lab/samples', { result: state.result, reason: state.reason, from: state.from, to: state.to,
        before: state.before || '', limit: 50 }, { signal });
      const items = d.items || [];
      mount(results, items.length ? dataTable(columns(load), items, { id: 'lab-samples-table', rowClass: 'sample-row', caption: 'Danh sách mẫu' })
        : emptyState('Chưa có mẫu nào phù hợp.'),
      (state.stack.length || d.next) ? pager({ hasPrev: state.stack.length > 0, hasNext: !!d.next, label: `Trang ${state.stack.length + 1}`,
        onPrev: () => { state.before = state.stack.pop() || 0; load(); },
        onNext: () => { state.stack.push(state.before); state.before = d.next; load(); } }) : null);
      results.dataset.state = 'ready';
      results.dataset.count = String(items.length);
    } catch (e) {
      if (isAbort(e)) return;
      results.dataset.state = 'error';
      showError(results, e);
    }
  }
  const restart = () => {
    Object.assign(state, { result: result.value, reason: reason.value, from: from.value, to: to.value, before: 0, stack: [] });
    history.replaceState(null, '', '#/testing' + qs({ result: state.result, reason: state.reason, from: state.from, to: state.to }));
    load();
  };
  for (const x of [result, reason, from, to]) x.addEventListener('change', restart);
  mount(el, can('lab.write') ? takeForm(signal, load) : null,
    h('div', { class: 'grid grid-filters' }, field({ label: 'Kết quả', id: 'lab-filter-result', input: result }),
      field({ label: 'Lý do', id: 'lab-filter-reason', input: reason }),
      field({ label: 'Từ ngày', id: 'lab-filter-from', input: from }), field({ label: 'Đến ngày', id: 'lab-filter-to', input: to })),
    h('p', { class: 'hint' }, `Kết quả dương tính tạo đề xuất xác định F0 (mục "Đề xuất xác định F0"). ${fmtNumber(50)} mẫu mỗi trang.`),
    results);
  load();
}
