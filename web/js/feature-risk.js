// feature-risk.js: the menu entries and hash routes of this capability, gathered by nav.js and main.js.
// The weekly risk level of communes (cấp độ dịch): map and table, capacity checklists, one commune's
// history, the rule sets (docs/risk.md).
import { renderRiskMap } from './page-risk-map.js';
import { renderRiskCapacity } from './page-risk-capacity.js';
import { renderRiskCommune } from './page-risk-commune.js';
import { renderRiskRules } from './page-risk-rules.js';
import { renderRiskPublic } from './page-risk-public.js';

export const NAV_ITEMS = [
  { path: '/levels', label: 'Cấp độ dịch', perm: 'risk.read' },
];
export const ROUTES = [
  { path: '/levels', page: renderRiskMap, perm: 'risk.read' },
  { path: '/levels/capacity', page: renderRiskCapacity, perm: 'risk.write' },
  { path: '/levels/rules', page: renderRiskRules, perm: 'risk.read' },
  { path: '/levels/commune/:code', page: renderRiskCommune, perm: 'risk.read' },
  { path: '/cap-do', page: renderRiskPublic, public: true, open: true }, // the public map, no account
];
