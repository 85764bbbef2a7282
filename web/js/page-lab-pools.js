// page-lab-pools.js: the "Gộp mẫu" tab of #/testing: the pool-size advisor (Dorfman), pooling pending RT-PCR
// samples (at most the configured size), a pool's result (negative: every member negative; positive: every
// member re-sampled and tested alone), the re-sampling worklist; and the printable tube labels of a pool
// (#/testing/pools/:id/labels) with a QR code per tube.
import { h, mount } from './dom.js';
import { get, post, isAbort } from './api.js';
import { can } from './session.js';
import { fmtNumber, fmtDateTime } from './format.js';
import { pageHead, dataTable, loading, showError, emptyState, button, field, toast, alertBox } from './ui.js';
import { fmtDate } from './page-cases.js';

const POOL_RESULTS = { pending: 'Chờ kết quả', negative: 'Âm tính', positive: 'Dương tính', invalid: 'Không xác định' };

function advisor(signal) {
  const prev = h('input', { type: 'number', id: 'lab-prevalence', min: '0.1', max: '99', step: '0.1', value: '2' });
  const out = h('div', { id: 'lab-advice', 'aria-live': 'polite' });
  const ask = async () => {
    try {
      const d = await get('/api/lab/pool-size', { prevalence: Number(prev.value) / 100 }, { signal });
      mount(out, h('p', null, 'Cỡ mẫu gộp nên dùng: ', h('strong', { id: 'lab-advice-k' }, String(d.pool_size)),
        ` mẫu; trung bình ${d.tests_per_person.toFixed(4).replace('.', ',')} xét nghiệm mỗi người `,
        `(tiết kiệm ${Math.round((1 - d.tests_per_person) * 100)}% so với xét nghiệm từng người; tối đa ${d.max_pool_size} mẫu theo cấu hình).`));
    } catch (e) { if (!isAbort(e)) mount(out, alertBox('error', e.message)); }
  };
  prev.addEventListener('change', ask);
  ask();
  return h('details', { class: 'lab-box' }, h('summary', null, 'Tư vấn cỡ mẫu gộp (sơ đồ Dorfman hai bước)'),
    field({ label: 'Tỷ lệ dương tính dự kiến (%)', id: 'lab-prevalence', input: prev }), out,
    h('p', { class: 'hint' }, 'Số xét nghiệm mỗi người E(k) = 1/k + 1 − (1 − p)^k; khi tỷ lệ dương tính trên khoảng 30% gộp mẫu không còn lợi. ',
      'Mặc định 1–10 mẫu (Quyết định 3486/QĐ-BYT: gộp khi tỷ lệ dương tính thấp; nếu mẫu gộp dương tính phải lấy mẫu lại từng người), cấu hình được tới 20.'));
}

function poolForm(signal, reload) {
  const list = h('div', { id: 'lab-pool-candidates' }, loading());
  const msg = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    try {
      const d = await get('/api/lab/samples', { result: 'pending', limit: 200 }, { signal });
      const items = (d.items || []).filter((s) => s.kind === 'pcr' && !s.pool_id);
      mount(list, items.length ? dataTable([
        { label: 'Chọn', cell: (s) => h('input', { type: 'checkbox', class: 'pool-pick', value: String(s.id), 'aria-label': `Chọn mẫu ${s.label}` }) },
        { label: 'Mã ống', cell: (s) => s.label },
        { label: 'Họ và tên', cell: (s) => s.full_name },
        { label: 'Ngày lấy mẫu', cell: (s) => fmtDate(s.sampled_on) },
      ], items, { id: 'lab-pool-candidates-table' }) : emptyState('Không có mẫu RT-PCR nào đang chờ gộp.'));
    } catch (e) { if (!isAbort(e)) showError(list, e); }
  };
  const make = button('Tạo mẫu gộp từ các mẫu đã chọn', { id: 'lab-pool-create', onclick: async () => {
    const ids = [...list.querySelectorAll('.pool-pick:checked')].map((x) => Number(x.value));
    try {
      const r = await post('/api/lab/pools', { sample_ids: ids });
      toast(`Đã tạo mẫu gộp ${r.pool.label} (${r.pool.size} mẫu)`);
      mount(msg);
      load();
      reload();
    } catch (e) { mount(msg, alertBox('error', e.message)); }
  } });
  load();
  return h('details', { class: 'lab-box' }, h('summary', null, 'Gộp mẫu RT-PCR'), list, msg, make);
}

function poolResult(p, reload) {
  if (!can('lab.write') || p.result !== 'pending') return '';
  const set = async (result) => {
    try {
      await post(`/api/lab/pools/${p.id}/result`, { result });
      toast(`Mẫu gộp ${p.label}: ${POOL_RESULTS[result]}`);
      reload();
    } catch (e) { toast(e.message, 'error'); }
  };
  return h('span', { class: 'btn-row' },
    button('Âm tính', { class: 'btn btn-light btn-small', dataset: { pool: String(p.id), result: 'negative' }, onclick: () => set('negative') }),
    button('Dương tính', { class: 'btn btn-danger btn-small', dataset: { pool: String(p.id), result: 'positive' }, onclick: () => set('positive') }));
}

async function retestList(signal, el, reload) {
  try {
    const d = await get('/api/lab/retests', null, { signal });
    const items = d.items || [];
    mount(el, h('h2', null, 'Cần lấy mẫu lại (thành viên mẫu gộp dương tính)'),
      items.length ? dataTable([
        { label: 'Họ và tên', cell: (t) => h('a', { href: `#/people/${t.person_id}` }, t.full_name) },
        { label: 'Điện thoại', cell: (t) => t.phone },
        { label: 'Mẫu gộp', cell: (t) => t.pool_label },
        { label: 'Hạn', cell: (t) => fmtDate(t.due_on) },
        { label: '', cell: (t) => can('lab.write') ? button('Ghi nhận lấy mẫu lại', { class: 'btn btn-small', dataset: { retest: String(t.id) },
          onclick: async () => {
            try {
              const r = await post('/api/lab/samples', { person_id: t.person_id, kind: 'pcr', retest_id: t.id });
              toast(`Đã lấy mẫu ${r.sample.label} để xét nghiệm riêng`);
              reload();
            } catch (e) { toast(e.message, 'error'); }
          } }) : '' },
      ], items, { id: 'lab-retests-table' }) : emptyState('Không có ai cần lấy mẫu lại.'));
  } catch (e) { if (!isAbort(e)) showError(el, e); }
}

export function renderPoolsTab(ctx) {
  const { el, signal } = ctx;
  const pools = h('div', { id: 'lab-pools', dataset: { state: 'loading' } }, loading());
  const retests = h('div', { id: 'lab-retests' });
  async function load() {
    try {
      const d = await get('/api/lab/pools', { limit: 100 }, { signal });
      const items = d.items || [];
      mount(pools, h('h2', null, 'Mẫu gộp'), items.length ? dataTable([
        { label: 'Mã mẫu gộp', cell: (p) => h('a', { href: `#/testing/pools/${p.id}/labels` }, p.label) },
        { label: 'Số mẫu', class: 'num', cell: (p) => fmtNumber(p.size) },
        { label: 'Tạo lúc', cell: (p) => fmtDateTime(p.created_at) },
        { label: 'Kết quả', cell: (p) => h('span', { class: `badge lab-result lab-result-${p.result}`, dataset: { result: p.result } }, POOL_RESULTS[p.result]) },
        { label: 'Chờ lấy lại', class: 'num', cell: (p) => p.retests_open ? fmtNumber(p.retests_open) : '' },
        { label: 'Nhập kết quả', cell: (p) => poolResult(p, load) },
        { label: 'Nhãn', cell: (p) => h('a', { href: `#/testing/pools/${p.id}/labels` }, 'In nhãn ống') },
      ], items, { id: 'lab-pools-table', rowClass: 'pool-row' }) : emptyState('Chưa có mẫu gộp.'));
      pools.dataset.state = 'ready';
    } catch (e) { if (!isAbort(e)) showError(pools, e); }
    retestList(signal, retests, load);
  }
  mount(el, advisor(signal), can('lab.write') ? poolForm(signal, load) : null, pools, retests);
  load();
}

export async function renderPoolLabels(ctx) {
  const { el, params, signal } = ctx;
  const crumbs = h('p', { class: 'crumbs' }, h('a', { href: '#/testing?tab=pools' }, 'Xét nghiệm'), ' › Nhãn ống mẫu');
  mount(el, crumbs, pageHead('Nhãn ống mẫu'), loading());
  try {
    const d = await get(`/api/lab/pools/${encodeURIComponent(params.id)}`, null, { signal });
    const svg = (text) => { const s = h('span', { class: 'tl-qr' }); s.innerHTML = text || ''; return s; };
    const tube = (code, name, cls, qr) => h('div', { class: `tube-label ${cls}` }, svg(qr),
      h('div', null, h('div', { class: 'tl-code' }, code), h('div', { class: 'tl-name' }, name)));
    mount(el, crumbs, pageHead(`Nhãn ống mẫu gộp ${d.pool.label}`,
      button('In nhãn', { class: 'btn no-print', onclick: () => window.print() })),
    h('p', { class: 'hint no-print' }, `${d.pool.size} mẫu — kết quả: ${POOL_RESULTS[d.pool.result]}. Mỗi nhãn có mã QR chứa mã ống (không chứa thông tin cá nhân).`),
    h('div', { class: 'label-sheet', id: 'lab-label-sheet' },
      tube(d.pool.label, `Mẫu gộp ${d.pool.size} người`, 'is-pool', d.qr_svg),
      d.members.map((m) => tube(m.label, `${m.full_name} — ${fmtDate(m.sampled_on)}`, '', m.qr_svg))));
  } catch (e) {
    if (isAbort(e)) return;
    mount(el, crumbs, pageHead('Nhãn ống mẫu'), alertBox('error', e.message));
  }
}
