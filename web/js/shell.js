// shell.js: the frame of the signed-in app: header (user, role, unit, logout), the navigation
// (a sidebar on a desktop, a drawer on a phone) and the main area the pages render into.
import { h } from './dom.js';
import { NAV } from './nav.js';
import { can, session } from './session.js';
import { roleLabel } from './format.js';

let shell = null;

function userCard(user, onLogout, cls) {
  return h('div', { class: cls },
    h('div', { class: 'user-text' },
      h('span', { class: 'user-name', id: cls === 'user-box' ? 'user-name' : undefined }, user.display_name || user.username),
      h('span', { class: 'user-meta' }, roleLabel(user.role), ' · ', user.unit_name || 'Toàn quốc')),
    h('button', { type: 'button', class: 'btn btn-logout', onclick: onLogout, dataset: { action: 'logout' } }, 'Đăng xuất'));
}

// Builds the shell for the current user (once per login) and returns its main element.
export function ensureShell(root, onLogout) {
  const user = session.user;
  if (shell && shell.user === user && shell.el.isConnected) return shell.main;
  const nav = h('nav', { class: 'sidenav', id: 'sidenav', 'aria-label': 'Chức năng' },
    userCard(user, onLogout, 'user-card'),
    NAV.map((g) => {
      const items = g.items.filter((i) => can(i.perm));
      if (!items.length) return null;
      return h('div', { class: 'nav-group' },
        h('p', { class: 'nav-group-title' }, g.group),
        h('ul', null, items.map((i) => h('li', null,
          h('a', { href: '#' + i.path, class: 'nav-link' + (i.soon ? ' nav-soon' : ''), dataset: { path: i.path } },
            h('span', null, i.label), i.soon ? h('span', { class: 'badge-soon' }, 'Sắp có') : null)))));
    }));
  const menuBtn = h('button', { type: 'button', class: 'menu-btn', 'aria-controls': 'sidenav', 'aria-expanded': 'false',
    'aria-label': 'Mở menu' }, h('span', { class: 'menu-icon', 'aria-hidden': 'true' }));
  const backdrop = h('div', { class: 'backdrop', hidden: true });
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const el = h('div', { class: 'shell' },
    h('header', { class: 'topbar' },
      menuBtn,
      h('a', { class: 'brand', href: '#/' },
        h('img', { src: '/favicon.svg', alt: '', width: '28', height: '28' }),
        h('span', { class: 'brand-text' }, h('strong', null, 'Phòng chống dịch COVID-19'),
          h('small', null, 'Hệ thống quản lý dân cư địa phương'))),
      userCard(user, onLogout, 'user-box')),
    nav, backdrop, main);
  const setOpen = (open) => {
    el.classList.toggle('nav-open', open);
    menuBtn.setAttribute('aria-expanded', String(open));
    backdrop.hidden = !open;
  };
  menuBtn.addEventListener('click', () => setOpen(!el.classList.contains('nav-open')));
  backdrop.addEventListener('click', () => setOpen(false));
  nav.addEventListener('click', (e) => { if (e.target.closest('a')) setOpen(false); });
  root.replaceChildren(el);
  shell = { el, main, user };
  return main;
}

export function dropShell() { shell = null; }

// Marks the nav link of the current path (the longest matching prefix).
export function markActive(path) {
  if (!shell) return;
  let best = null;
  for (const a of shell.el.querySelectorAll('.nav-link')) {
    const p = a.dataset.path;
    a.classList.remove('active');
    a.removeAttribute('aria-current');
    if (path === p || (p !== '/' && path.startsWith(p + '/'))) if (!best || p.length > best.dataset.path.length) best = a;
  }
  if (best) { best.classList.add('active'); best.setAttribute('aria-current', 'page'); }
}
