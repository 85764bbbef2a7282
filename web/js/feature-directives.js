// feature-directives.js: the menu entries and hash routes of this capability, gathered by nav.js and main.js.
// Literal routes come before the ones with a parameter (main.js takes the first match).
import { renderDirectives, renderOverdue, renderAgencies } from './page-directives.js';
import { renderDirectiveImport } from './page-directive-import.js';
import { renderDirective } from './page-directive.js';
import { renderAgencyBoard, renderDirectiveBoard, renderTask } from './page-directive-board.js';
import { renderDirectiveDraft } from './page-directive-draft.js';

export const NAV_ITEMS = [
  { path: '/directives', label: 'Văn bản chỉ đạo', perm: 'directives.read' },
];

export const ROUTES = [
  { path: '/directives', page: renderDirectives, perm: 'directives.read' },
  { path: '/directives/import', page: renderDirectiveImport, perm: 'directives.write' },
  { path: '/directives/overdue', page: renderOverdue, perm: 'directives.read' },
  { path: '/directives/agencies', page: renderAgencies, perm: 'directives.read' },
  { path: '/directives/agencies/:id', page: renderAgencyBoard, perm: 'directives.read' },
  { path: '/directives/tasks/:id', page: renderTask, perm: 'directives.read' },
  { path: '/directives/:id', page: renderDirective, perm: 'directives.read' },
  { path: '/directives/:id/board', page: renderDirectiveBoard, perm: 'directives.read' },
  { path: '/directives/:id/draft', page: renderDirectiveDraft, perm: 'directives.write' },
];
