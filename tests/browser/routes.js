// tests/browser/routes.js: the routes of the capabilities not built yet, with their menu labels.
export const SOON_ROUTES = [
  ['/support', 'Hỗ trợ'],
  ['/forecast', 'Dự báo'],
];
