// tests/browser/routes.js: the routes of the capabilities not built yet, with their menu labels.
export const SOON_ROUTES = [
  ['/quarantine', 'Cách ly'],
  ['/treatment', 'Điều trị'],
  ['/vaccination', 'Tiêm chủng'],
  ['/levels', 'Cấp độ dịch'],
  ['/directives', 'Văn bản chỉ đạo'],
  ['/support', 'Hỗ trợ'],
  ['/forecast', 'Dự báo'],
];
