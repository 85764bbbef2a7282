// tests/api/session-cache.test.js: the server keeps live sessions in memory (src/auth/session_cache.c, one
// cache shared by every worker thread). The cache must never outlive what the database says: a logged-out
// cookie is refused at once on every worker; an account disabled, a session ended or a role changed behind
// the server's back (SQL on the database file, through Python's sqlite3) is seen within the recheck
// interval (PD_SESSION_RECHECK_MS, 1 s); a disabled account cannot log in again.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { startServer, login, call } from '../lib/server.js';
import { expectStatus, mustLogin, stopClean } from '../lib/fixture.js';

const RECHECK_MS = 1000;

function havePython() {
  try {
    execFileSync('python3', ['-c', 'import sqlite3'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Runs one SQL statement on the database file from another process, as an operator would.
function sql(db, statement) {
  execFileSync('python3', ['-c',
    'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], timeout=10)\nc.execute(sys.argv[2])\nc.commit()\nc.close()',
    db, statement]);
}

// GET on a connection of its own (no keep-alive pool), so that parallel requests spread over the workers.
function getFresh(url, cookie, path) {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'GET', agent: false,
      headers: { Cookie: cookie, Accept: 'application/json', Connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

async function statuses(url, cookie, path, n) {
  const all = await Promise.all(Array.from({ length: n }, () => getFresh(url, cookie, path)));
  const count = {};
  for (const s of all) count[s] = (count[s] || 0) + 1;
  return count;
}

// Polls GET /api/me until it answers `want`; resolves to the milliseconds it took (or Infinity).
async function msUntil(url, sess, want, limitMs) {
  const t0 = Date.now();
  while (Date.now() - t0 < limitMs) {
    const r = await call(url, sess, 'GET', '/api/me');
    if (r.status === want) return Date.now() - t0;
    await new Promise((res) => setTimeout(res, 25));
  }
  return Infinity;
}

describe('session cache', { skip: !havePython() && 'python3 with sqlite3 is needed to change the database' }, () => {
  let srv;
  const users = [
    { username: 'lan', role: 'commune', unit: '01834', password: 'mat-khau-lan-1' },
    { username: 'minh', role: 'commune', unit: '01834', password: 'mat-khau-minh-1' },
    { username: 'ngoc', role: 'commune', unit: '01834', password: 'mat-khau-ngoc-1' },
    { username: 'oanh', role: 'commune', unit: '01834', password: 'mat-khau-oanh-1' },
  ];
  before(async () => { srv = await startServer({ demo: false, users }); });
  after(async () => { if (srv) await srv.stop(); });

  test('logout: the old cookie is refused at once on every worker, the other session lives on', async () => {
    const s1 = await mustLogin(srv.url, 'lan', 'mat-khau-lan-1');
    const s2 = await mustLogin(srv.url, 'lan', 'mat-khau-lan-1');
    // Many connections at once reach every worker thread, so each has used (and cached) the session.
    assert.deepEqual(await statuses(srv.url, s1.cookie, '/api/me', 48), { 200: 48 });
    assert.deepEqual(await statuses(srv.url, s2.cookie, '/api/me', 48), { 200: 48 });
    expectStatus(await call(srv.url, s1, 'POST', '/api/logout'), 200, 'logout');
    assert.deepEqual(await statuses(srv.url, s1.cookie, '/api/me', 48), { 401: 48 }, 'the logged-out cookie on fresh connections');
    assert.deepEqual(await statuses(srv.url, s1.cookie, '/api/people?limit=1', 48), { 401: 48 });
    expectStatus(await call(srv.url, s1, 'POST', '/api/people', { full_name: 'Không Được', unit_code: '01834' }), 401, 'write after logout');
    assert.deepEqual(await statuses(srv.url, s2.cookie, '/api/me', 48), { 200: 48 }, 'the other session of the same account');
  });

  test('an account disabled in the database is refused within the recheck interval and cannot log in', async () => {
    const s = await mustLogin(srv.url, 'minh', 'mat-khau-minh-1');
    assert.deepEqual(await statuses(srv.url, s.cookie, '/api/me', 16), { 200: 16 });
    sql(srv.db, "UPDATE users SET disabled = 1 WHERE username = 'minh'");
    const ms = await msUntil(srv.url, s, 401, 10 * RECHECK_MS);
    assert.ok(ms <= 2.5 * RECHECK_MS, `a disabled account was still served ${ms} ms later`);
    assert.deepEqual(await statuses(srv.url, s.cookie, '/api/me', 16), { 401: 16 }, 'refused on every worker');
    assert.equal((await login(srv.url, 'minh', 'mat-khau-minh-1')).status, 401, 'login of a disabled account');
    sql(srv.db, "UPDATE users SET disabled = 0 WHERE username = 'minh'");
    const again = await mustLogin(srv.url, 'minh', 'mat-khau-minh-1');
    expectStatus(await call(srv.url, again, 'GET', '/api/me'), 200, 'enabled again');
  });

  test('a session ended in the database (expired or deleted) is refused within the recheck interval', async () => {
    const a = await mustLogin(srv.url, 'ngoc', 'mat-khau-ngoc-1');
    const b = await mustLogin(srv.url, 'ngoc', 'mat-khau-ngoc-1');
    assert.deepEqual(await statuses(srv.url, a.cookie, '/api/me', 16), { 200: 16 });
    assert.deepEqual(await statuses(srv.url, b.cookie, '/api/me', 16), { 200: 16 });
    // Sessions are stored as SHA-256(cookie value): expire a's, then delete b's.
    const h = (s) => createHash('sha256').update(s.cookie.replace('pd_session=', '')).digest('hex');
    sql(srv.db, `UPDATE sessions SET expires_at = 0 WHERE token_hash = '${h(a)}'`);
    const msA = await msUntil(srv.url, a, 401, 10 * RECHECK_MS);
    assert.ok(msA <= 2.5 * RECHECK_MS, `an expired session was still served ${msA} ms later`);
    expectStatus(await call(srv.url, b, 'GET', '/api/me'), 200, 'the other session is untouched');
    sql(srv.db, `DELETE FROM sessions WHERE token_hash = '${h(b)}'`);
    const msB = await msUntil(srv.url, b, 401, 10 * RECHECK_MS);
    assert.ok(msB <= 2.5 * RECHECK_MS, `a deleted session was still served ${msB} ms later`);
  });

  test('a role changed in the database is seen within the recheck interval', async () => {
    const s = await mustLogin(srv.url, 'oanh', 'mat-khau-oanh-1');
    assert.equal(expectStatus(await call(srv.url, s, 'GET', '/api/me'), 200, 'me').user.role, 'commune');
    expectStatus(await call(srv.url, s, 'GET', '/api/people?limit=1'), 200, 'people as commune');
    sql(srv.db, "UPDATE users SET role = 'viewer' WHERE username = 'oanh'");
    const t0 = Date.now();
    let role = 'commune';
    while (role !== 'viewer' && Date.now() - t0 < 10 * RECHECK_MS) {
      role = expectStatus(await call(srv.url, s, 'GET', '/api/me'), 200, 'me').user.role;
      if (role !== 'viewer') await new Promise((res) => setTimeout(res, 25));
    }
    const ms = Date.now() - t0;
    assert.equal(role, 'viewer');
    assert.ok(ms <= 2.5 * RECHECK_MS, `the old role was still used ${ms} ms later`);
    expectStatus(await call(srv.url, s, 'GET', '/api/people?limit=1'), 403, 'people as viewer');
  });

  test('the server shuts down cleanly, without sanitizer reports', async () => {
    await stopClean(srv);
  });
});
