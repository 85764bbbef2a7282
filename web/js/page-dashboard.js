// page-dashboard.js: "Tổng quan": the figures of /api/stats for the user's scope and quick links; the card
// of quarantine and treatment capacity (beds used and free today, the 7- and 14-day projection).
import { h, mount } from './dom.js';
import { get } from './api.js';
import { session, can } from './session.js';
import { fmtNumber, roleLabel } from './format.js';
import { pageHead, loading, showError, linkButton } from './ui.js';
import { declareStatCards } from './page-declarations.js';

// [key in /api/stats, label, note, link, permission for the link]. The server may name the unit count
// units_in_scope (docs/api.md) or communes.
const CARDS = [
  ['people', 'Nhân khẩu', 'Người dân trong phạm vi quản lý', '#/people', 'people.read'],
  ['households', 'Hộ gia đình', 'Hộ đã đăng ký', '#/households', 'people.read'],
  ['units_in_scope', 'Đơn vị hành chính', 'Tỉnh, huyện, xã trong phạm vi', '#/units', 'units.read'],
  ['communes', 'Xã, phường, thị trấn', 'Đơn vị cấp xã trong phạm vi', '#/units', 'units.read'],
  ['areas', 'Thôn, bản, tổ dân phố', 'Địa bàn dưới cấp xã', '#/units', 'units.read'],
];

export async function renderDashboard(ctx) {
  const { el, signal } = ctx;
  const user = session.user;
  const stats = h('div', { class: 'stat-grid', id: 'stats' }, loading('Đang tải số liệu…'));
  const capacity = can('quarantine.read') || can('care.read') ? h('section', { class: 'panel', id: 'capacity-card' }, loading()) : null;
  if (capacity) capacityCard(capacity, signal);
  const quick = [
    can('people.read') ? linkButton('Tìm người dân', '#/people', 'btn btn-primary') : null,
    can('people.write') ? linkButton('Thêm nhân khẩu', '#/people/new', 'btn') : null,
    can('people.import') ? linkButton('Nhập dữ liệu từ tệp', '#/import', 'btn') : null,
    can('units.read') ? linkButton('Xem đơn vị hành chính', '#/units', 'btn') : null,
    can('alerts.act') ? linkButton('Cảnh báo cần xử lý', '#/alerts', 'btn') : null,
    can('checkin.scan') ? linkButton('Quét mã QR của khách', '#/scan', can('people.read') ? 'btn' : 'btn btn-primary') : null,
    can('stays.read') || can('stays.write') ? linkButton('Khách nước ngoài lưu trú', '#/stays', 'btn') : null,
  ].filter(Boolean);
  mount(el,
    pageHead('Tổng quan'),
    h('p', { class: 'lead' }, 'Xin chào ', h('strong', null, user.display_name || user.username), '. Vai trò: ',
      roleLabel(user.role), '. Phạm vi quản lý: ', h('strong', null, user.unit_name || 'Toàn quốc'), '.'),
    stats,
    capacity,
    quick.length ? h('section', { class: 'panel' }, h('h2', null, 'Thao tác nhanh'), h('div', { class: 'quick' }, quick)) : null);
  try {
    const s = await get('/api/stats', null, { signal });
    mount(stats, CARDS.filter(([key]) => key in s).map(([key, label, sub, href, perm]) => {
      const body = [h('span', { class: 'stat-label' }, label),
        h('span', { class: 'stat-value', dataset: { stat: key } }, fmtNumber(s[key])),
        h('span', { class: 'stat-sub' }, sub)];
      return can(perm) ? h('a', { class: 'stat', href }, body) : h('div', { class: 'stat' }, body);
    }));
    if (can('units.read') || can('declarations.read')) declareStatCards(stats, signal); // declarations, alerts
  } catch (e) {
    showError(stats, e);
  }
}

// Beds of quarantine sites and treatment facilities in scope: used / total today, free, and the straight
// line of the last 7 days' admissions minus releases carried 7 and 14 days on (docs/quarantine.md).
async function capacityCard(box, signal) {
  try {
    const c = await get('/api/quarantine/capacity', null, { signal });
    const g = c.groups;
    const tile = (key, label, x, href) => {
      const used = x.used + (x.icu_used || 0);
      return h('a', { class: 'stat', href, dataset: { capacity: key } },
        h('span', { class: 'stat-label' }, label),
        h('span', { class: 'stat-value' }, `${fmtNumber(used)} / ${fmtNumber(x.beds)}`),
        h('span', { class: 'stat-sub' }, x.projected_7 !== undefined
          ? `Còn trống ${fmtNumber(Math.max(0, x.beds - used))} · dự báo 7 ngày ${fmtNumber(x.projected_7)}, 14 ngày ${fmtNumber(x.projected_14)}`
          : `Còn trống ${fmtNumber(Math.max(0, x.beds - used))}${x.icu_beds ? ` · ICU ${x.icu_used}/${x.icu_beds}` : ''}`));
    };
    mount(box, h('h2', null, 'Công suất cách ly, điều trị (giường đang dùng / tổng)'), h('div', { class: 'stat-grid' },
      tile('quarantine', 'Cách ly tập trung, khách sạn', g.quarantine, '#/quarantine?tab=facilities'),
      tile('treatment', 'Điều trị (tất cả tầng)', g.treatment, '#/treatment'),
      tile('tier1', 'Tầng 1', g.tier1, '#/treatment'),
      tile('tier2', 'Tầng 2', g.tier2, '#/treatment'),
      tile('tier3', 'Tầng 3', g.tier3, '#/treatment')));
  } catch (e) {
    showError(box, e);
  }
}
