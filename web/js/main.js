// main.js: entry point and hash router. Loads the session, shows the login page or the app shell,
// and renders the page of the current route (#/people, #/people/123, ...).
import { mount, h } from './dom.js';
import { onUnauthorized, qs } from './api.js';
import { session, loadSession, clearSession, logout, can } from './session.js';
import { ensureShell, dropShell, markActive } from './shell.js';
import { SOON, FEATURES } from './nav.js';
import { errorBox, alertBox, pageHead } from './ui.js';
import { renderLogin } from './page-login.js';
import { renderDashboard } from './page-dashboard.js';
import { renderPeople } from './page-people.js';
import { renderPerson } from './page-person.js';
import { renderPersonForm } from './page-person-form.js';
import { renderHouseholds, renderHouseholdForm } from './page-households.js';
import { renderHousehold } from './page-household.js';
import { renderUnits, renderUnit } from './page-units.js';
import { renderImport } from './page-import.js';
import { renderAudit } from './page-audit.js';
import { renderUsers } from './page-users.js';
import { renderPlaceholder } from './page-placeholder.js';
import { renderDeclareForm } from './page-declare.js';
import { renderDeclareDaily } from './page-declare-daily.js';
import { renderDeclarations } from './page-declarations.js';
import { renderDeclareAssist } from './page-declare-assist.js';
import { renderAlerts } from './page-alerts.js';
import { renderOutbreak } from './page-outbreak.js';
import { renderVenues } from './page-venues.js';
import { renderVenue } from './page-venue.js';
import { renderVenueForm } from './page-venue-form.js';
import { renderVenueScan, renderScanChoice } from './page-venue-scan.js';
import { renderCheckin } from './page-checkin.js';
import { renderPersonCheckins } from './page-checkins-person.js';
import { renderStays } from './page-stays.js';
import { renderStayForm } from './page-stays-form.js';
import { renderIngest } from './page-ingest.js';
import { renderCases } from './page-cases.js';
import { renderCase } from './page-case.js';
import { renderCaseForm } from './page-case-form.js';
import { renderChains } from './page-chains.js';
import { renderHandoff } from './page-handoff.js';
import { renderLockdown } from './page-lockdown.js';

const ROUTES = [
  { path: '/login', page: renderLogin, public: true },
  { path: '/', page: renderDashboard },
  { path: '/people', page: renderPeople, perm: 'people.read' },
  { path: '/people/new', page: renderPersonForm, perm: 'people.write' },
  { path: '/people/:id', page: renderPerson, perm: 'people.read' },
  { path: '/people/:id/edit', page: renderPersonForm, perm: 'people.write' },
  { path: '/households', page: renderHouseholds, perm: 'people.read' },
  { path: '/households/new', page: renderHouseholdForm, perm: 'people.write' },
  { path: '/households/:id', page: renderHousehold, perm: 'people.read' },
  { path: '/units', page: renderUnits, perm: 'units.read' },
  { path: '/units/:code', page: renderUnit, perm: 'units.read' },
  { path: '/import', page: renderImport, perm: 'people.import' },
  { path: '/audit', page: renderAudit, perm: 'audit.read' },
  { path: '/users', page: renderUsers, perm: 'users.manage' },
  { path: '/venues', page: renderVenues, perm: 'venues.read' },
  { path: '/venues/new', page: renderVenueForm, perm: 'venues.write' },
  { path: '/venues/:id', page: renderVenue, perm: 'venues.read' },
  { path: '/venues/:id/edit', page: renderVenueForm, perm: 'venues.write' },
  { path: '/venues/:id/scan', page: renderVenueScan, perm: 'checkin.scan' },
  { path: '/scan', page: renderScanChoice, perm: 'checkin.scan' },
  { path: '/people/:id/checkins', page: renderPersonCheckins, perm: 'checkins.read' },
  { path: '/c/:code', page: renderCheckin, public: true, open: true },
  { path: '/khai-bao', page: renderDeclareForm, public: true, open: true },
  { path: '/khai-bao/hang-ngay', page: renderDeclareDaily, public: true, open: true },
  { path: '/declarations', page: renderDeclarations, perm: 'declarations.read' },
  { path: '/declarations/new', page: renderDeclareAssist, perm: 'declare.assist' },
  { path: '/alerts', page: renderAlerts, perm: 'declarations.read' },
  { path: '/outbreak-areas', page: renderOutbreak, perm: 'units.read' },
  { path: '/stays', page: renderStays }, // stays.read or stays.write: the page checks
  { path: '/stays/new', page: renderStayForm, perm: 'stays.write' },
  { path: '/ingest', page: renderIngest, perm: 'ingest' },
  { path: '/cases', page: renderCases, perm: 'cases.read' },
  { path: '/cases/new', page: renderCaseForm, perm: 'cases.write' },
  { path: '/cases/:id', page: renderCase, perm: 'cases.read' },
  { path: '/chains', page: renderChains, perm: 'cases.read' },
  { path: '/handoff', page: renderHandoff, perm: 'cases.read' },
  { path: '/lockdown', page: renderLockdown, perm: 'trace' },
  ...FEATURES.flatMap((f) => f.ROUTES),
  ...SOON.map((item) => ({ path: item.path, page: (ctx) => renderPlaceholder(ctx, item), perm: item.perm })),
];

const app = document.getElementById('app');
let current = null;
let seq = 0;

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const i = raw.indexOf('?');
  const path = (i < 0 ? raw : raw.slice(0, i)) || '/';
  const query = Object.fromEntries(new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)));
  return { path: path.startsWith('/') ? path : '/' + path, query, raw };
}

function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const r of ROUTES) {
    const rp = r.path.split('/').filter(Boolean);
    if (rp.length !== parts.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < rp.length && ok; i++) {
      if (rp[i].startsWith(':')) params[rp[i].slice(1)] = decodeURIComponent(parts[i]);
      else ok = rp[i] === parts[i];
    }
    if (ok) return { route: r, params };
  }
  return null;
}

export function navigate(hash) { location.hash = hash; }

async function onLogout() {
  await logout();
  dropShell();
  location.hash = '#/login';
}

async function render() {
  const my = ++seq;
  const { path, query, raw } = parseHash();
  const m = match(path);
  if (current) {
    current.controller.abort();
    if (typeof current.cleanup === 'function') current.cleanup();
    current = null;
  }
  if (!session.user && !(m && m.route.public)) {
    try {
      await loadSession();
    } catch (e) {
      if (my === seq) mount(app, h('main', { class: 'main main-plain' }, errorBox(e)));
      return;
    }
    if (my !== seq) return;
    if (!session.user) {
      location.replace('#/login' + qs({ next: raw === '/' ? '' : raw }));
      return;
    }
  }
  const controller = new AbortController();
  current = { controller, cleanup: null };
  const ctx = { params: m ? m.params : {}, query, path, signal: controller.signal, navigate };
  if (m && m.route.public) {
    if (session.user && !m.route.open) { // open: a public page that signed-in users see too
      const next = query.next && query.next.startsWith('/') && !query.next.startsWith('/login') ? query.next : '/';
      location.replace('#' + next);
      return;
    }
    dropShell();
    ctx.el = app;
    current.cleanup = m.route.page(ctx);
    return;
  }
  ctx.el = ensureShell(app, onLogout);
  markActive(path);
  ctx.el.scrollTop = 0;
  window.scrollTo(0, 0);
  if (!m) {
    mount(ctx.el, pageHead('Không tìm thấy trang'), alertBox('info', 'Địa chỉ này không tồn tại. ', h('a', { href: '#/' }, 'Về trang tổng quan')));
    document.title = 'Không tìm thấy trang';
    return;
  }
  if (!can(m.route.perm)) {
    mount(ctx.el, pageHead('Không có quyền truy cập'), alertBox('error', 'Tài khoản của bạn không được phép dùng chức năng này.'));
    document.title = 'Không có quyền truy cập';
    return;
  }
  current.cleanup = m.route.page(ctx);
}

onUnauthorized(() => {
  const { raw } = parseHash();
  clearSession();
  dropShell();
  if (!raw.startsWith('/login')) location.hash = '#/login' + qs({ next: raw === '/' ? '' : raw, expired: 1 });
});

window.addEventListener('hashchange', render);
render();
