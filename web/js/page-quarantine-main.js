// page-quarantine-main.js: "Cách ly" (#/quarantine): today's worklists in tabs (tests due, overdue tests,
// releases due, hand-overs to confirm, monitoring that ends, symptomatic checks), the orders by phase with
// starting a pending one, and the facilities of quarantine and care with their occupancy (and the form adding
// one); #/quarantine/orders/:id: one order with its test schedule, health checks (and the form), release
// (what blocks it) and the hand-over confirmation.
import { h, mount } from './dom.js';
import { get, post, isAbort } from './api.js';
import { can, session } from './session.js';
import { pageHead, dataTable, loading, showError, emptyState, button, select, toast, alertBox, linkButton } from './ui.js';
import {
  PLACE_LABELS, PHASE_LABELS, SYMPTOM_LABELS, KIND_LABELS, tabs, personCell,
} from './page-quarantine-common.js';
import { facilityForm } from './page-quarantine-facility.js';

const orderLink = (r) => h('a', { href: `#/quarantine/orders/${r.order_id ?? r.id}` }, `Lệnh ${r.order_id ?? r.id}`);

const LISTS = [
  ['tests_due', 'Xét nghiệm hôm nay', (r) => `Ngày ${r.test_day} (${r.test_date})`],
  ['tests_overdue', 'Xét nghiệm quá hạn', (r) => `Ngày ${r.test_day} (${r.test_date}), trễ ${r.days_late} ngày`],
  ['releases_due', 'Đến ngày ra', (r) => `Ra từ ${r.release_from}${r.tests_not_negative ? ` · thiếu ${r.tests_not_negative} xét nghiệm âm tính` : ' · đủ xét nghiệm'}`],
  ['handovers', 'Chờ xã nhận bàn giao', (r) => `Ra ngày ${r.released_on}, theo dõi đến ${r.monitoring_end}`],
  ['monitoring_ends', 'Hết theo dõi hôm nay', (r) => `Ra ngày ${r.released_on}${r.handover_confirmed ? '' : ' · xã chưa xác nhận'}`],
  ['alerts', 'Có triệu chứng', (r) => h('span', { class: 'q-alert' }, `${r.checked_on}: ${(r.symptoms || []).map((s) => SYMPTOM_LABELS[s] || s).join(', ')}${r.temperature ? ` · ${r.temperature} °C` : ''}`)],
];

function worklistTable(key, rows, detail) {
  if (!rows.length) return emptyState('Không có ai trong danh sách này.');
  const cols = [
    { label: 'Lệnh', class: 'col-nowrap', cell: orderLink },
    { label: 'Người cách ly', class: 'col-name', cell: personCell },
    { label: 'Nơi', cell: (r) => (r.facility_name ? `${PLACE_LABELS[r.place] || r.place} · ${r.facility_name}` : PLACE_LABELS[r.place] || r.place) },
    { label: 'Chi tiết', cell: detail },
    { label: '', cell: (r) => (key === 'tests_due' || key === 'tests_overdue' || key === 'alerts'
      ? h('a', { href: '#/testing', class: 'btn btn-small' }, 'Lấy mẫu') : h('a', { href: `#/quarantine/orders/${r.order_id}`, class: 'btn btn-small' }, 'Mở')) },
  ];
  const t = dataTable(cols, rows, { id: `wl-${key}`, caption: key });
  t.querySelectorAll('tbody tr').forEach((tr, i) => { tr.dataset.orderId = String(rows[i].order_id); });
  return t;
}

async function worklistsView(box, signal, date) {
  mount(box, loading());
  try {
    const w = await get('/api/quarantine/worklists', { date }, { signal });
    mount(box, h('p', { class: 'muted' }, `Ngày ${w.date}`), tabs(LISTS.map(([key, label, detail]) => ({
      key, label, count: w[key].total, render: (p) => p.append(worklistTable(key, w[key].items, detail)),
    })), { id: 'wl-tabs' }));
  } catch (e) { showError(box, e); }
}

function startForm(o, facilities, after) {
  const place = select(Object.entries(PLACE_LABELS), { id: `start-place-${o.id}`, value: o.place === 'centralised' ? 'centralised' : 'home', 'aria-label': 'Nơi cách ly' });
  const fac = select([['', '— Cơ sở —'], ...facilities.filter((f) => f.kind === 'quarantine' || f.kind === 'hotel')
    .map((f) => [String(f.id), `${f.name} (còn ${f.free})`])], { id: `start-fac-${o.id}`, 'aria-label': 'Cơ sở cách ly' });
  const err = h('p', { class: 'field-error', hidden: true });
  const go = button('Bắt đầu', { class: 'btn btn-primary btn-small', id: `start-${o.id}` });
  go.addEventListener('click', async () => {
    err.hidden = true;
    try {
      await post(`/api/quarantine/orders/${o.id}/start`, { place: place.value, facility_id: fac.value ? Number(fac.value) : null });
      toast('Đã bắt đầu cách ly.');
      after();
    } catch (e) { err.textContent = e.message; err.hidden = false; }
  });
  return h('div', { class: 'q-form' }, place, fac, go, err);
}

async function ordersView(box, signal, phase) {
  mount(box, loading());
  try {
    const [orders, fac] = await Promise.all([get('/api/quarantine/orders', { phase, limit: 500 }, { signal }),
      get('/api/quarantine/facilities', { kind: 'isolation' }, { signal })]);
    const rows = orders.items;
    const cols = [
      { label: 'Lệnh', class: 'col-nowrap', cell: orderLink },
      { label: 'Người cách ly', class: 'col-name', cell: personCell },
      { label: 'Quy định', cell: (o) => `${o.rule}: ${o.quarantine_days} ngày + ${o.monitoring_days} ngày theo dõi` },
      { label: 'Từ ngày', cell: (o) => `${o.start_date} → ${o.release_from}` },
      { label: 'Giai đoạn', cell: (o) => (o.phase === 'pending' && can('quarantine.write')
        ? startForm(o, fac.items, () => ordersView(box, signal, phase)) : PHASE_LABELS[o.phase] || o.phase) },
    ];
    mount(box, rows.length ? dataTable(cols, rows, { id: 'orders-table' }) : emptyState('Không có lệnh cách ly nào.'));
  } catch (e) { showError(box, e); }
}

async function facilitiesView(box, signal) {
  mount(box, loading());
  try {
    const fac = await get('/api/quarantine/facilities', {}, { signal });
    mount(box, facilityForm(() => facilitiesView(box, signal)), fac.items.length ? dataTable([
      { label: 'Cơ sở', cell: (f) => h('span', null, h('strong', null, f.name), h('span', { class: 'cell-sub' }, f.unit_name || '')) },
      { label: 'Loại', cell: (f) => `${KIND_LABELS[f.kind]}${f.kind === 'treatment' && f.tier ? ` tầng ${f.tier}` : ''}` },
      { label: 'Giường', cell: (f) => String(f.beds) },
      { label: 'Đang dùng', cell: (f) => h('span', { dataset: { used: f.used } }, String(f.used)) },
      { label: 'Còn trống', cell: (f) => String(f.free) },
    ], fac.items, { id: 'facilities-table' }) : emptyState('Chưa có cơ sở nào.'));
  } catch (e) { showError(box, e); }
}

export function renderQuarantine(ctx) {
  const { el, signal, query } = ctx;
  const box = h('div', { id: 'q-main' });
  const phase = select([['active', 'Đang cách ly'], ['pending', 'Chờ bắt đầu'], ['monitoring', 'Theo dõi sau cách ly'], ['finished', 'Đã kết thúc'], ['', 'Tất cả']], { id: 'q-phase', 'aria-label': 'Giai đoạn' });
  mount(el, pageHead('Cách ly', linkButton('Xét nghiệm', '#/testing')), tabs([
    { key: 'work', label: 'Việc hôm nay', render: (p) => { p.append(box); worklistsView(box, signal, query.date || ''); } },
    { key: 'orders', label: 'Lệnh cách ly', render: (p) => {
      const list = h('div', { id: 'q-orders' });
      phase.onchange = () => ordersView(list, signal, phase.value);
      p.append(h('div', { class: 'q-form' }, phase), list);
      ordersView(list, signal, phase.value);
    } },
    { key: 'facilities', label: 'Cơ sở', render: (p) => { const b = h('div'); p.append(b); facilitiesView(b, signal); } },
  ], { id: 'q-tabs', selected: query.tab }));
}

// ---- one order ----

function checkForm(o, after) {
  const temp = h('input', { type: 'number', step: '0.1', min: '34', max: '43', id: 'chk-temp', placeholder: '36.5' });
  const boxes = Object.entries(SYMPTOM_LABELS).map(([k, label]) => h('label', null,
    h('input', { type: 'checkbox', value: k, name: 'sym' }), label));
  const note = h('input', { type: 'text', id: 'chk-note', maxlength: '250' });
  const err = h('p', { class: 'field-error', id: 'chk-error', hidden: true });
  const save = button('Ghi kiểm tra sức khỏe', { class: 'btn btn-primary', id: 'chk-save' });
  save.addEventListener('click', async () => {
    err.hidden = true;
    const symptoms = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
    try {
      const r = await post(`/api/quarantine/orders/${o.id}/checks`, { temperature: temp.value ? Number(temp.value) : null, symptoms, note: note.value });
      toast(r.alert ? 'Đã ghi. Có triệu chứng: cần lấy mẫu xét nghiệm.' : 'Đã ghi kiểm tra sức khỏe.', r.alert ? 'warning' : 'success');
      after();
    } catch (e) { err.textContent = e.message; err.hidden = false; }
  });
  return h('section', { class: 'panel' }, h('h2', null, 'Kiểm tra sức khỏe hằng ngày'),
    h('div', { class: 'q-form' }, h('label', null, 'Nhiệt độ (°C)', temp), h('fieldset', null, h('legend', null, 'Triệu chứng'), boxes),
      h('label', null, 'Ghi chú', note), save), err);
}

function releaseForm(o, after) {
  const note = h('input', { type: 'text', id: 'rel-note', maxlength: '250', placeholder: 'Lý do (khi thiếu xét nghiệm)' });
  const force = h('input', { type: 'checkbox', id: 'rel-force' });
  const err = h('div', { id: 'rel-error' });
  const go = button('Cho ra khỏi cách ly', { class: 'btn btn-primary', id: 'rel-save' });
  go.addEventListener('click', async () => {
    mount(err);
    try {
      await post(`/api/quarantine/orders/${o.id}/release`, { force: force.checked, note: note.value });
      toast('Đã cho ra và bàn giao cho trạm y tế xã.');
      after();
    } catch (e) { mount(err, alertBox('error', e.message)); }
  });
  return h('section', { class: 'panel' }, h('h2', null, 'Ra khỏi cách ly'),
    o.blockers.length ? h('ul', { class: 'q-blockers', id: 'rel-blockers' }, o.blockers.map((b) => h('li', { dataset: { code: b.code } }, b.message)))
      : alertBox('success', 'Đủ điều kiện ra khỏi cách ly.'),
    h('div', { class: 'q-form' }, h('label', null, h('span', null, force, ' Cho ra dù thiếu xét nghiệm (ghi lý do)')), note, go), err);
}

function handoverPanel(o, after) {
  if (!o.handover_unit) return null;
  if (o.handover_confirmed) return h('section', { class: 'panel', id: 'handover' }, alertBox('success', 'Trạm y tế xã đã xác nhận nhận bàn giao.'));
  const mine = session.user && (session.user.role === 'admin' || (session.user.role === 'commune' && session.user.unit_code === o.handover_unit));
  const go = button('Xác nhận đã nhận bàn giao', { class: 'btn btn-primary', id: 'handover-confirm' });
  const err = h('div');
  go.addEventListener('click', async () => {
    try { await post(`/api/quarantine/orders/${o.id}/handover`, {}); toast('Đã xác nhận nhận bàn giao.'); after(); } catch (e) { mount(err, alertBox('error', e.message)); }
  });
  return h('section', { class: 'panel', id: 'handover' }, h('h2', null, 'Bàn giao cho trạm y tế xã'),
    h('p', null, `Theo dõi sức khỏe tại nhà đến ngày ${o.monitoring_end}. Chờ trạm y tế xã xác nhận.`),
    mine && can('quarantine.write') ? go : h('p', { class: 'muted' }, 'Chỉ tài khoản của trạm y tế xã nhận bàn giao mới xác nhận được.'), err);
}

export async function renderQuarantineOrder(ctx) {
  const { el, signal, params } = ctx;
  mount(el, loading());
  let o;
  try { o = (await get(`/api/quarantine/orders/${encodeURIComponent(params.id)}`, null, { signal })).order; } catch (e) {
    if (!isAbort(e)) mount(el, pageHead('Lệnh cách ly'), alertBox('error', e.message));
    return;
  }
  const again = () => renderQuarantineOrder(ctx);
  const sched = dataTable([
    { label: 'Ngày', cell: (s) => `Ngày ${s.day}` }, { label: 'Ngày lấy mẫu', cell: (s) => s.date },
    { label: 'Kết quả', cell: (s) => ({ negative: 'Âm tính', positive: 'Dương tính', pending: 'Chờ kết quả', invalid: 'Mẫu không đạt' }[s.result] || 'Chưa lấy mẫu') },
  ], o.schedule, { id: 'schedule' });
  const checks = o.checks.length ? dataTable([
    { label: 'Ngày', cell: (c) => c.checked_on }, { label: 'Nhiệt độ', cell: (c) => (c.temperature ? `${c.temperature} °C` : '') },
    { label: 'Triệu chứng', cell: (c) => h('span', { class: c.alert ? 'q-alert' : '' }, c.symptoms.map((s) => SYMPTOM_LABELS[s] || s).join(', ') || 'Không') },
    { label: 'Ghi chú', cell: (c) => c.note },
  ], o.checks, { id: 'checks' }) : emptyState('Chưa có lần kiểm tra nào.');
  const write = can('quarantine.write');
  mount(el, pageHead(`Lệnh cách ly ${o.id}: ${o.full_name}`, linkButton('← Cách ly', '#/quarantine')),
    h('section', { class: 'panel', id: 'order', dataset: { phase: o.phase } },
      h('p', null, h('strong', null, PHASE_LABELS[o.phase]), ` · ${PLACE_LABELS[o.place] || o.place}${o.facility_name ? ` · ${o.facility_name}` : ''}`),
      h('p', null, `Quy định ${o.rule}: ${o.quarantine_days} ngày cách ly (từ ${o.start_date}, được ra từ ${o.release_from}), ${o.monitoring_days} ngày theo dõi sau đó.`),
      h('p', null, [o.phone, o.address, o.unit_name].filter(Boolean).join(' · ')),
      h('h2', null, 'Lịch xét nghiệm'), sched, h('p', null, h('a', { href: '#/testing' }, 'Lấy mẫu ở trang Xét nghiệm →'))),
    o.phase === 'active' && write ? checkForm(o, again) : null,
    o.phase === 'active' && write ? releaseForm(o, again) : null,
    handoverPanel(o, again),
    h('section', { class: 'panel' }, h('h2', null, 'Các lần kiểm tra sức khỏe'), checks));
}
