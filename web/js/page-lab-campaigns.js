// page-lab-campaigns.js: the "Xét nghiệm sàng lọc" tab of #/testing (campaigns with a progress bar of
// sampled/due each, and the form that opens one: a venue, the venues of a kind in an area, or the residents
// of an area, on given days) and a campaign's page (#/testing/campaigns/:id): who is due, who is sampled,
// and recording a sample for someone due.
import { h, mount } from './dom.js';
import { get, post, isAbort } from './api.js';
import { can } from './session.js';
import { fmtNumber } from './format.js';
import { pageHead, dataTable, loading, showError, emptyState, button, field, toast, alertBox, select, progressBar,
  setFieldError, clearFieldErrors } from './ui.js';
import { unitPicker } from './unitpicker.js';
import { fmtDate } from './page-cases.js';
import { KIND_LABELS, RESULT_LABELS } from './page-lab-testing.js';

const TARGET_LABELS = { venue: 'Một địa điểm', venue_kind: 'Mọi địa điểm cùng loại trong địa bàn', area: 'Cư dân một địa bàn' };

function bar(c) {
  const b = progressBar(`lab-campaign-bar-${c.id}`, `Đã lấy mẫu ${fmtNumber(c.sampled)}/${fmtNumber(c.due)}`);
  b.set(c.sampled, c.due);
  b.text(c.positive ? `${fmtNumber(c.positive)} người dương tính` : '');
  b.el.classList.add('lab-bar');
  return b.el;
}

function targetText(c) {
  if (c.target === 'venue') return `${c.venue_name || 'Địa điểm'} (khách check-in ${c.lookback_days} ngày qua)`;
  if (c.target === 'venue_kind') return `Địa điểm loại ${c.venue_kind} ở ${c.target_unit_name} (${c.lookback_days} ngày qua)`;
  return `Cư dân ${c.target_unit_name}`;
}

function createForm(signal, reload) {
  const name = h('input', { type: 'text', id: 'lab-c-name', maxlength: '150' });
  const target = select(Object.entries(TARGET_LABELS), { id: 'lab-c-target', value: 'area' });
  const venue = h('select', { id: 'lab-c-venue_id' }, h('option', { value: '' }, '— Chọn địa điểm —'));
  const kinds = h('select', { id: 'lab-c-venue_kind' });
  const kind = select(Object.entries(KIND_LABELS), { id: 'lab-c-kind' });
  const from = h('input', { type: 'date', id: 'lab-c-from_date' });
  const to = h('input', { type: 'date', id: 'lab-c-to_date' });
  const picker = unitPicker({ id: 'lab-c-unit', depth: 4, mode: 'choice' });
  const form = h('div', { class: 'grid' },
    field({ label: 'Tên đợt', id: 'lab-c-name', input: name, required: true }),
    field({ label: 'Đối tượng', id: 'lab-c-target', input: target }),
    field({ label: 'Địa điểm', id: 'lab-c-venue_id', input: venue }),
    field({ label: 'Loại địa điểm', id: 'lab-c-venue_kind', input: kinds }),
    field({ label: 'Loại xét nghiệm', id: 'lab-c-kind', input: kind }),
    field({ label: 'Từ ngày', id: 'lab-c-from_date', input: from }),
    field({ label: 'Đến ngày', id: 'lab-c-to_date', input: to }));
  const msg = h('div', { 'aria-live': 'polite' });
  (async () => {
    try {
      const [v, k] = await Promise.all([get('/api/venues', { limit: 200 }, { signal }), get('/api/venues/kinds', null, { signal })]);
      for (const x of v.items || []) venue.append(h('option', { value: String(x.id) }, `${x.name} — ${x.unit_name}`));
      for (const x of k.items || []) kinds.append(h('option', { value: x.code }, x.label));
    } catch (e) { if (!isAbort(e)) mount(msg, alertBox('error', e.message)); }
  })();
  const submit = button('Lập đợt xét nghiệm', { id: 'lab-c-submit', onclick: async () => {
    clearFieldErrors(form);
    mount(msg);
    try {
      const r = await post('/api/lab/campaigns', { name: name.value, target: target.value, venue_id: venue.value ? Number(venue.value) : null,
        venue_kind: kinds.value, target_unit: picker.value, kind: kind.value, from_date: from.value, to_date: to.value });
      toast(`Đã lập đợt "${r.campaign.name}": ${fmtNumber(r.campaign.due)} người cần lấy mẫu`);
      reload();
    } catch (e) {
      for (const x of (e.body && e.body.errors) || []) {
        if (!setFieldError(form, x.field === 'target_unit' ? 'lab-c-unit-3' : `lab-c-${x.field}`, x.message)) mount(msg, alertBox('error', x.message));
      }
      if (!(e.body && e.body.errors)) mount(msg, alertBox('error', e.message));
    }
  } });
  return h('details', { class: 'lab-box' }, h('summary', null, 'Lập đợt xét nghiệm sàng lọc'), form,
    h('p', { class: 'hint' }, 'Địa bàn (cho "Cư dân một địa bàn" và "Mọi địa điểm cùng loại"):'), picker.el, msg, submit);
}

export function renderCampaignsTab(ctx) {
  const { el, signal } = ctx;
  const list = h('div', { id: 'lab-campaigns', dataset: { state: 'loading' } }, loading());
  async function load() {
    try {
      const d = await get('/api/lab/campaigns', null, { signal });
      const items = d.items || [];
      mount(list, items.length ? dataTable([
        { label: 'Đợt', cell: (c) => h('a', { href: `#/testing/campaigns/${c.id}` }, c.name) },
        { label: 'Đối tượng', cell: (c) => targetText(c) },
        { label: 'Ngày', cell: (c) => c.from_date === c.to_date ? fmtDate(c.from_date) : `${fmtDate(c.from_date)} – ${fmtDate(c.to_date)}` },
        { label: 'Loại', cell: (c) => KIND_LABELS[c.kind] },
        { label: 'Tiến độ', cell: (c) => bar(c) },
      ], items, { id: 'lab-campaigns-table', rowClass: 'campaign-row' }) : emptyState('Chưa có đợt xét nghiệm sàng lọc.'));
      list.dataset.state = 'ready';
    } catch (e) { if (!isAbort(e)) showError(list, e); }
  }
  mount(el, can('lab.write') ? createForm(signal, load) : null, list);
  load();
}

export async function renderCampaign(ctx) {
  const { el, params, signal } = ctx;
  const crumbs = h('p', { class: 'crumbs' }, h('a', { href: '#/testing?tab=campaigns' }, 'Xét nghiệm sàng lọc'), ' › Đợt xét nghiệm');
  mount(el, crumbs, pageHead('Đợt xét nghiệm sàng lọc'), loading());
  async function load() {
    try {
      const d = await get(`/api/lab/campaigns/${encodeURIComponent(params.id)}`, null, { signal });
      const c = d.campaign;
      const sample = (p) => async () => {
        try {
          const r = await post('/api/lab/samples', { person_id: p.person_id, kind: c.kind, reason: 'screening', campaign_id: c.id });
          toast(`Đã lấy mẫu ${r.sample.label} của ${p.full_name}`);
          load();
        } catch (e) { toast(e.message, 'error'); }
      };
      mount(el, crumbs, pageHead(c.name), h('p', null, `${targetText(c)} — ${KIND_LABELS[c.kind]} — ${fmtDate(c.from_date)} đến ${fmtDate(c.to_date)}`),
        bar(c),
        d.due.length ? dataTable([
          { label: 'Họ và tên', cell: (p) => h('a', { href: `#/people/${p.person_id}` }, p.full_name) },
          { label: 'Điện thoại', cell: (p) => p.phone },
          { label: 'Đã lấy mẫu', cell: (p) => p.sample_id ? (RESULT_LABELS[p.result] || p.result) : 'Chưa' },
          { label: '', cell: (p) => !p.sample_id && can('lab.write') ? button('Ghi nhận lấy mẫu', { class: 'btn btn-small', dataset: { person: String(p.person_id) }, onclick: sample(p) }) : '' },
        ], d.due, { id: 'lab-due-table', rowClass: 'due-row' }) : emptyState('Không có ai trong danh sách cần lấy mẫu.'));
    } catch (e) {
      if (isAbort(e)) return;
      mount(el, crumbs, pageHead('Đợt xét nghiệm sàng lọc'), alertBox('error', e.message));
    }
  }
  load();
}
