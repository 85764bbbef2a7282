// page-venue.js: one venue (#/venues/ID): its details, the A4 QR poster (preview, PNG/PDF/SVG
// downloads), links to edit it and to scan visitors, and its check-ins by day for officials
// (checkins.read), newest first with keyset paging.
import { h, mount } from './dom.js';
import { get, isAbort } from './api.js';
import { can } from './session.js';
import { fmtDateTime } from './format.js';
import { pageHead, details, loading, showError, linkButton, emptyState, pager } from './ui.js';
import { fmtMinutes, checkinTable } from './page-venue-common.js';

// Today in Vietnam as YYYY-MM-DD.
export function todayVN() {
  return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

function posterBlock(v) {
  const base = encodeURIComponent(location.origin);
  const url = (fmt, download) => `/api/venues/${v.id}/poster.${fmt}?base=${base}${download ? '' : '&download=0'}`;
  return h('section', { class: 'panel', id: 'venue-poster' }, h('h2', null, 'Áp phích mã QR (khổ A4)'),
    h('img', { class: 'poster-preview', src: url('svg', false), alt: `Áp phích mã QR của ${v.name}`, width: '360', height: '509' }),
    h('div', { class: 'poster-links' },
      h('a', { class: 'btn btn-primary', href: url('pdf', true), id: 'poster-pdf', download: '' }, 'Tải PDF để in'),
      h('a', { class: 'btn btn-light', href: url('png', true), id: 'poster-png', download: '' }, 'Tải ảnh PNG'),
      h('a', { class: 'btn btn-light', href: url('svg', true), id: 'poster-svg', download: '' }, 'Tải SVG')),
    h('p', { class: 'hint' }, 'Mã QR dẫn tới trang check-in: ', h('span', { class: 'venue-code' }, location.origin + v.checkin_path)));
}

function checkinsBlock(v, signal) {
  const day = h('input', { type: 'date', id: 'venue-day', value: todayVN(), 'aria-label': 'Ngày' });
  const list = h('div', { class: 'results', id: 'venue-checkins', dataset: { state: 'loading' } }, loading());
  const state = { before: '', stack: [] };
  async function load() {
    list.dataset.state = 'loading';
    try {
      const data = await get(`/api/venues/${v.id}/checkins`, { from: day.value, to: day.value, before: state.before, limit: 50 }, { signal });
      const items = data.items || [];
      mount(list,
        items.length ? checkinTable(items, { withVenue: false, id: 'venue-checkins-table' })
          : emptyState('Không có lượt check-in nào trong ngày này.'),
        (state.stack.length || data.next) ? pager({ hasPrev: state.stack.length > 0, hasNext: !!data.next,
          onPrev: () => { state.before = state.stack.pop() || ''; load(); },
          onNext: () => { state.stack.push(state.before); state.before = data.next; load(); } }) : null);
      list.dataset.state = 'ready';
      list.dataset.count = String(items.length);
    } catch (e) {
      if (isAbort(e)) return;
      list.dataset.state = 'error';
      showError(list, e);
    }
  }
  day.addEventListener('change', () => { state.before = ''; state.stack = []; load(); });
  load();
  return h('section', { class: 'panel' }, h('h2', null, 'Lượt check-in'),
    h('div', { class: 'toolbar-row' }, h('label', { for: 'venue-day' }, 'Ngày: '), day), list);
}

export async function renderVenue(ctx) {
  const { el, params, signal } = ctx;
  mount(el, pageHead('Địa điểm'), loading());
  let v;
  try {
    v = (await get('/api/venues/' + encodeURIComponent(params.id), null, { signal })).venue;
  } catch (e) {
    showError(el, e);
    el.prepend(pageHead('Địa điểm'), h('p', null, h('a', { href: '#/venues' }, '← Danh sách địa điểm')));
    return;
  }
  mount(el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/venues' }, 'Địa điểm'), ' › ', v.name),
    pageHead(v.name,
      can('checkin.scan') && !v.closed ? linkButton('Quét mã khách', `#/venues/${v.id}/scan`, 'btn btn-primary') : null,
      can('venues.write') ? linkButton('Sửa', `#/venues/${v.id}/edit`, 'btn') : null),
    v.closed ? h('div', { class: 'alert alert-warning', role: 'status' }, `Địa điểm đã đóng từ ${fmtDateTime(v.closed_at)}; không nhận check-in.`) : null,
    h('div', { class: 'cols', id: 'venue-detail', dataset: { id: String(v.id), code: v.public_code } },
      h('section', { class: 'panel' }, h('h2', null, 'Thông tin'), details([
        ['Loại địa điểm', v.kind_label],
        ['Xã/phường', v.unit_name],
        ['Thôn/tổ dân phố', v.area_name],
        ['Địa chỉ', v.address],
        ['Người phụ trách', v.responsible_name],
        ['Điện thoại', v.responsible_phone],
        ['Tự động check-out sau', fmtMinutes(v.stay_minutes) + (v.default_stay_minutes ? '' : ' (theo loại địa điểm)')],
        ['Mã địa điểm', h('span', { class: 'venue-code' }, v.public_code)],
      ])),
      posterBlock(v)),
    can('checkins.read') ? checkinsBlock(v, signal) : null);
}
