// feature-vaccination.js: the menu entries and hash routes of this capability, gathered by nav.js and main.js.
// Vaccination (docs/vaccination.md): coverage (aggregates, readable with risk.read), recording doses, work lists
// and invitations, sessions, the national platform's import.
import { renderVaccCoverage } from './page-vaccination-coverage.js';
import { renderVaccRecord } from './page-vaccination-record.js';
import { renderVaccLists } from './page-vaccination-lists.js';
import { renderVaccSessions } from './page-vaccination-sessions.js';
import { renderVaccImport } from './page-vaccination-import.js';

export const NAV_ITEMS = [
  { path: '/vaccination', label: 'Tiêm chủng', perm: 'risk.read' },
];
export const ROUTES = [
  { path: '/vaccination', page: renderVaccCoverage, perm: 'risk.read' },
  { path: '/vaccination/record', page: renderVaccRecord, perm: 'vaccination.read' },
  { path: '/vaccination/lists', page: renderVaccLists, perm: 'vaccination.read' },
  { path: '/vaccination/sessions', page: renderVaccSessions, perm: 'vaccination.read' },
  { path: '/vaccination/import', page: renderVaccImport, perm: 'vaccination.write' },
];
