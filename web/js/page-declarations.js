// page-declarations.js: "Khai báo y tế" for staff: today's figures, the declarations of the caller's
// scope with filters (dates, symptoms, unit) and keyset paging; plus the declarations section of a
// person's record (with their personal QR: issue a new one, revoke) and the dashboard's cards.
import { h, mount } from './dom.js';
import { get, post, del, isAbort } from './api.js';
import { can } from './session.js';
import { fmtDateTime, fmtNumber } from './format.js';
import { pageHead, dataTable, pager, loading, showError, emptyState, linkButton, field, button, alertBox, toast } from './ui.js';
import { unitPicker } from './unitpicker.js';
import {
  SYMPTOM_LABELS, EXPOSURE_LABELS, VIA_LABELS, KIND_LABELS, isoDay, fmtDay, qrCard,
} from './page-declare-common.js';

const PAGE = 50;

function symptomText(d) {
  return (d.symptoms || []).map((s) => SYMPTOM_LABELS[s] || s).join(', ');
}

function placesText(d) {
  return (d.places || []).map((p) => [fmtDay(p.date), p.place, p.unit_name].filter(Boolean).join(' · ')).join('; ');
}

export function declarationColumns({ person = true } = {}) {
  return [
    { label: 'Thời gian', class: 'col-nowrap', cell: (d) => fmtDateTime(d.declared_at) },
    person ? { label: 'Họ và tên', class: 'col-name', cell: (d) => (can('people.read')
      ? h('a', { href: `#/people/${encodeURIComponent(d.person_id)}` }, d.full_name) : d.full_name) } : null,
    person ? { label: 'Điện thoại', class: 'col-nowrap', cell: (d) => d.phone || '' } : null,
    { label: 'Nơi ở', class: 'col-address', cell: (d) => h('span', null, d.address || '',
      h('span', { class: 'cell-sub' }, [d.area_name, d.unit_name].filter(Boolean).join(', '))) },
    { label: 'Loại', cell: (d) => `${KIND_LABELS[d.kind] || d.kind} · ${VIA_LABELS[d.via] || d.via}` },
    { label: 'Triệu chứng', class: 'sym-list', cell: (d) => symptomText(d) || h('span', { class: 'muted' }, 'Không') },
    { label: 'Dịch tễ', cell: (d) => (d.exposures || []).map((x) => EXPOSURE_LABELS[x] || x).join(', ') },
    { label: 'Nơi đã đến', class: 'col-detail', cell: (d) => placesText(d) },
  ].filter(Boolean);
}

// Appends the declaration figures (GET /api/declarations/stats) to a .stat-grid; used by the dashboard.
export async function declareStatCards(grid, signal) {
  if (!grid) return;
  try {
    const s = await get('/api/declarations/stats', null, { signal });
    const link = can('declarations.read');
    const card = (key, label, sub, href, warn) => {
      const body = [h('span', { class: 'stat-label' }, label),
        h('span', { class: 'stat-value', dataset: { stat: key } }, fmtNumber(s[key])), h('span', { class: 'stat-sub' }, sub)];
      const cls = 'stat' + (warn && s[key] > 0 ? ' stat-warn' : '');
      return link ? h('a', { class: cls, href }, body) : h('div', { class: cls }, body);
    };
    grid.append(
      card('open_alerts', 'Cảnh báo chưa xử lý', 'Từ khai báo y tế, cần trạm y tế liên hệ', '#/alerts', true),
      card('declarations_today', 'Khai báo y tế hôm nay', 'Tờ khai đầy đủ và hằng ngày', '#/declarations'),
      card('symptoms_today', 'Khai báo có triệu chứng', 'Trong ngày hôm nay', '#/declarations?symptoms=1', true));
  } catch (e) {
    if (!isAbort(e)) grid.append(h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Khai báo y tế'), h('span', { class: 'stat-sub' }, e.message)));
  }
}

export function renderDeclarations(ctx) {
  const { el, query, signal } = ctx;
  const state = { from: query.from || isoDay(6), to: query.to || '', symptoms: query.symptoms === '1', unit: query.unit || '', before: 0, stack: [] };
  const from = h('input', { type: 'date', id: 'dl-from', value: state.from });
  const to = h('input', { type: 'date', id: 'dl-to', value: state.to });
  const sym = h('input', { type: 'checkbox', id: 'dl-symptoms', checked: state.symptoms });
  const picker = unitPicker({ id: 'dl-unit', value: state.unit, depth: 4, mode: 'filter', onChange: (code) => {
    state.unit = code === picker.root ? '' : code;
    restart();
  } });
  const stats = h('div', { class: 'stat-grid', id: 'declare-stats' });
  const results = h('div', { class: 'results', id: 'dl-results', dataset: { state: 'loading' } }, loading());
  let controller = null;

  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const my = controller;
    signal.addEventListener('abort', () => my.abort(), { once: true });
    results.dataset.state = 'loading';
    results.setAttribute('aria-busy', 'true');
    try {
      const data = await get('/api/declarations', { from: state.from, to: state.to, symptoms: state.symptoms ? 1 : '',
        unit: state.unit, before: state.before || '', limit: PAGE }, { signal: my.signal });
      if (my !== controller) return;
      const items = data.items || [];
      mount(results,
        items.length ? dataTable(declarationColumns(), items, { id: 'dl-table', rowClass: 'declaration-row', caption: 'Danh sách khai báo y tế' })
          : emptyState('Không có khai báo nào phù hợp.'),
        (state.stack.length || data.next) ? pager({
          hasPrev: state.stack.length > 0, hasNext: !!data.next, label: `Trang ${state.stack.length + 1}`,
          onPrev: () => { state.before = state.stack.pop() || 0; load(); },
          onNext: () => { state.stack.push(state.before); state.before = data.next; load(); },
        }) : null);
      results.dataset.state = 'ready';
      results.dataset.count = String(items.length);
    } catch (e) {
      if (isAbort(e)) return;
      results.dataset.state = 'error';
      showError(results, e);
    } finally {
      if (my === controller) results.removeAttribute('aria-busy');
    }
  }

  function restart() {
    state.before = 0;
    state.stack = [];
    const q = new URLSearchParams();
    if (state.from) q.set('from', state.from);
    if (state.to) q.set('to', state.to);
    if (state.symptoms) q.set('symptoms', '1');
    if (state.unit) q.set('unit', state.unit);
    history.replaceState(null, '', '#/declarations' + (q.toString() ? '?' + q : ''));
    load();
  }

  from.addEventListener('change', () => { state.from = from.value; restart(); });
  to.addEventListener('change', () => { state.to = to.value; restart(); });
  sym.addEventListener('change', () => { state.symptoms = sym.checked; restart(); });

  mount(el,
    pageHead('Khai báo y tế',
      can('declare.assist') ? linkButton('+ Khai báo hộ', '#/declarations/new', 'btn btn-primary') : null,
      linkButton('Cảnh báo cần xử lý', '#/alerts', 'btn'),
      linkButton('Vùng dịch', '#/outbreak-areas', 'btn btn-light'),
      h('a', { class: 'btn btn-light', href: '#/khai-bao', target: '_blank', rel: 'noopener' }, 'Trang khai báo cho người dân')),
    stats,
    h('section', { class: 'panel toolbar' },
      h('div', { class: 'grid grid-filters' },
        field({ label: 'Từ ngày', id: 'dl-from', input: from }),
        field({ label: 'Đến ngày', id: 'dl-to', input: to }),
        h('label', { class: 'choice' }, sym, h('span', null, 'Chỉ khai báo có triệu chứng'))),
      h('details', { class: 'filters', open: !!state.unit }, h('summary', null, 'Lọc theo địa bàn'), picker.el)),
    results);
  declareStatCards(stats, signal);
  load();
}

// The declarations and personal QR of one person, for the person page (GET /api/declarations?person=).
export function personDeclarations(person, signal) {
  const list = h('div', { id: 'person-declarations', dataset: { state: 'loading' } }, loading());
  const qrBox = h('div', { id: 'person-qr' });
  const section = h('section', { class: 'panel' }, h('h2', null, 'Khai báo y tế'),
    can('declare.assist') ? h('div', { class: 'page-actions' },
      linkButton('Khai báo hộ', `#/declarations/new?person=${encodeURIComponent(person.id)}`, 'btn btn-primary')) : null,
    list, qrBox);
  if (can('declarations.read')) {
    get('/api/declarations', { person: person.id, limit: 20 }, { signal }).then((d) => {
      const items = d.items || [];
      mount(list, items.length ? dataTable(declarationColumns({ person: false }), items, { id: 'person-declarations-table' })
        : emptyState('Chưa có khai báo y tế nào.'));
      list.dataset.state = 'ready';
    }).catch((e) => showError(list, e));
  } else {
    mount(list);
  }
  if (can('declare.assist')) personQr(person, qrBox, signal);
  return section;
}

function personQr(person, box, signal) {
  const status = h('p', { id: 'person-qr-status' }, loading());
  const shown = h('div', { id: 'person-qr-shown' });
  const refresh = () => get(`/api/people/${encodeURIComponent(person.id)}/token`, null, { signal }).then((t) => {
    mount(status, t.live ? `Đang có ${t.live} mã QR cá nhân còn hiệu lực (cấp gần nhất ${fmtDateTime(t.last_issued_at)}).`
      : 'Chưa có mã QR cá nhân còn hiệu lực.');
  }).catch((e) => showError(status, e));
  const issue = button('Cấp mã QR mới', { class: 'btn', id: 'person-qr-issue', onclick: async () => {
    if (!confirm('Cấp mã QR mới? Các mã cũ của người này sẽ không dùng được nữa.')) return;
    try {
      const r = await post(`/api/people/${encodeURIComponent(person.id)}/token`);
      mount(shown, qrCard({ svg: r.qr_svg, token: r.token, display: r.token_display, name: person.full_name,
        note: 'Đưa hoặc in mã này cho người dân. Mã cũ đã bị thu hồi.' }));
      toast('Đã cấp mã QR mới.');
      refresh();
    } catch (e) { mount(shown, alertBox('error', e.message)); }
  } });
  const revoke = button('Thu hồi mọi mã QR', { class: 'btn btn-light', id: 'person-qr-revoke', onclick: async () => {
    if (!confirm('Thu hồi mọi mã QR cá nhân của người này?')) return;
    try {
      const r = await del(`/api/people/${encodeURIComponent(person.id)}/token`);
      mount(shown);
      toast(`Đã thu hồi ${r.revoked} mã.`);
      refresh();
    } catch (e) { mount(shown, alertBox('error', e.message)); }
  } });
  mount(box, h('h3', null, 'Mã QR cá nhân'), status, h('div', { class: 'form-actions' }, issue, revoke), shown);
  refresh();
}
