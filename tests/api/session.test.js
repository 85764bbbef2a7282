// tests/api/session.test.js: the gate in front of every handler (src/http/server.c) and the login itself.
// Without a session every non-public endpoint answers 401; a state-changing request without the right
// X-CSRF-Token answers 403 "csrf" and changes nothing (read back afterwards); login failures answer 401,
// are rate limited per username and per client address (429 + Retry-After), and the session cookie is
// HttpOnly and SameSite=Strict.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { startServer, login, call } from '../lib/server.js';
import { buildWorld, UNIT, MISSING_ID, PASSWORD, ACCOUNTS, expectStatus, mustLogin, uniqueName, stopClean } from '../lib/fixture.js';

// One request per route of the route table (concrete paths, plausible bodies) except POST /api/login.
function protectedRequests(W) {
  const p = W.people.in.head;
  const h = W.households.in;
  const m = W.people.in.member;
  return [
    ['POST', '/api/logout'],
    ['GET', '/api/me'],
    ['GET', '/api/users'],
    ['POST', '/api/users', { username: 'kt_khong_co', password: PASSWORD, role: 'viewer', unit_code: '058' }],
    ['GET', '/api/stats'],
    ['GET', '/api/units'],
    ['GET', '/api/units/search?q=bac%20kan'],
    ['GET', `/api/units/${UNIT.in}`],
    ['POST', `/api/units/${UNIT.in}/areas`, { name: 'Thôn Không Phiên', kind: 'Thôn' }],
    ['GET', '/api/people'],
    ['POST', '/api/people', { full_name: 'Người Không Phiên', unit_code: UNIT.in }],
    ['GET', `/api/people/${p.id}`],
    ['PUT', `/api/people/${p.id}`, { ...p, note: 'không phiên' }],
    ['GET', '/api/households'],
    ['POST', '/api/households', { unit_code: UNIT.in, address: 'Hộ không phiên' }],
    ['GET', `/api/households/${h.id}`],
    ['PUT', `/api/households/${h.id}`, { unit_code: UNIT.in, address: 'Hộ không phiên', head_person_id: p.id }],
    ['POST', `/api/households/${h.id}/members`, { person_id: W.people.in.dweller.id, relation: 'Cháu' }],
    ['DELETE', `/api/households/${h.id}/members/${m.id}`],
    ['POST', '/api/imports?format=csv', `full_name,unit_code\r\nNgười Không Phiên,${UNIT.in}\r\n`, { 'Content-Type': 'text/csv' }],
    ['GET', '/api/imports/1'],
    ['GET', '/api/exports/people.xlsx'],
    ['GET', '/api/exports/people.csv'],
    ['GET', '/api/audit'],
    ['GET', '/api/audit.csv'],
    ['GET', '/api/audit.xlsx'],
  ];
}

// Everything the requests above could change, read as admin.
async function snapshot(W) {
  const a = W.api.admin;
  const parts = await Promise.all([
    a('GET', '/api/stats'),
    a('GET', `/api/people/${W.people.in.head.id}`),
    a('GET', `/api/people/${W.people.in.member.id}`),
    a('GET', `/api/people/${W.people.in.dweller.id}`),
    a('GET', `/api/households/${W.households.in.id}`),
    a('GET', '/api/users'),
    a('GET', `/api/units/${UNIT.in}`),
  ]);
  for (const r of parts) assert.equal(r.status, 200, `snapshot read: ${r.text}`);
  return JSON.stringify(parts.map((r) => r.body));
}

describe('gate', () => {
  let W;
  before(async () => { W = await buildWorld(); });
  after(async () => { if (W) await W.srv.stop(); });

  test('every non-public endpoint answers 401 without a valid session, and nothing changes', async () => {
    const before = await snapshot(W);
    const sessions = {
      none: null,
      'random token': { cookie: `pd_session=${randomBytes(32).toString('hex')}`, csrf: randomBytes(32).toString('hex') },
      'short token': { cookie: 'pd_session=abc', csrf: 'abc' },
      'sql in token': { cookie: `pd_session=${"' OR 1=1 --".padEnd(64, 'x')}`, csrf: 'x' },
      'csrf as cookie': { cookie: `pd_session=${W.sess.admin.csrf}`, csrf: W.sess.admin.csrf },
    };
    const bad = [];
    for (const [label, sess] of Object.entries(sessions)) {
      for (const [method, path, body, headers] of protectedRequests(W)) {
        const r = await call(W.url, sess, method, path, body, headers);
        if (r.status !== 401 || !r.body || r.body.error !== 'unauthenticated') bad.push(`${label}: ${method} ${path} -> ${r.status} ${r.text.slice(0, 120)}`);
      }
    }
    assert.deepEqual(bad, [], 'requests without a valid session that were not refused with 401');
    assert.equal(await snapshot(W), before, 'an unauthenticated request changed the database');
    // The session that was never sent is still fine.
    expectStatus(await W.api.admin('GET', '/api/me'), 200, 'admin session');
  });

  test('state-changing requests without the right X-CSRF-Token answer 403 csrf and change nothing', async () => {
    const before = await snapshot(W);
    const admin = W.sess.admin;
    const tokens = {
      missing: '',
      wrong: randomBytes(32).toString('hex'),
      'another session\'s': W.sess.commune.csrf,
      'upper-case': admin.csrf.toUpperCase(),
      truncated: admin.csrf.slice(0, 63),
      'with suffix': admin.csrf + '0',
      'session token': admin.cookie.replace('pd_session=', ''),
    };
    const bad = [];
    let tried = 0;
    for (const [label, csrf] of Object.entries(tokens)) {
      if (label === 'upper-case' && csrf === admin.csrf) continue; // (cannot happen: tokens are lower-case hex)
      for (const [method, path, body, headers] of protectedRequests(W)) {
        if (method === 'GET') continue;
        tried++;
        const r = await call(W.url, { cookie: admin.cookie, csrf }, method, path, body, headers);
        if (r.status !== 403 || !r.body || r.body.error !== 'csrf') bad.push(`${label} token: ${method} ${path} -> ${r.status} ${r.text.slice(0, 120)}`);
      }
    }
    assert.ok(tried >= 7 * 10, `only ${tried} state-changing requests tried`);
    assert.deepEqual(bad, [], 'state-changing requests accepted without the right CSRF token');
    assert.equal(await snapshot(W), before, 'a request without a valid CSRF token changed the database');
    // The logout without a token did not end the session.
    expectStatus(await W.api.admin('GET', '/api/me'), 200, 'admin session after csrf-less logouts');
    // And the same requests go through with the token (so the test above could fail).
    const ok = await W.api.admin('POST', `/api/units/${UNIT.in}/areas`, { name: 'Thôn Có Mã', kind: 'Thôn' });
    expectStatus(ok, 201, 'area with the right token');
  });

  test('GET needs no CSRF token; a CSRF token never replaces the session cookie', async () => {
    const r = await call(W.url, { cookie: W.sess.team.cookie, csrf: '' }, 'GET', `/api/people/${W.people.in.head.id}`);
    expectStatus(r, 200, 'GET without token');
    const r2 = await call(W.url, { cookie: '', csrf: W.sess.admin.csrf }, 'POST', '/api/people',
      { full_name: uniqueName(), unit_code: UNIT.in });
    expectStatus(r2, 401, 'token without cookie');
  });

  test('unknown API paths answer 404 JSON; non-JSON bodies answer 415', async () => {
    for (const path of ['/api/nothing', '/api/people/1/extra', '/api/units/01834/areas/x', '/api/']) {
      const r = await W.api.admin('GET', path);
      expectStatus(r, 404, path);
      assert.equal(r.body.error, 'not_found');
    }
    const r = await W.api.admin('DELETE', `/api/people/${W.people.in.head.id}`);
    assert.ok(r.status === 404 || r.status === 405, `no DELETE route for people: ${r.status}`);
    expectStatus(await W.api.admin('GET', `/api/people/${W.people.in.head.id}`), 200, 'the person is still there');
    const before = await snapshot(W);
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r2 = await W.api.admin('POST', '/api/people', JSON.stringify({ full_name: uniqueName(), unit_code: UNIT.in }),
        { 'Content-Type': ct });
      expectStatus(r2, 415, `POST people as ${ct}`);
      assert.equal(r2.body.error, 'unsupported_media_type');
    }
    assert.equal(await snapshot(W), before);
  });

  test('logout ends only its own session', async () => {
    const s1 = await mustLogin(W.url, ACCOUNTS.district.username);
    const s2 = await mustLogin(W.url, ACCOUNTS.district.username);
    const out = await call(W.url, s1, 'POST', '/api/logout');
    expectStatus(out, 200, 'logout');
    const cleared = out.headers.getSetCookie().join('\n');
    assert.match(cleared, /pd_session=;/, 'logout clears the cookie');
    assert.match(cleared, /Max-Age=0/);
    expectStatus(await call(W.url, s1, 'GET', '/api/me'), 401, 'old session after logout');
    expectStatus(await call(W.url, s1, 'POST', '/api/people', { full_name: uniqueName(), unit_code: UNIT.in }), 401, 'write after logout');
    expectStatus(await call(W.url, s2, 'GET', '/api/me'), 200, 'other session of the same user');
  });

  test('a non-numeric, zero or huge id is just not found', async () => {
    for (const id of ['0', '-1', 'abc', '1e3', String(MISSING_ID), '99999999999999999999999']) {
      expectStatus(await W.api.admin('GET', `/api/people/${id}`), 404, `GET person ${id}`);
      expectStatus(await W.api.admin('PUT', `/api/people/${id}`, { ...W.people.in.head }), 404, `PUT person ${id}`);
      expectStatus(await W.api.admin('GET', `/api/households/${id}`), 404, `GET household ${id}`);
    }
  });

  test('the server shuts down cleanly, without sanitizer reports', async () => {
    await stopClean(W.srv);
  });
});

// Logs in over a chosen local address (127.0.0.x), so that per-address limits can be told apart.
function loginFrom(url, localAddress, username, password) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ username, password });
    const u = new URL('/api/login', url);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', localAddress,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let parsed = null;
        try { parsed = JSON.parse(text); } catch { parsed = null; }
        resolve({ status: res.statusCode, headers: res.headers, body: parsed, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('login', () => {
  let srv;
  const users = [
    { username: 'an', role: 'commune', unit: '01834', password: 'mat-khau-an-1' },
    { username: 'binh', role: 'district', unit: '058', password: 'mat-khau-binh-1' },
    { username: 'chi', role: 'viewer', unit: '058', password: 'mat-khau-chi-1' },
  ];
  before(async () => { srv = await startServer({ demo: false, users }); });
  after(async () => { if (srv) await srv.stop(); });

  test('wrong password and unknown user answer the same 401; a good login sets a strict cookie', async () => {
    const wrong = await loginFrom(srv.url, '127.0.0.2', 'an', 'sai-mat-khau');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'bad_credentials');
    assert.ok(!wrong.headers['set-cookie'], 'no cookie on failure');
    const unknown = await loginFrom(srv.url, '127.0.0.2', 'khong-ai', 'sai-mat-khau');
    assert.equal(unknown.status, 401);
    assert.equal(unknown.text, wrong.text, 'unknown user and wrong password look the same');
    const empty = await loginFrom(srv.url, '127.0.0.2', 'an', '');
    assert.equal(empty.status, 400);

    const ok = await loginFrom(srv.url, '127.0.0.2', 'an', 'mat-khau-an-1');
    assert.equal(ok.status, 200, ok.text);
    const cookie = ok.headers['set-cookie'].find((c) => c.startsWith('pd_session='));
    assert.ok(cookie, 'session cookie set');
    const attrs = cookie.split(';').map((s) => s.trim().toLowerCase());
    assert.match(attrs[0], /^pd_session=[0-9a-f]{64}$/);
    assert.ok(attrs.includes('httponly'), `HttpOnly missing: ${cookie}`);
    assert.ok(attrs.includes('samesite=strict'), `SameSite=Strict missing: ${cookie}`);
    assert.ok(attrs.includes('path=/'), `Path=/ missing: ${cookie}`);
    assert.match(ok.body.csrf, /^[0-9a-f]{64}$/);
    assert.notEqual(ok.body.csrf, attrs[0].slice('pd_session='.length), 'csrf token differs from the session token');
    assert.equal(ok.body.user.username, 'an');
    assert.equal(ok.body.user.unit_code, '01834');
    assert.ok(!('password_hash' in ok.body.user));
    assert.equal(ok.headers['cache-control'], 'no-store');
  });

  test('5 failures for one username: the 6th attempt answers 429 with Retry-After, even with the right password', async () => {
    // Each failure from its own address, so only the username's count reaches the limit.
    for (let i = 0; i < 5; i++) {
      const r = await loginFrom(srv.url, `127.0.0.${10 + i}`, 'binh', `sai-${i}`);
      assert.equal(r.status, 401, `failure ${i + 1}: ${r.text}`);
    }
    const locked = await loginFrom(srv.url, '127.0.0.16', 'binh', 'mat-khau-binh-1');
    assert.equal(locked.status, 429, locked.text);
    assert.equal(locked.body.error, 'rate_limited');
    const retry = Number(locked.headers['retry-after']);
    assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 900, `Retry-After ${locked.headers['retry-after']}`);
    assert.ok(!locked.headers['set-cookie'], 'no session while locked');
    assert.match(locked.body.message, /thử lại/);
    // Same username in another case is the same account.
    assert.equal((await loginFrom(srv.url, '127.0.0.17', 'BINH', 'mat-khau-binh-1')).status, 429);
    // Another account from a fresh address is not affected.
    assert.equal((await loginFrom(srv.url, '127.0.0.18', 'chi', 'mat-khau-chi-1')).status, 200);
  });

  test('5 failures from one address: that address is locked out for every account', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await loginFrom(srv.url, '127.0.0.30', `nguoi-la-${i}`, 'sai');
      assert.equal(r.status, 401, `failure ${i + 1}: ${r.text}`);
    }
    const locked = await loginFrom(srv.url, '127.0.0.30', 'chi', 'mat-khau-chi-1');
    assert.equal(locked.status, 429, locked.text);
    assert.ok(Number(locked.headers['retry-after']) > 0);
    assert.equal((await loginFrom(srv.url, '127.0.0.31', 'chi', 'mat-khau-chi-1')).status, 200, 'another address still works');
  });

  test('login accepts only a JSON object body', async () => {
    const r = await fetch(new URL('/api/login', srv.url), { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'username=an&password=mat-khau-an-1' });
    assert.equal(r.status, 415, 'a cross-site form post cannot log in');
    const r2 = await fetch(new URL('/api/login', srv.url), { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: '["an","mat-khau-an-1"]' });
    assert.equal(r2.status, 400);
    const l = await login(srv.url, 'an', 'mat-khau-an-1');
    assert.equal(l.status, 200, 'the address 127.0.0.1 was never locked');
  });

  test('the server shuts down cleanly, without sanitizer reports', async () => {
    await stopClean(srv);
  });
});
