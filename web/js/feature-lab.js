// feature-lab.js: the menu entries and hash routes of this capability, gathered by nav.js and main.js.
// "Xét nghiệm" (#/testing): samples and results, pools, the lab's result file, F0 proposals, campaigns.
import { renderTesting } from './page-lab-testing.js';
import { renderPoolLabels } from './page-lab-pools.js';
import { renderCampaign } from './page-lab-campaigns.js';

export const NAV_ITEMS = [
  { path: '/testing', label: 'Xét nghiệm', perm: 'lab.read' },
];
export const ROUTES = [
  { path: '/testing', page: renderTesting, perm: 'lab.read' },
  { path: '/testing/pools/:id/labels', page: renderPoolLabels, perm: 'lab.read' },
  { path: '/testing/campaigns/:id', page: renderCampaign, perm: 'lab.read' },
];
