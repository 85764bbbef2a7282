// page-vaccination-common.js: what the vaccination pages share: the tab bar, labels of products, dose kinds and
// priority groups (fetched once), percentages, and the local day.
import { h } from './dom.js';
import { get } from './api.js';
import { can } from './session.js';

export const TABS = [
  ['/vaccination', 'Độ bao phủ', null],
  ['/vaccination/record', 'Ghi nhận mũi tiêm', 'vaccination.read'],
  ['/vaccination/lists', 'Danh sách cần tiêm', 'vaccination.read'],
  ['/vaccination/sessions', 'Buổi tiêm', 'vaccination.read'],
  ['/vaccination/import', 'Nhập từ nền tảng tiêm chủng', 'vaccination.write'],
];


// The tab bar of the vaccination pages; current is the path of the page shown.
export function vaccTabs(current) {
  return h('nav', { class: 'vacc-tabs', 'aria-label': 'Tiêm chủng' },
    TABS.filter(([, , perm]) => !perm || can(perm)).map(([path, label]) => h('a', {
      class: path === current ? 'btn btn-primary btn-small' : 'btn btn-light btn-small',
      href: `#${path}`, 'aria-current': path === current ? 'page' : null,
    }, label)));
}

export const KIND_LABELS = { primary: 'Cơ bản', booster: 'Nhắc lại', additional: 'Bổ sung' };

export const todayLocal = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);

export function vnDay(iso) {
  return iso && iso.length === 10 ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : (iso || '');
}

export function pct(part, whole) {
  if (!whole) return '—';
  return `${(Math.round((1000 * part) / whole) / 10).toLocaleString('vi-VN')} %`;
}

let refs = null;
// Products and priority groups: {products: [...], groups: [...], productName(code), groupName(code)}.
export async function vaccRefs(signal) {
  if (refs) return refs;
  const [p, g] = await Promise.all([get('/api/vaccination/products', null, { signal }),
    get('/api/vaccination/groups', null, { signal })]);
  const pn = Object.fromEntries(p.items.map((x) => [x.code, x.name]));
  const gn = Object.fromEntries(g.items.map((x) => [x.code, x.name]));
  refs = { products: p.items, groups: g.items, productName: (c) => pn[c] || c, groupName: (c) => gn[c] || c };
  return refs;
}
