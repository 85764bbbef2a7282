// page-vaccination-record.js: "Ghi nhận mũi tiêm": find a person of the registry, see their doses and what they
// may get next (the interval and mixing rules answer on the server), record a dose (optionally in a session),
// set their priority groups (Resolution 21/NQ-CP) and note a contraindication or deferral.
import { h, mount } from './dom.js';
import { get, post, put, isAbort } from './api.js';
import { can } from './session.js';
import { pageHead, dataTable, loading, showError, emptyState, field, select, button, toast, details, alertBox,
  setFieldError, clearFieldErrors } from './ui.js';
import { fmtBirth } from './format.js';
import { vaccTabs, vaccRefs, KIND_LABELS, todayLocal, vnDay } from './page-vaccination-common.js';

function searchBox(navigate, signal) {
  const q = h('input', { type: 'search', id: 'vacc-search', placeholder: 'Họ tên, số CCCD/CMND hoặc số điện thoại' });
  const out = h('div', { class: 'search-results', id: 'vacc-search-results' });
  const run = async () => {
    if (!q.value.trim()) return;
    mount(out, loading());
    try {
      const r = await get('/api/people', { q: q.value.trim(), limit: 10 }, { signal });
      mount(out, r.items.length ? h('ul', { class: 'pick-list' }, r.items.map((p) => h('li', null,
        button('Chọn', { class: 'btn btn-light btn-small', dataset: { pick: String(p.id) },
          onclick: () => navigate(`/vaccination/record?person=${p.id}`) }),
        ` ${p.full_name} — sinh ${fmtBirth(p.birth_date)} — ${p.unit_name || p.unit_code}`))) : emptyState('Không tìm thấy ai.'));
    } catch (e) { showError(out, e); }
  };
  return h('form', { class: 'search-box', onsubmit: (e) => { e.preventDefault(); run(); } },
    field({ label: 'Tìm người trong sổ dân cư', id: 'vacc-search', input: q }),
    button('Tìm', { type: 'submit', class: 'btn', id: 'vacc-search-go' }), out);
}

function dosesTable(v, refs) {
  if (!v.doses.length) return emptyState('Chưa tiêm mũi nào.');
  return dataTable([
    { label: 'Mũi', cell: (d) => String(d.dose_number) },
    { label: 'Loại mũi', cell: (d) => KIND_LABELS[d.kind] || d.kind },
    { label: 'Vắc xin', cell: (d) => refs.productName(d.product_code) },
    { label: 'Ngày tiêm', cell: (d) => vnDay(d.given_on) },
    { label: 'Số lô', cell: (d) => d.lot },
    { label: 'Nơi tiêm', cell: (d) => d.place },
    { label: 'Đủ mũi cơ bản', cell: (d) => (d.completes_primary ? 'Có' : '') },
  ], v.doses, { id: 'vacc-doses' });
}

function nextText(n, refs) {
  if (n.done) return 'Đã tiêm đủ mũi cơ bản và các mũi nhắc lại.';
  const kind = KIND_LABELS[n.kind] || n.kind;
  const when = n.earliest ? `từ ngày ${vnDay(n.earliest)}` : 'bất kỳ ngày nào';
  return `Mũi tiếp theo: mũi ${n.dose_number} (${kind.toLowerCase()}), tiêm ${when}; vắc xin được dùng: ${n.products.map(refs.productName).join(', ')}.`;
}

const FIELD_IDS = { product_code: 'dose-product', given_on: 'dose-date', dose_number: 'dose-date', kind: 'dose-additional',
  person_id: 'dose-product', lot: 'dose-lot', place: 'dose-place', session_id: 'dose-session' };

function doseForm(person, v, refs, sessions, reload) {
  const product = select([['', '— Chọn vắc xin —'], ...refs.products.map((p) => [p.code, p.name])], { id: 'dose-product' });
  if (v.next.products.length === 1) product.value = v.next.products[0];
  const date = h('input', { type: 'date', id: 'dose-date', value: todayLocal() });
  const lot = h('input', { type: 'text', id: 'dose-lot' });
  const place = h('input', { type: 'text', id: 'dose-place' });
  const session = select([['', '— Không thuộc buổi tiêm —'], ...sessions.map((s) => [String(s.id),
    `${vnDay(s.session_date)} · ${s.site} · ${refs.productName(s.product_code)}`])], { id: 'dose-session' });
  const additional = h('input', { type: 'checkbox', id: 'dose-additional' });
  const form = h('form', { class: 'form', id: 'dose-form' });
  form.onsubmit = async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    const body = { person_id: person.id, product_code: product.value, given_on: date.value, lot: lot.value,
      place: place.value, session_id: session.value ? Number(session.value) : null, kind: additional.checked ? 'additional' : '' };
    try {
      const r = await post('/api/vaccination/doses', body);
      toast(`Đã ghi mũi ${r.dose.dose_number} cho ${person.full_name}.`);
      reload();
    } catch (err) {
      const f = err.body && err.body.field;
      if (!f || !setFieldError(form, FIELD_IDS[f] || 'dose-product', err.message)) toast(err.message, 'error');
    }
  };
  return mount(form, h('div', { class: 'grid' },
    field({ label: 'Vắc xin', id: 'dose-product', input: product }),
    field({ label: 'Ngày tiêm', id: 'dose-date', input: date, required: true }),
    field({ label: 'Buổi tiêm', id: 'dose-session', input: session, hint: 'Chọn buổi tiêm thì vắc xin, ngày và số lô lấy theo buổi tiêm nếu để trống.' }),
    field({ label: 'Số lô', id: 'dose-lot', input: lot }),
    field({ label: 'Nơi tiêm', id: 'dose-place', input: place }),
    field({ label: 'Mũi bổ sung (nhóm đặc biệt)', id: 'dose-additional', input: additional })),
  h('div', { class: 'form-actions' }, button('Ghi nhận mũi tiêm', { type: 'submit', class: 'btn btn-primary', id: 'dose-save' })));
}

function groupsForm(person, v, refs, reload) {
  const boxes = refs.groups.map((g) => h('label', null,
    h('input', { type: 'checkbox', value: g.code, checked: v.groups.includes(g.code), dataset: { group: g.code } }),
    g.number <= 9 ? ` Nhóm ${g.number}: ${g.name}` : ` ${g.name}`));
  const save = button('Lưu nhóm ưu tiên', { class: 'btn', id: 'groups-save', onclick: async () => {
    const groups = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
    try {
      await put(`/api/vaccination/people/${person.id}/groups`, { groups });
      toast('Đã lưu nhóm ưu tiên.');
      reload();
    } catch (e) { toast(e.message, 'error'); }
  } });
  return h('div', { class: 'panel', id: 'groups-panel' }, h('h3', null, 'Nhóm ưu tiên (Nghị quyết 21/NQ-CP)'),
    h('div', { class: 'vacc-groups' }, boxes), can('vaccination.write') ? save : null);
}

function deferralPanel(person, v, reload) {
  const list = v.deferrals.length ? h('ul', null, v.deferrals.map((d) => h('li', null,
    `${d.kind === 'contraindication' ? 'Chống chỉ định' : 'Hoãn tiêm'}: ${d.reason}${d.until_date ? ` (đến ${vnDay(d.until_date)})` : ''}`)))
    : h('p', { class: 'muted' }, 'Không có.');
  if (!can('vaccination.write')) return h('div', { class: 'panel' }, h('h3', null, 'Chống chỉ định, hoãn tiêm'), list);
  const kind = select([['deferral', 'Hoãn tiêm'], ['contraindication', 'Chống chỉ định']], { id: 'def-kind' });
  const reason = h('input', { type: 'text', id: 'def-reason' });
  const until = h('input', { type: 'date', id: 'def-until' });
  const form = h('form', { class: 'form', onsubmit: async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    try {
      await post(`/api/vaccination/people/${person.id}/deferrals`, { kind: kind.value, reason: reason.value, until_date: until.value });
      toast('Đã ghi.');
      reload();
    } catch (err) {
      if (!setFieldError(form, `def-${(err.body && err.body.field) === 'until_date' ? 'until' : 'reason'}`, err.message)) toast(err.message, 'error');
    }
  } }, h('div', { class: 'grid' }, field({ label: 'Loại', id: 'def-kind', input: kind }),
    field({ label: 'Lý do', id: 'def-reason', input: reason }), field({ label: 'Đến ngày (hoãn tiêm)', id: 'def-until', input: until })),
  h('div', { class: 'form-actions' }, button('Ghi', { type: 'submit', class: 'btn', id: 'def-save' })));
  return h('div', { class: 'panel' }, h('h3', null, 'Chống chỉ định, hoãn tiêm'), list, form);
}

async function personView(el, id, navigate, signal) {
  mount(el, loading());
  const reload = () => personView(el, id, navigate, signal);
  try {
    const [refs, pr, v, sessions] = await Promise.all([vaccRefs(signal), get(`/api/people/${id}`, null, { signal }),
      get(`/api/vaccination/people/${id}`, null, { signal }), get('/api/vaccination/sessions', { limit: 50 }, { signal })]);
    const p = pr.person;
    mount(el, h('h2', { id: 'vacc-person-name' }, p.full_name),
      details([['Ngày sinh', fmtBirth(p.birth_date)], ['Nơi ở', p.unit_name], ['Điện thoại', p.phone]]),
      h('h3', null, 'Các mũi đã tiêm'), dosesTable(v, refs),
      alertBox('info', h('span', { id: 'vacc-next' }, nextText(v.next, refs))),
      can('vaccination.write') && !v.next.done ? h('div', { class: 'panel' }, h('h3', null, 'Ghi nhận mũi tiêm'),
        doseForm(p, v, refs, sessions.items, reload)) : null,
      groupsForm(p, v, refs, reload), deferralPanel(p, v, reload));
  } catch (e) {
    if (!isAbort(e)) showError(el, e);
  }
}

export function renderVaccRecord(ctx) {
  const { el, query, navigate, signal } = ctx;
  const panel = h('div', { id: 'vacc-person' });
  mount(el, pageHead('Ghi nhận mũi tiêm'), vaccTabs('/vaccination/record'), searchBox(navigate, signal), panel);
  if (query.person) personView(panel, Number(query.person), navigate, signal);
}
