// nav.js: the navigation menu: every capability of the system, with the permission each one needs.
// Capabilities not built yet are listed too and open a page that says so; a capability's own file
// (feature-*.js) adds its entries, which replace the placeholder with the same path.
import * as LAB from './feature-lab.js';
import * as QUARANTINE from './feature-quarantine.js';
import * as VACCINATION from './feature-vaccination.js';
import * as RISK from './feature-risk.js';
import * as DIRECTIVES from './feature-directives.js';

export const FEATURES = [LAB, QUARANTINE, VACCINATION, RISK, DIRECTIVES];
const BUILT = FEATURES.flatMap((f) => f.NAV_ITEMS);
const builtPaths = new Set(BUILT.map((i) => i.path));

export const NAV = [
  {
    group: 'Quản lý dân cư',
    items: [
      { path: '/', label: 'Tổng quan' },
      { path: '/people', label: 'Dân cư', perm: 'people.read' },
      { path: '/households', label: 'Hộ gia đình', perm: 'people.read' },
      { path: '/units', label: 'Đơn vị hành chính', perm: 'units.read' },
      { path: '/import', label: 'Nhập dữ liệu', perm: 'people.import' },
    ],
  },
  {
    group: 'Phòng chống dịch',
    items: [
      { path: '/declarations', label: 'Khai báo y tế', perm: 'declarations.read' },
      { path: '/alerts', label: 'Cảnh báo cần xử lý', perm: 'declarations.read' },
      { path: '/outbreak-areas', label: 'Vùng dịch', perm: 'units.read' },
      { path: '/venues', label: 'Địa điểm & mã QR', perm: 'venues.read' },
      { path: '/scan', label: 'Quét mã khách', perm: 'checkin.scan' },
      { path: '/stays', label: 'Lưu trú người nước ngoài', perm: 'stays.read' },
      { path: '/stays/new', label: 'Đăng ký khách lưu trú', perm: 'stays.write' },
      { path: '/ingest', label: 'Nhận dữ liệu', perm: 'ingest' },
      { path: '/cases', label: 'Ca bệnh F0', perm: 'cases.read' },
      { path: '/chains', label: 'Chuỗi lây nhiễm', perm: 'cases.read' },
      { path: '/handoff', label: 'Danh sách F1, F2', perm: 'cases.read' },
      { path: '/lockdown', label: 'Đề xuất phong toả', perm: 'trace' },
      ...BUILT,
      { path: '/testing', label: 'Xét nghiệm', perm: 'people.read', soon: true,
        about: 'Lập danh sách, ghi nhận kết quả xét nghiệm nhanh và RT-PCR.' },
      { path: '/quarantine', label: 'Cách ly', perm: 'people.read', soon: true,
        about: 'Quản lý cách ly tại nhà, cách ly tập trung và thời hạn cách ly.' },
      { path: '/treatment', label: 'Điều trị', perm: 'people.read', soon: true,
        about: 'Theo dõi điều trị F0 tại nhà và tại cơ sở y tế.' },
      { path: '/vaccination', label: 'Tiêm chủng', perm: 'people.read', soon: true,
        about: 'Theo dõi tiêm chủng vắc xin COVID-19 theo mũi tiêm và đối tượng.' },
      { path: '/levels', label: 'Cấp độ dịch', perm: 'units.read', soon: true,
        about: 'Đánh giá và công bố cấp độ dịch theo từng đơn vị hành chính.' },
      { path: '/directives', label: 'Văn bản chỉ đạo', soon: true,
        about: 'Tra cứu văn bản chỉ đạo, hướng dẫn phòng chống dịch của các cấp.' },
      { path: '/support', label: 'Hỗ trợ', perm: 'people.read', soon: true,
        about: 'Quản lý hỗ trợ an sinh cho người dân bị ảnh hưởng bởi dịch.' },
      { path: '/forecast', label: 'Dự báo', perm: 'units.read', soon: true,
        about: 'Dự báo diễn biến dịch từ số liệu ca bệnh và tiêm chủng.' },
    ],
  },
  {
    group: 'Hệ thống',
    items: [
      { path: '/audit', label: 'Nhật ký truy cập', perm: 'audit.read' },
      { path: '/users', label: 'Tài khoản', perm: 'users.manage' },
    ],
  },
];

for (const g of NAV) g.items = g.items.filter((i) => !(i.soon && builtPaths.has(i.path)));

export const SOON = NAV.flatMap((g) => g.items).filter((i) => i.soon);
