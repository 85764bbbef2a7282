// page-lab-proposals.js: the "Đề xuất xác định F0" tab of #/testing: positive results whose person has no
// active case, each with the basis the case definition in force on the sample's date allows (Official
// Dispatch 11042/BYT-DP from 29/12/2021; before it a configurable default). The official confirms (through
// the case API: the case is traced at once) or dismisses with a reason; an antigen result that needs RT-PCR
// confirmation offers to take the RT-PCR sample instead.
import { h, mount } from './dom.js';
import { get, post, isAbort } from './api.js';
import { can } from './session.js';
import { dataTable, loading, showError, emptyState, button, toast } from './ui.js';
import { BASIS_LABELS, fmtDate } from './page-cases.js';
import { KIND_LABELS } from './page-lab-testing.js';

function actions(p, reload, navigate) {
  const s = p.sample;
  const confirm = async () => {
    try {
      const r = await post(`/api/lab/proposals/${s.id}/confirm`, {});
      toast(`Đã xác định ca bệnh F0: ${r.case.full_name}${r.trace ? ` — truy vết ${r.trace.f1} F1, ${r.trace.f2} F2` : ''}`);
      navigate(`#/cases/${r.case.id}`);
    } catch (e) { toast(e.message, 'error'); }
  };
  const dismiss = async () => {
    const note = window.prompt('Lý do bỏ qua đề xuất này:');
    if (note === null) return;
    try {
      await post(`/api/lab/proposals/${s.id}/dismiss`, { note });
      toast('Đã bỏ qua đề xuất');
      reload();
    } catch (e) { toast(e.message, 'error'); }
  };
  const pcr = async () => {
    try {
      const r = await post('/api/lab/samples', { person_id: s.person_id, kind: 'pcr', reason: 'retest' });
      toast(`Đã ghi nhận mẫu RT-PCR ${r.sample.label}`);
    } catch (e) { toast(e.message, 'error'); }
  };
  if (!can('lab.write')) return '';
  return h('span', { class: 'btn-row' },
    p.basis && can('cases.write') ? button('Xác định F0', { class: 'btn btn-danger btn-small', dataset: { confirm: String(s.id) }, onclick: confirm }) : null,
    p.needs === 'pcr' ? button('Lấy mẫu RT-PCR khẳng định', { class: 'btn btn-small', dataset: { pcr: String(s.id) }, onclick: pcr }) : null,
    button('Bỏ qua', { class: 'btn btn-light btn-small', dataset: { dismiss: String(s.id) }, onclick: dismiss }));
}

export function renderProposalsTab(ctx) {
  const { el, signal, navigate } = ctx;
  const results = h('div', { id: 'lab-proposals', dataset: { state: 'loading' } }, loading());
  const go = navigate || ((hash) => { location.hash = hash; });
  async function load() {
    try {
      const d = await get('/api/lab/proposals', null, { signal });
      const items = d.items || [];
      mount(results, items.length ? dataTable([
        { label: 'Họ và tên', cell: (p) => h('a', { href: `#/people/${p.sample.person_id}` }, p.sample.full_name) },
        { label: 'Mẫu', cell: (p) => h('span', null, `${p.sample.label} — ${KIND_LABELS[p.sample.kind]}`,
          h('span', { class: 'cell-sub' }, `lấy ngày ${fmtDate(p.sample.sampled_on)}`)) },
        { label: 'Căn cứ', cell: (p) => h('span', { class: 'proposal-basis', dataset: { basis: p.basis || '', needs: p.needs || '' } },
          p.basis ? h('strong', null, BASIS_LABELS[p.basis] || p.basis) : h('strong', null, 'Chưa đủ căn cứ'),
          h('span', { class: 'cell-sub' }, p.explain),
          p.rule_configurable ? h('span', { class: 'cell-sub muted' }, 'Quy định mặc định, có thể cấu hình lại') : null) },
        { label: 'Xử lý', cell: (p) => actions(p, load, go) },
      ], items, { id: 'lab-proposals-table', rowClass: 'proposal-row' }) : emptyState('Không có kết quả dương tính nào chờ xác định F0.'));
      results.dataset.state = 'ready';
    } catch (e) { if (!isAbort(e)) showError(results, e); }
  }
  mount(el, h('p', { class: 'hint' }, 'Kết quả dương tính của người chưa là ca bệnh đang điều trị. Căn cứ xác định theo định nghĩa ca bệnh có hiệu lực vào ngày lấy mẫu.'),
    results);
  load();
}

