// feature-quarantine.js: the menu entries and hash routes of this capability, gathered by nav.js and main.js.
// "Cách ly" (#/quarantine): worklists, orders, facilities; "Điều trị" (#/treatment): F0 care by colour.
import { renderQuarantine, renderQuarantineOrder } from './page-quarantine-main.js';
import { renderTreatment, renderTriage, renderEpisode } from './page-care-main.js';

export const NAV_ITEMS = [
  { path: '/quarantine', label: 'Cách ly', perm: 'quarantine.read' },
  { path: '/treatment', label: 'Điều trị', perm: 'care.read' },
];
export const ROUTES = [
  { path: '/quarantine', page: renderQuarantine, perm: 'quarantine.read' },
  { path: '/quarantine/orders/:id', page: renderQuarantineOrder, perm: 'quarantine.read' },
  { path: '/treatment', page: renderTreatment, perm: 'care.read' },
  { path: '/treatment/cases/:id', page: renderTriage, perm: 'care.write' },
  { path: '/treatment/episodes/:id', page: renderEpisode, perm: 'care.read' },
];
