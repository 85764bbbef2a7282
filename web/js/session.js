// session.js: the signed-in user (from /api/login or /api/me) and permission checks.
import { get, post, setCsrf } from './api.js';

// Used only if the server sends no permission list: the role table of docs/api.md.
const ROLE_PERMS = {
  admin: ['units.read', 'areas.write', 'people.read', 'people.write', 'people.import', 'people.export', 'audit.read', 'users.manage'],
  province: ['units.read', 'areas.write', 'people.read', 'people.write', 'people.import', 'people.export'],
  district: ['units.read', 'areas.write', 'people.read', 'people.write', 'people.import', 'people.export'],
  commune: ['units.read', 'areas.write', 'people.read', 'people.write', 'people.import', 'people.export'],
  team: ['units.read', 'people.read'],
  viewer: ['units.read'],
};

export const session = { user: null };

// A hint (not a secret) that this browser has signed in, so that a fresh visit goes straight to the
// login page instead of asking /api/me and getting a 401. The session itself is an HttpOnly cookie.
const HINT = 'phongdich.signedIn';
function hint(on) {
  try { if (on) localStorage.setItem(HINT, '1'); else localStorage.removeItem(HINT); } catch { /* storage off */ }
}
function hinted() {
  try { return localStorage.getItem(HINT) === '1'; } catch { return true; }
}

export function setSession(data) {
  session.user = data && data.user ? data.user : null;
  setCsrf(data && data.csrf);
  hint(!!session.user);
}

export function clearSession() {
  session.user = null;
  setCsrf('');
  hint(false);
}

export function can(perm) {
  const u = session.user;
  if (!u) return false;
  if (!perm) return true;
  const perms = Array.isArray(u.permissions) ? u.permissions : ROLE_PERMS[u.role] || [];
  return perms.includes(perm);
}

// Loads the session from the cookie; resolves to the user or null when not signed in.
export async function loadSession() {
  if (!hinted()) return null;
  try {
    setSession(await get('/api/me'));
  } catch (e) {
    if (e.status !== 401) throw e;
    clearSession();
  }
  return session.user;
}

export async function login(username, password) {
  const data = await post('/api/login', { username, password });
  setSession(data);
  return session.user;
}

export async function logout() {
  try { await post('/api/logout'); } catch { /* the session is dropped locally anyway */ }
  clearSession();
}
