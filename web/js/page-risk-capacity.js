// page-risk-capacity.js: "Bảng kiểm năng lực điều trị" (#/levels/capacity?week=YYYY-Www): criterion 3
// of the risk level, filled by the health centre (district account, risk.write) per commune and
// week: oxygen at the commune health station, a mobile medical station plan, a community care team.
// All three met = criterion 3 met. Each row is saved on its own (PUT /api/risk/capacity).
import { h, mount } from './dom.js';
import { get, put, qs, isAbort } from './api.js';
import { pageHead, loading, showError, emptyState, dataTable, field, button, toast } from './ui.js';
import { weekInput } from './page-risk-common.js';

const ITEMS = [
  ['oxygen', 'Trạm y tế có oxy'],
  ['mobile_station', 'Phương án trạm y tế lưu động'],
  ['care_team', 'Tổ chăm sóc người bệnh tại cộng đồng'],
];

export function renderRiskCapacity(ctx) {
  const { el, query, signal } = ctx;
  const state = { week: query.week || '' };
  const week = weekInput('capacity-week', state.week);
  const body = h('div', { id: 'capacity-body', dataset: { state: 'loading' } }, loading());
  mount(el,
    pageHead('Bảng kiểm năng lực điều trị'),
    h('p', { class: 'lead' }, 'Tiêu chí 3 của cấp độ dịch (Quyết định 4800/QĐ-BYT): đạt khi cả ba mục đều có. Chưa đạt thì cấp độ không được hạ so với tuần trước. Bảng kiểm của một tuần dùng cho các tuần sau cho đến khi có bảng mới.'),
    h('div', { class: 'toolbar' }, field({ label: 'Tuần', id: 'capacity-week', input: week })),
    h('p', null, h('a', { href: '#/levels' }, '← Cấp độ dịch')),
    body);

  async function save(row, boxes, note, btn) {
    btn.disabled = true;
    try {
      const body = { unit_code: row.unit_code, week: state.week, note: note.value };
      for (const [key] of ITEMS) body[key] = boxes[key].checked;
      const r = await put('/api/risk/capacity', body);
      toast(`${row.unit_name}: năng lực điều trị ${r.capacity.met ? 'đạt' : 'chưa đạt'}.`);
    } catch (e) {
      toast(e.message, 'error');
    } finally {
      btn.disabled = false;
    }
  }

  async function load() {
    body.dataset.state = 'loading';
    try {
      const data = await get('/api/risk/week', { week: state.week }, { signal });
      state.week = data.week;
      week.value = data.week;
      history.replaceState(null, '', '#/levels/capacity' + qs({ week: data.week }));
      const filled = await get('/api/risk/capacity', { week: data.week }, { signal });
      const byCode = new Map((filled.items || []).map((c) => [c.unit_code, c]));
      const rows = data.items || [];
      const cols = [
        { label: 'Xã/phường', class: 'col-name', cell: (r) => r.unit_name },
        ...ITEMS.map(([key, label]) => ({ label, cell: (r) => r.boxes[key] })),
        { label: 'Ghi chú', cell: (r) => r.note },
        { label: '', cell: (r) => r.btn },
      ];
      for (const r of rows) {
        const c = byCode.get(r.unit_code);
        r.boxes = {};
        for (const [key, label] of ITEMS) {
          r.boxes[key] = h('input', { type: 'checkbox', id: `cap-${r.unit_code}-${key}`, 'aria-label': `${label} – ${r.unit_name}` });
          r.boxes[key].checked = c ? !!c[key] : false;
        }
        r.note = h('input', { type: 'text', id: `cap-${r.unit_code}-note`, value: c ? c.note : '', 'aria-label': `Ghi chú – ${r.unit_name}` });
        r.btn = button('Lưu', { id: `cap-${r.unit_code}-save` });
        r.btn.addEventListener('click', () => save(r, r.boxes, r.note, r.btn));
      }
      mount(body, rows.length ? dataTable(cols, rows, { id: 'capacity-table', caption: 'Bảng kiểm năng lực điều trị' })
        : emptyState('Không có xã/phường nào trong địa bàn.'));
      body.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      body.dataset.state = 'error';
      showError(body, e);
    }
  }
  week.addEventListener('change', () => { if (/^\d{4}-W\d{2}$/.test(week.value)) { state.week = week.value; load(); } });
  load();
}
