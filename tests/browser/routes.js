// tests/browser/routes.js: the routes of the capabilities not built yet, with their menu labels.
export const SOON_ROUTES = [
  ['/levels', 'Cấp độ dịch'],
  ['/support', 'Hỗ trợ'],
  ['/forecast', 'Dự báo'],
];
