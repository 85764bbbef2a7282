// page-care-main.js: "Điều trị" (#/treatment): F0 by risk colour (Decision 5525) with the alerts of home
// monitoring on top and the treatment beds by tier; #/treatment/cases/:id: the triage form (colour, home or
// facility by the rule in force); #/treatment/episodes/:id: one F0 in care with the twice-daily monitoring
// entry (SpO₂, breathing rate, temperature), the bed or mobile station, and release.
import { h, mount } from './dom.js';
import { get, post, isAbort } from './api.js';
import { can } from './session.js';
import { fmtDateTime } from './format.js';
import { pageHead, dataTable, loading, showError, emptyState, button, select, toast, alertBox, linkButton } from './ui.js';
import { COLOUR_LABELS, KIND_LABELS, colourBadge, personCell } from './page-quarantine-common.js';

const SLOT_LABELS = { morning: 'Sáng', evening: 'Chiều' };

async function alertsPanel(box, signal) {
  try {
    const a = await get('/api/care/alerts', null, { signal });
    if (!a.items.length) { mount(box, h('h2', null, 'Cảnh báo theo dõi tại nhà'), emptyState('Không có cảnh báo nào.')); return; }
    const t = dataTable([
      { label: 'F0', class: 'col-name', cell: personCell },
      { label: 'Lúc', cell: (r) => `${fmtDateTime(r.at)} (${SLOT_LABELS[r.slot]})` },
      { label: 'Cảnh báo', cell: (r) => h('span', { class: 'q-alert' }, r.alert) },
      { label: '', cell: (r) => h('span', null, h('a', { class: 'btn btn-small', href: `#/treatment/episodes/${r.episode_id}` }, 'Mở'),
        can('care.write') ? doneButton(r, box, signal) : null) },
    ], a.items, { id: 'care-alerts' });
    t.querySelectorAll('tbody tr').forEach((tr, i) => { tr.dataset.entryId = String(a.items[i].id); });
    mount(box, h('h2', null, `Cảnh báo theo dõi tại nhà (${a.items.length})`), t);
  } catch (e) { showError(box, e); }
}

function doneButton(r, box, signal) {
  const b = button('Đã xử lý', { class: 'btn btn-small' });
  b.addEventListener('click', async () => {
    try { await post(`/api/care/alerts/${r.id}/done`, {}); toast('Đã ghi nhận.'); alertsPanel(box, signal); } catch (e) { toast(e.message, 'error'); }
  });
  return b;
}

async function listPanel(box, signal, colour) {
  mount(box, loading());
  try {
    const d = await get('/api/care/cases', { colour }, { signal });
    const t = d.items.length ? dataTable([
      { label: 'F0', class: 'col-name', cell: personCell },
      { label: 'Phân loại', cell: (c) => colourBadge(c.colour) },
      { label: 'Nơi điều trị', cell: (c) => (c.place ? `${c.place === 'home' ? 'Tại nhà' : 'Cơ sở'}${c.facility_name ? ` · ${c.facility_name}` : ''}` : '') },
      { label: 'SpO₂ gần nhất', cell: (c) => (c.last_spo2 ? `${c.last_spo2} %` : '') },
      { label: 'Cảnh báo', cell: (c) => (c.open_alerts ? h('span', { class: 'q-alert' }, String(c.open_alerts)) : '') },
      { label: '', cell: (c) => (c.episode_id ? h('a', { class: 'btn btn-small', href: `#/treatment/episodes/${c.episode_id}` }, 'Mở')
        : can('care.write') ? h('a', { class: 'btn btn-small btn-primary', href: `#/treatment/cases/${c.case_id}` }, 'Phân loại') : '') },
    ], d.items, { id: 'care-list' }) : emptyState('Không có F0 nào đang điều trị.');
    mount(box, t);
  } catch (e) { showError(box, e); }
}

async function bedsPanel(box, signal) {
  try {
    const c = await get('/api/quarantine/capacity', null, { signal });
    const g = c.groups;
    const card = (label, x) => h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label),
      h('span', { class: 'stat-value' }, `${x.used + (x.icu_used || 0)} / ${x.beds}`),
      h('span', { class: 'stat-sub' }, x.icu_beds ? `ICU ${x.icu_used}/${x.icu_beds}` : 'giường đang dùng'));
    mount(box, h('h2', null, 'Giường điều trị'), h('div', { class: 'q-cap' },
      card('Tầng 1', g.tier1), card('Tầng 2', g.tier2), card('Tầng 3', g.tier3),
      h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Dự báo 7 / 14 ngày'),
        h('span', { class: 'stat-value' }, `${g.treatment.projected_7} / ${g.treatment.projected_14}`),
        h('span', { class: 'stat-sub' }, `trên ${g.treatment.beds} giường (xu hướng 7 ngày)`))));
  } catch (e) { showError(box, e); }
}

export function renderTreatment(ctx) {
  const { el, signal, query } = ctx;
  const alerts = h('section', { class: 'panel', id: 'care-alerts-panel' }, loading());
  const beds = h('section', { class: 'panel', id: 'care-beds' }, loading());
  const list = h('div', { id: 'care-list-box' });
  const colour = select([['', 'Mọi phân loại'], ...Object.entries(COLOUR_LABELS), ['untriaged', 'Chưa phân loại']], { id: 'care-colour', value: query.colour || '', 'aria-label': 'Phân loại nguy cơ' });
  colour.onchange = () => listPanel(list, signal, colour.value);
  mount(el, pageHead('Điều trị F0'), alerts, beds,
    h('section', { class: 'panel' }, h('h2', null, 'F0 đang điều trị'), h('div', { class: 'q-form' }, colour), list),
    h('p', { class: 'muted' }, 'Phân loại theo Quyết định 5525/QĐ-BYT; tiêu chí điều trị tại nhà và ra viện theo quy định có hiệu lực (lưu thành dữ liệu, có thể sửa).'));
  alertsPanel(alerts, signal);
  bedsPanel(beds, signal);
  listPanel(list, signal, colour.value);
}

// ---- triage ----

export function renderTriage(ctx) {
  const { el, params, navigate } = ctx;
  const f = {
    age: h('input', { type: 'number', id: 'tr-age', min: '0', max: '130', placeholder: 'theo sổ dân cư' }),
    vaccination: select([['', 'Theo dữ liệu tiêm chủng'], ['full', 'Đủ liều'], ['partial', 'Chưa đủ liều'], ['none', 'Chưa tiêm']], { id: 'tr-vacc' }),
    comorbidity: select([['none', 'Không'], ['stable', 'Có, đang điều trị ổn định'], ['unstable', 'Có, chưa ổn định']], { id: 'tr-comorb' }),
    symptoms: select([['none', 'Không triệu chứng'], ['mild', 'Nhẹ'], ['moderate', 'Vừa'], ['severe', 'Nặng']], { id: 'tr-sym' }),
    spo2: h('input', { type: 'number', id: 'tr-spo2', min: '50', max: '100', required: true }),
    resp_rate: h('input', { type: 'number', id: 'tr-rr', min: '5', max: '80', required: true }),
  };
  const pregnant = h('input', { type: 'checkbox', id: 'tr-preg' });
  const selfCare = h('input', { type: 'checkbox', id: 'tr-self', checked: true });
  const err = h('div', { id: 'tr-error' });
  const save = button('Phân loại', { class: 'btn btn-primary', id: 'tr-save' });
  save.addEventListener('click', async () => {
    mount(err);
    const body = { vaccination: f.vaccination.value, comorbidity: f.comorbidity.value, symptoms: f.symptoms.value,
      spo2: f.spo2.value ? Number(f.spo2.value) : null, resp_rate: f.resp_rate.value ? Number(f.resp_rate.value) : null,
      age: f.age.value ? Number(f.age.value) : null, pregnant: pregnant.checked, self_care: selfCare.checked };
    try {
      const r = await post(`/api/care/cases/${encodeURIComponent(params.id)}/triage`, body);
      toast(`Đã phân loại: ${COLOUR_LABELS[r.episode.colour]}.`);
      navigate(`/treatment/episodes/${r.episode.id}`);
    } catch (e) { mount(err, alertBox('error', e.message)); }
  });
  const lab = (t, x) => h('label', null, t, x);
  mount(el, pageHead(`Phân loại F0 (ca ${params.id})`, linkButton('← Điều trị', '#/treatment')),
    h('section', { class: 'panel' }, h('div', { class: 'q-form' },
      lab('Tuổi', f.age), lab('Tiêm chủng', f.vaccination), lab('Bệnh nền', f.comorbidity), lab('Triệu chứng', f.symptoms),
      lab('SpO₂ (%)', f.spo2), lab('Nhịp thở (lần/phút)', f.resp_rate),
      h('label', null, h('span', null, pregnant, ' Có thai hoặc mới sinh')), h('label', null, h('span', null, selfCare, ' Tự chăm sóc được hoặc có người chăm sóc')),
      save), err));
}

// ---- one episode ----

function monitorForm(e, after) {
  const slot = select(Object.entries(SLOT_LABELS), { id: 'mon-slot', value: new Date().getHours() < 12 ? 'morning' : 'evening', 'aria-label': 'Buổi' });
  const spo2 = h('input', { type: 'number', id: 'mon-spo2', min: '50', max: '100' });
  const rr = h('input', { type: 'number', id: 'mon-rr', min: '5', max: '80' });
  const temp = h('input', { type: 'number', id: 'mon-temp', step: '0.1' });
  const pulse = h('input', { type: 'number', id: 'mon-pulse' });
  const out = h('div', { id: 'mon-result' });
  const save = button('Ghi chỉ số', { class: 'btn btn-primary', id: 'mon-save' });
  save.addEventListener('click', async () => {
    mount(out);
    const n = (x) => (x.value ? Number(x.value) : null);
    try {
      const r = await post(`/api/care/episodes/${e.id}/monitoring`, { slot: slot.value, spo2: n(spo2), resp_rate: n(rr), temperature: n(temp), pulse: n(pulse) });
      after(r.alert ? alertBox('error', h('strong', null, 'Cảnh báo: '), r.alert, '. Báo ngay bác sĩ trạm lưu động.') : alertBox('success', 'Đã ghi chỉ số, trong ngưỡng an toàn.'));
    } catch (ex) { mount(out, alertBox('error', ex.message)); }
  });
  const lab = (t, x) => h('label', null, t, x);
  return h('section', { class: 'panel' }, h('h2', null, 'Theo dõi tại nhà (2 lần/ngày)'),
    h('div', { class: 'q-form' }, lab('Buổi', slot), lab('SpO₂ (%)', spo2), lab('Nhịp thở', rr), lab('Nhiệt độ (°C)', temp), lab('Mạch', pulse), save), out);
}

async function bedForm(e, after, signal) {
  const box = h('section', { class: 'panel' }, h('h2', null, 'Giường / trạm y tế lưu động'));
  const fac = await get('/api/quarantine/facilities', { kind: 'care' }, { signal });
  const pick = select([['', '— Chọn —'], ...fac.items.map((f) => [String(f.id),
    f.kind === 'mobile_station' ? `${f.name} (${KIND_LABELS[f.kind]})` : `${f.name} (còn ${f.free} giường${f.icu_beds ? `, ${f.icu_free} ICU` : ''})`])], { id: 'bed-fac', 'aria-label': 'Cơ sở' });
  const kind = select([['bed', 'Giường'], ['icu', 'Giường hồi sức (ICU)'], ['station', 'Theo dõi tại nhà (trạm lưu động)']], { id: 'bed-kind', 'aria-label': 'Loại' });
  const err = h('div');
  const go = button('Phân giường', { class: 'btn', id: 'bed-save' });
  go.addEventListener('click', async () => {
    try { await post(`/api/care/episodes/${e.id}/bed`, { facility_id: pick.value ? Number(pick.value) : null, bed_kind: kind.value }); toast('Đã phân giường.'); after(); } catch (ex) { mount(err, alertBox('error', ex.message)); }
  });
  box.append(h('div', { class: 'q-form' }, pick, kind, go), err);
  return box;
}

function releaseForm(e, after) {
  const neg = h('input', { type: 'date', id: 'care-neg' });
  const err = h('div', { id: 'care-rel-error' });
  const go = button('Kết thúc điều trị, xác nhận khỏi bệnh', { class: 'btn btn-primary', id: 'care-rel' });
  go.addEventListener('click', async () => {
    try { await post(`/api/care/episodes/${e.id}/release`, { negative_test_on: neg.value }); toast('Đã kết thúc điều trị.'); after(); } catch (ex) { mount(err, alertBox('error', ex.message)); }
  });
  return h('section', { class: 'panel' }, h('h2', null, 'Kết thúc cách ly điều trị'),
    e.release ? alertBox(e.release.eligible ? 'success' : 'info', e.release.message) : null,
    h('div', { class: 'q-form' }, h('label', null, 'Ngày xét nghiệm nhanh âm tính', neg), go), err);
}

export async function renderEpisode(ctx, flash) {
  const { el, signal, params } = ctx;
  if (!flash) mount(el, loading());
  let e;
  try { e = (await get(`/api/care/episodes/${encodeURIComponent(params.id)}`, null, { signal })).episode; } catch (ex) {
    if (!isAbort(ex)) mount(el, pageHead('Điều trị F0'), alertBox('error', ex.message));
    return;
  }
  const again = (msg) => renderEpisode(ctx, msg || true);
  const rows = e.monitoring.length ? dataTable([
    { label: 'Lúc', cell: (m) => `${fmtDateTime(m.at)} (${SLOT_LABELS[m.slot]})` },
    { label: 'SpO₂', cell: (m) => `${m.spo2} %` }, { label: 'Nhịp thở', cell: (m) => String(m.resp_rate) },
    { label: 'Nhiệt độ', cell: (m) => (m.temperature ? `${m.temperature} °C` : '') },
    { label: 'Cảnh báo', cell: (m) => (m.alert ? h('span', { class: 'q-alert' }, m.alert) : '') },
  ], e.monitoring, { id: 'monitoring' }) : emptyState('Chưa có chỉ số nào.');
  const active = e.status === 'active' && can('care.write');
  mount(el, pageHead(`Điều trị F0: ${e.full_name}`, linkButton('← Điều trị', '#/treatment')),
    flash && flash !== true ? flash : null,
    h('section', { class: 'panel', id: 'episode', dataset: { colour: e.colour, status: e.status } },
      h('p', null, colourBadge(e.colour), ' ', e.colour_reason, ` (${e.colour_basis})`),
      h('p', null, h('strong', null, e.place === 'home' ? 'Điều trị tại nhà' : 'Điều trị tại cơ sở'), `: ${e.place_reason}`),
      h('p', null, `Tầng đề xuất: ${e.tier}${e.facility_name ? ` · Đang ở: ${e.facility_name}` : ''}${e.status === 'released' ? ` · Đã kết thúc ngày ${e.released_on} (${e.release_basis})` : ''}`)),
    active ? monitorForm(e, again) : null,
    active ? await bedForm(e, again, signal).catch(() => null) : null,
    active ? releaseForm(e, again) : null,
    h('section', { class: 'panel' }, h('h2', null, 'Các lần theo dõi'), rows));
}
