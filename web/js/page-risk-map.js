// page-risk-map.js: "Cấp độ dịch" (#/levels?week=YYYY-Www&unit=CODE): the week's level of every
// commune in scope on an offline map (page-risk-draw.js) with a table of the same figures beside it,
// the communes listed per level, the XLSX report, printing, and for officials (risk.write) confirming
// and publishing the week. Published weeks show the stored result; others are marked "dự kiến".
import { h, mount } from './dom.js';
import { get, post, qs, isAbort } from './api.js';
import { can, session } from './session.js';
import { fmtNumber } from './format.js';
import { pageHead, loading, showError, emptyState, dataTable, field, button, linkButton, toast, alertBox } from './ui.js';
import { unitPicker } from './unitpicker.js';
import { drawRiskMap } from './page-risk-draw.js';
import { LEVEL_NAMES, fmtPct, fmtRate, levelBadge, weekInput } from './page-risk-common.js';

function columns() {
  return [
    { label: 'Xã/phường', class: 'col-name', cell: (r) => h('a', { href: `#/levels/commune/${encodeURIComponent(r.unit_code)}?week=${r.week}` }, r.unit_name || r.unit_code) },
    { label: 'Dân số', class: 'num risk-pop', cell: (r) => fmtNumber(r.population) },
    { label: 'Ca cộng đồng/tuần', class: 'num risk-cases', cell: (r) => fmtNumber(r.cases) },
    { label: 'Ca/100.000/tuần', class: 'num risk-rate', cell: (r) => fmtRate(r.rate) },
    { label: '≥18 tuổi tiêm ≥1 mũi', class: 'num', cell: (r) => fmtPct(r.dose1_18plus) },
    { label: 'Người cao tuổi tiêm đủ', class: 'num', cell: (r) => `${fmtPct(r.full_elderly)} (≥${r.elderly_age})` },
    { label: 'Năng lực điều trị', cell: (r) => (!r.capacity_known ? 'Chưa đánh giá' : r.capacity_met ? 'Đạt' : 'Chưa đạt') },
    { label: 'Cấp độ', class: 'risk-level-cell', cell: (r) => levelBadge(r.level, r.status) },
    { label: 'Tuần trước', class: 'num', cell: (r) => (r.previous_level ? `Cấp ${r.previous_level}` : '—') },
    { label: 'Lý do', class: 'col-detail', cell: (r) => r.reason },
  ];
}

function legend(summary) {
  return h('ul', { class: 'risk-legend', id: 'risk-legend' }, [1, 2, 3, 4].map((lv) => h('li', null,
    h('span', { class: `risk-swatch risk-l${lv}` }),
    `${LEVEL_NAMES[lv]}: ${summary ? summary[lv] : 0}`)));
}

function perLevel(items) {
  return h('div', { class: 'risk-per-level', id: 'risk-per-level' }, [4, 3, 2, 1].map((lv) => {
    const list = items.filter((r) => r.level === lv);
    return h('div', { class: 'risk-group', dataset: { level: String(lv) } },
      h('h3', null, levelBadge(lv), ` ${list.length} xã/phường`),
      list.length ? h('p', null, list.map((r) => r.unit_name).join(', ')) : h('p', { class: 'muted' }, 'Không có'));
  }));
}

export function renderRiskMap(ctx) {
  const { el, query, signal } = ctx;
  const state = { week: query.week || '', unit: query.unit || '' };
  const week = weekInput('risk-week', state.week);
  const picker = unitPicker({ id: 'risk-unit', depth: 2, mode: 'filter', value: state.unit, onChange: (code) => { state.unit = code; load(); } });
  const status = h('div', { id: 'risk-status', class: 'risk-status' });
  const body = h('div', { id: 'risk-body', class: 'risk-body', dataset: { state: 'loading' } }, loading());
  const xlsx = linkButton('Tải báo cáo XLSX', '#', 'btn');
  xlsx.id = 'risk-xlsx';
  const printBtn = button('In', { id: 'risk-print', onclick: () => window.print() });
  const publish = can('risk.write') ? button('Xác nhận và công bố tuần này', { id: 'risk-publish', class: 'btn btn-primary' }) : null;
  const links = h('p', { class: 'risk-links' },
    can('risk.write') ? h('a', { href: '#/levels/capacity' }, 'Bảng kiểm năng lực điều trị') : null,
    can('risk.write') ? ' · ' : null,
    h('a', { href: '#/levels/rules' }, 'Quy định áp dụng (Quyết định 4800, 218)'), ' · ',
    h('a', { href: `#/cap-do${qs({ unit: state.unit || ((session.user && session.user.unit_code) || '') })}`, id: 'risk-public-link' }, 'Bản đồ công khai'));

  el.classList.add('risk-page');
  const detach = () => el.classList.remove('risk-page');
  mount(el,
    pageHead('Cấp độ dịch', xlsx, printBtn, publish),
    h('p', { class: 'lead' }, 'Cấp độ dịch theo tuần của từng xã/phường: tiêu chí 1 (ca mắc mới tại cộng đồng/100.000 dân/tuần), tiêu chí 2 (độ bao phủ vắc xin), tiêu chí 3 (năng lực điều trị). Tuần chưa công bố là kết quả dự kiến.'),
    h('div', { class: 'toolbar filter-grid' }, field({ label: 'Tuần', id: 'risk-week', input: week }), picker.el || picker),
    links, status, body);

  let controller = null;
  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const my = controller;
    signal.addEventListener('abort', () => my.abort(), { once: true });
    body.dataset.state = 'loading';
    try {
      const params = { week: state.week, unit: state.unit };
      const [data, bounds] = await Promise.all([
        get('/api/risk/week', params, { signal: my.signal }),
        get('/api/risk/boundaries', {}, { signal: my.signal }),
      ]);
      if (my !== controller) return;
      state.week = data.week;
      week.value = data.week;
      history.replaceState(null, '', '#/levels' + qs({ week: data.week, unit: state.unit }));
      xlsx.href = '/api/risk/report.xlsx' + qs({ week: data.week, unit: state.unit });
      const items = data.items || [];
      const s = data.summary || {};
      const allPublished = items.length > 0 && s.published === items.length;
      mount(status, alertBox(allPublished ? 'success' : 'info',
        `Tuần ${data.week} (${data.monday.split('-').reverse().join('/')} – ${data.sunday.split('-').reverse().join('/')}): `,
        allPublished ? 'đã công bố.' : s.published ? `đã công bố ${s.published}/${items.length} xã/phường; còn lại là dự kiến.` : 'dự kiến (chưa công bố).'));
      if (!items.length) {
        mount(body, emptyState('Không có xã/phường nào có dân cư trong địa bàn.'));
      } else {
        mount(body,
          h('div', { class: 'risk-layout' },
            h('div', { class: 'risk-map', id: 'risk-map' }, drawRiskMap(items, bounds), legend(s)),
            h('div', { class: 'risk-table-box' }, dataTable(columns(), items, { id: 'risk-table', rowClass: 'risk-row', caption: 'Cấp độ dịch theo xã/phường' }))),
          perLevel(items));
        body.querySelectorAll('#risk-table tbody tr').forEach((tr, i) => {
          tr.dataset.code = items[i].unit_code;
          tr.dataset.level = String(items[i].level);
        });
      }
      body.dataset.state = 'ready';
      body.dataset.count = String(items.length);
    } catch (e) {
      if (isAbort(e)) return;
      body.dataset.state = 'error';
      showError(body, e);
    }
  }

  week.addEventListener('change', () => { if (/^\d{4}-W\d{2}$/.test(week.value)) { state.week = week.value; load(); } });
  if (publish) {
    publish.addEventListener('click', async () => {
      if (!confirm(`Xác nhận và công bố cấp độ dịch tuần ${state.week}?`)) return;
      publish.disabled = true;
      try {
        const r = await post('/api/risk/publish', { week: state.week, unit: state.unit });
        toast(`Đã công bố cấp độ dịch của ${r.published} xã/phường.`);
        load();
      } catch (e) {
        toast(e.message, 'error');
      } finally {
        publish.disabled = false;
      }
    });
  }
  load();
  return detach;
}
