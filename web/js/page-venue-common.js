// page-venue-common.js: shared by the venue and check-in pages: kind labels, the pages' own stylesheet
// (css/venues.css), time formats and the check-in list table.
import { h } from './dom.js';
import { fmtDateTime } from './format.js';
import { dataTable } from './ui.js';

export const KINDS = [
  ['market', 'Chợ', 60],
  ['supermarket', 'Siêu thị, cửa hàng', 60],
  ['bus_station', 'Bến xe, nhà ga', 60],
  ['school', 'Trường học', 480],
  ['hospital', 'Bệnh viện, cơ sở y tế', 180],
  ['office', 'Cơ quan, văn phòng', 540],
  ['factory', 'Nhà máy, xí nghiệp', 600],
  ['restaurant', 'Nhà hàng, quán ăn', 90],
  ['accommodation', 'Cơ sở lưu trú', 720],
  ['religious', 'Cơ sở tôn giáo', 120],
  ['sports', 'Thể thao, giải trí', 120],
  ['other', 'Khác', 120],
];
export const KIND_LABELS = Object.fromEntries(KINDS.map(([k, l]) => [k, l]));

// The localStorage key of the personal QR token, written by the declaration page.
export const TOKEN_KEY = 'phongdich.personalToken';


// "1 giờ 30 phút" from minutes.
export function fmtMinutes(m) {
  const n = Number(m) || 0;
  const hours = Math.floor(n / 60);
  const mins = n % 60;
  if (!hours) return `${mins} phút`;
  return mins ? `${hours} giờ ${mins} phút` : `${hours} giờ`;
}

// "08:30" from an ISO time with offset, as written (Vietnam time).
export function fmtClock(v) {
  const m = /T(\d{2}):(\d{2})/.exec(String(v || ''));
  return m ? `${m[1]}:${m[2]}` : '';
}

function outCell(c) {
  if (!c.out_at) return h('span', { class: 'badge badge-in' }, 'Đang ở');
  return h('span', null, fmtDateTime(c.out_at), c.auto_out ? h('span', { class: 'cell-sub' }, 'tự động') : null);
}

// The table of visits; withVenue: a person's list (venue column), else a venue's (person column).
export function checkinTable(items, { withVenue, id }) {
  const cols = [
    withVenue
      ? { label: 'Địa điểm', class: 'col-name', cell: (c) => h('span', null, h('a', { href: `#/venues/${c.venue_id}` }, c.venue_name), h('span', { class: 'cell-sub' }, c.venue_unit_name)) }
      : { label: 'Người đến', class: 'col-name', cell: (c) => h('span', null, h('a', { href: `#/people/${c.person_id}` }, c.full_name), h('span', { class: 'cell-sub' }, [c.birth_date ? c.birth_date.slice(0, 4) : '', c.person_unit_name].filter(Boolean).join(' · '))) },
    { label: 'Điện thoại', class: 'col-nowrap', cell: (c) => (withVenue ? '' : c.phone) },
    { label: 'Giờ vào', class: 'col-nowrap', cell: (c) => fmtDateTime(c.in_at) },
    { label: 'Giờ ra', class: 'col-nowrap', cell: outCell },
    { label: 'Cách ghi', cell: (c) => (c.by_staff ? 'Nhân viên quét' : 'Tự quét') },
  ].filter((c) => !(withVenue && c.label === 'Điện thoại'));
  return dataTable(cols, items, { id, rowClass: 'checkin-row', caption: 'Danh sách lượt check-in' });
}
