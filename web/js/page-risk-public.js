// page-risk-public.js: the public map of published risk levels (#/cap-do?unit=CODE&week=YYYY-Www), no
// account needed: a province and district chosen from the public unit list, the latest published week
// (or the one asked for), every published commune coloured by its level with a table beside it. Only
// what officials published is shown; a week not published yet says so.
import { h, mount } from './dom.js';
import { get, qs, isAbort } from './api.js';
import { loading, showError, emptyState, dataTable, field, alertBox } from './ui.js';
import { drawRiskMap } from './page-risk-draw.js';
import { LEVEL_NAMES, levelBadge, fmtRate } from './page-risk-common.js';

function unitSelect(id, label) {
  const sel = h('select', { id }, h('option', { value: '' }, '— Chọn —'));
  return { sel, el: field({ label, id, input: sel }) };
}

async function fill(sel, parent, value) {
  const data = await get('/api/public/units', parent ? { parent } : {});
  mount(sel, h('option', { value: '' }, '— Chọn —'), (data.items || []).map((u) => h('option', { value: u.code }, u.name)));
  sel.value = value || '';
}

export function renderRiskPublic(ctx) {
  const { el, query, signal } = ctx;
  const state = { unit: query.unit || '', week: query.week || '' };
  const province = unitSelect('public-risk-province', 'Tỉnh/thành phố');
  const district = unitSelect('public-risk-district', 'Quận/huyện');
  const body = h('div', { id: 'public-risk-body', class: 'risk-page', dataset: { state: 'idle' } });
  mount(el, h('main', { class: 'main main-plain risk-page' },
    h('h1', null, 'Cấp độ dịch COVID-19 đã công bố'),
    h('p', { class: 'lead' }, 'Cấp độ dịch theo tuần của từng xã/phường do cơ quan y tế công bố (Nghị quyết 128/NQ-CP).'),
    h('div', { class: 'toolbar filter-grid' }, province.el, district.el),
    body));

  async function load() {
    if (!state.unit) { mount(body, emptyState('Chọn tỉnh hoặc huyện để xem cấp độ dịch.')); return null; }
    body.dataset.state = 'loading';
    mount(body, loading());
    try {
      const data = await get('/api/public/risk', { unit: state.unit, week: state.week }, { signal });
      history.replaceState(null, '', '#/cap-do' + qs({ unit: state.unit, week: state.week }));
      const items = data.items || [];
      if (!items.length) {
        mount(body, alertBox('info', data.week ? `Tuần ${data.week} chưa được công bố.` : 'Chưa có tuần nào được công bố cho địa bàn này.'));
      } else {
        const per = { 1: 0, 2: 0, 3: 0, 4: 0 };
        for (const r of items) per[r.level] += 1;
        mount(body,
          h('p', { id: 'public-risk-week' }, `Tuần ${data.week}: đã công bố.`),
          h('div', { class: 'risk-layout' },
            h('div', { class: 'risk-map', id: 'risk-map' }, drawRiskMap(items, { districts: data.districts }),
              h('ul', { class: 'risk-legend' }, [1, 2, 3, 4].map((lv) => h('li', null, h('span', { class: `risk-swatch risk-l${lv}` }), `${LEVEL_NAMES[lv]}: ${per[lv]}`)))),
            dataTable([
              { label: 'Xã/phường', class: 'col-name', cell: (r) => r.unit_name },
              { label: 'Ca/100.000/tuần', class: 'num', cell: (r) => fmtRate(r.rate) },
              { label: 'Cấp độ', cell: (r) => levelBadge(r.level) },
              { label: 'Lý do', class: 'col-detail', cell: (r) => r.reason },
            ], items, { id: 'public-risk-table', caption: 'Cấp độ dịch đã công bố' })));
      }
      body.dataset.state = 'ready';
      return data;
    } catch (e) {
      if (isAbort(e)) return null;
      body.dataset.state = 'error';
      showError(body, e);
      return null;
    }
  }

  province.sel.addEventListener('change', async () => {
    state.unit = province.sel.value;
    await fill(district.sel, province.sel.value, '');
    load();
  });
  district.sel.addEventListener('change', () => { state.unit = district.sel.value || province.sel.value; load(); });
  (async () => {
    try {
      await fill(province.sel, '', '');
      const data = await load();
      if (data && data.unit) { // the selects follow the unit asked for
        province.sel.value = data.unit.province_code;
        if (data.unit.level >= 2) await fill(district.sel, data.unit.province_code, data.unit.district_code);
      }
    } catch (e) {
      if (!isAbort(e)) showError(body, e);
    }
  })();
}
