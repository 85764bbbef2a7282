// page-risk-rules.js: "Quy định cấp độ dịch" (#/levels/rules): the rule sets as stored data rows
// (Decision 4800 with the 65+ and 50+ elderly conditions, Decision 218), each with its legal basis,
// effective dates and thresholds; a province account (or admin) adjusts a row's thresholds, which
// makes the province's own copy; and imports its commune boundaries (GeoJSON keyed by commune code)
// for a true choropleth on the map.
import { h, mount } from './dom.js';
import { get, put, request, isAbort } from './api.js';
import { session } from './session.js';
import { pageHead, loading, showError, field, button, toast, alertBox } from './ui.js';
import { fmtPct } from './page-risk-common.js';

function mayAdjust() {
  const u = session.user || {};
  return (u.permissions || []).includes('risk.write') && (u.role === 'admin' || u.role === 'province');
}

function ruleCard(r, reload) {
  const num = (key, value, step) => h('input', { type: 'number', id: `rule-${r.id}-${key}`, value: String(value), step: step || 'any' });
  const inputs = {
    band2_min: num('band2_min', r.band2_min), band3_min: num('band3_min', r.band3_min), band4_min: num('band4_min', r.band4_min),
    coverage_min: num('coverage_min', r.coverage_min, '0.01'), elderly_age: num('elderly_age', r.elderly_age, '1'),
    elderly_min: num('elderly_min', r.elderly_min, '0.01'),
  };
  const save = button('Lưu điều chỉnh', { class: 'btn btn-primary', id: `rule-${r.id}-save` });
  save.addEventListener('click', async () => {
    const body = {};
    for (const [k, inp] of Object.entries(inputs)) body[k] = Number(inp.value);
    save.disabled = true;
    try {
      await put(`/api/risk/rules/${r.id}`, body);
      toast('Đã lưu điều chỉnh quy định cho tỉnh.');
      reload();
    } catch (e) {
      toast(e.message, 'error');
    } finally {
      save.disabled = false;
    }
  });
  const scopeText = r.province_code ? `Điều chỉnh của tỉnh (mã ${r.province_code})` : 'Quy định chung';
  return h('section', { class: 'panel risk-rule', dataset: { id: String(r.id), code: r.code } },
    h('h2', null, r.name),
    h('p', null, `${scopeText}; áp dụng từ ${r.effective_from}${r.effective_to ? ` đến ${r.effective_to}` : ''}.`),
    h('p', { class: 'muted' }, r.legal_basis),
    r.is_default ? alertBox('info', 'Mặc định có thể điều chỉnh: ', r.note) : (r.note ? h('p', null, r.note) : null),
    h('ul', null,
      h('li', null, `Tiêu chí 1 (ca/100.000 dân/tuần): mức 1 < ${r.band2_min}; mức 2 từ ${r.band2_min}; mức 3 từ ${r.band3_min}; mức 4 từ ${r.band4_min}.`),
      h('li', null, `Tiêu chí 2: ${r.coverage_measure === 'full_all' ? 'dân số tiêm đủ liều' : 'người từ 18 tuổi tiêm ít nhất 1 mũi'} ≥ ${fmtPct(r.coverage_min)} và người từ ${r.elderly_age} tuổi tiêm đủ liều ≥ ${fmtPct(r.elderly_min)}.`),
      h('li', null, `Không có ca cộng đồng trong ${r.quiet_days} ngày: cấp 1. ${r.c3_no_lower ? 'Tiêu chí 3 chưa đạt: không hạ cấp so với tuần trước.' : ''}`)),
    mayAdjust() ? h('div', { class: 'form-grid risk-rule-form' },
      field({ label: 'Ngưỡng mức 2', id: `rule-${r.id}-band2_min`, input: inputs.band2_min }),
      field({ label: 'Ngưỡng mức 3', id: `rule-${r.id}-band3_min`, input: inputs.band3_min }),
      field({ label: 'Ngưỡng mức 4', id: `rule-${r.id}-band4_min`, input: inputs.band4_min }),
      field({ label: 'Tỷ lệ bao phủ tối thiểu (0–1)', id: `rule-${r.id}-coverage_min`, input: inputs.coverage_min }),
      field({ label: 'Tuổi người cao tuổi', id: `rule-${r.id}-elderly_age`, input: inputs.elderly_age }),
      field({ label: 'Tỷ lệ người cao tuổi tiêm đủ (0–1)', id: `rule-${r.id}-elderly_min`, input: inputs.elderly_min }),
      save) : null);
}

function boundaryImport() {
  const file = h('input', { type: 'file', id: 'risk-boundary-file', accept: '.geojson,.json,application/geo+json,application/json' });
  const send = button('Nhập ranh giới xã', { class: 'btn', id: 'risk-boundary-send' });
  send.addEventListener('click', async () => {
    if (!file.files.length) { toast('Chưa chọn tệp GeoJSON', 'error'); return; }
    send.disabled = true;
    try {
      const text = await file.files[0].text();
      const r = await request('POST', '/api/risk/boundaries', { body: JSON.parse(text) });
      toast(`Đã nhập ranh giới của ${r.imported} xã/phường.`);
    } catch (e) {
      toast(e.message, 'error');
    } finally {
      send.disabled = false;
    }
  });
  return h('section', { class: 'panel' }, h('h2', null, 'Ranh giới xã/phường'),
    h('p', null, 'Tệp GeoJSON FeatureCollection, mỗi đối tượng có properties.code là mã xã (5 chữ số) và hình Polygon/MultiPolygon (tối đa 1 MB). Khi có ranh giới, bản đồ tô màu đúng hình xã thay cho ô vuông.'),
    field({ label: 'Tệp GeoJSON', id: 'risk-boundary-file', input: file }), send);
}

export function renderRiskRules(ctx) {
  const { el, signal } = ctx;
  const body = h('div', { id: 'risk-rules', dataset: { state: 'loading' } }, loading());
  mount(el, pageHead('Quy định cấp độ dịch'), h('p', null, h('a', { href: '#/levels' }, '← Cấp độ dịch')), body);
  async function load() {
    try {
      const data = await get('/api/risk/rules', {}, { signal });
      mount(body, ...(data.items || []).map((r) => ruleCard(r, load)), mayAdjust() ? boundaryImport() : null);
      body.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      showError(body, e);
    }
  }
  load();
}
