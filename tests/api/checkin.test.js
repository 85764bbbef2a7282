// tests/api/checkin.test.js: QR check-ins over HTTP. The public endpoints (no login): the venue behind a
// poster's code; check-in with a personal QR token (201 new, 200 replay with the same visit), check-out,
// check-out without check-in (409), unknown token or venue (404); check-in with a phone number that
// answers exactly alike whether the number is registered or not (and never names anyone), with a
// receipt to check out; the server's clock decides; the per-address rate limit (429 + Retry-After).
// Staff scanning at a venue (venue account: its own venue only). The lists read by officials. Automatic
// check-out after the venue's stay (PHONGDICH_NOW moves the server's clock across a restart).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.js';
import { buildWorld, expectStatus, UNIT, stopClean, PASSWORD, mustLogin, bind } from '../lib/fixture.js';
import { createVenue, tokenFor, venueAccount, pub, sqlRows } from './venues-world.js';

let W;
let market;
let school;
let farVenue;
let anh;    // head of the 01834 household, with a token
let token;

before(async () => {
  W = await buildWorld({ serveArgs: ['--checkin-rate', '100000'] });
  market = await createVenue(W.api.commune, UNIT.in, 'Chợ Minh Khai', 'market');
  school = await createVenue(W.api.commune, UNIT.in, 'Trường Tiểu học Minh Khai', 'school');
  farVenue = await createVenue(W.api.admin, UNIT.far, 'Chợ Đồng Xuân', 'market');
  anh = W.people.in.head;
  token = tokenFor(W.srv.db, anh.id);
});

after(async () => {
  if (W) await stopClean(W.srv);
});

const checkin = (body, headers) => pub(W.url, 'POST', '/api/public/checkins', body, headers);
const checkout = (body) => pub(W.url, 'POST', '/api/public/checkouts', body);
const nowSec = () => Math.floor(Date.now() / 1000);
const toSec = (iso) => Math.floor(Date.parse(iso) / 1000);

test('public venue lookup: name and kind only; unknown code 404', async () => {
  const r = expectStatus(await pub(W.url, 'GET', `/api/public/venues/${market.public_code}`), 200, 'lookup');
  assert.deepEqual(Object.keys(r.venue).sort(), ['address', 'closed', 'code', 'kind_label', 'name', 'stay_minutes', 'unit_name']);
  assert.equal(r.venue.name, 'Chợ Minh Khai');
  assert.equal(r.venue.stay_minutes, 60);
  const none = await pub(W.url, 'GET', '/api/public/venues/khongcoma');
  expectStatus(none, 404, 'unknown code');
  assert.match(none.body.message, /Không tìm thấy địa điểm/);
});

test('token: check in (201), replay while inside (200, same visit), check out, check out again (409)', async () => {
  const t0 = nowSec();
  const a = expectStatus(await checkin({ code: market.public_code, token }), 201, 'check in');
  assert.equal(a.replayed, false);
  assert.equal(a.checkin.state, 'in');
  assert.equal(a.checkin.venue_name, 'Chợ Minh Khai');
  assert.equal(a.checkin.out_at, null);
  assert.ok(Math.abs(toSec(a.checkin.in_at) - t0) <= 5, 'in_at is the server\'s now');
  assert.equal(toSec(a.checkin.auto_out_at) - toSec(a.checkin.in_at), 3600);
  // The token as scanned (display form with dashes, lower case) is the same token.
  const display = token.toLowerCase().match(/.{1,4}/g).join('-');
  const b = expectStatus(await checkin({ code: market.public_code, token: display }), 200, 'replay');
  assert.equal(b.replayed, true);
  assert.equal(b.checkin.id, a.checkin.id);
  assert.equal(b.checkin.in_at, a.checkin.in_at);
  const rows = sqlRows(W.srv.db, 'SELECT count(*) FROM checkins WHERE person_id = ? AND venue_id = ?', [anh.id, market.id]);
  assert.equal(rows[0][0], 1, 'the replay wrote nothing');
  const out = expectStatus(await checkout({ code: market.public_code, token }), 200, 'check out');
  assert.equal(out.checkin.id, a.checkin.id);
  assert.equal(out.checkin.state, 'out');
  assert.ok(out.checkin.out_at);
  const again = await checkout({ code: market.public_code, token });
  expectStatus(again, 409, 'check out without being inside');
  assert.equal(again.body.error, 'not_checked_in');
  assert.match(again.body.message, /Chưa check-in/);
});

test('one place at a time: checking in elsewhere ends the open visit', async () => {
  const a = expectStatus(await checkin({ code: market.public_code, token }), 201, 'market');
  expectStatus(await checkin({ code: school.public_code, token }), 201, 'school');
  const row = sqlRows(W.srv.db, 'SELECT out_at IS NOT NULL, flags FROM checkins WHERE id = ?', [a.checkin.id])[0];
  assert.deepEqual(row, [1, 1], 'the market visit was closed automatically');
  expectStatus(await checkout({ code: school.public_code, token }), 200, 'leave the school');
});

test('unknown token, unknown venue, missing fields, bad phone: clear answers', async () => {
  const t = await checkin({ code: market.public_code, token: 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ' });
  expectStatus(t, 404, 'unknown token');
  assert.equal(t.body.field, 'token');
  assert.match(t.body.message, /Mã QR cá nhân/);
  const v = await checkin({ code: 'khongcoma', token });
  expectStatus(v, 404, 'unknown venue');
  assert.equal(v.body.field, 'code');
  expectStatus(await checkin({ code: market.public_code }), 400, 'neither token nor phone');
  const p = await checkin({ code: market.public_code, phone: '12345' });
  expectStatus(p, 400, 'bad phone');
  assert.equal(p.body.field, 'phone');
  expectStatus(await pub(W.url, 'POST', '/api/public/checkins', undefined, { 'Content-Type': 'application/json' }), 400, 'no body');
  const notJson = await fetch(new URL('/api/public/checkins', W.url), { method: 'POST', headers: { 'Content-Type': 'text/plain' },
    body: JSON.stringify({ code: market.public_code, token }) });
  assert.equal(notJson.status, 415, 'JSON only (no cross-site form posts)');
});

test('phone: the same answer whether or not the number is known; never a name; receipt to check out', async () => {
  const known = W.people.dist.head; // lives in 01837, has a phone
  const unknownPhone = '0977 000 111';
  const people0 = expectStatus(await W.api.admin('GET', '/api/stats'), 200, 'stats').people;
  const a = await checkin({ code: market.public_code, phone: known.phone });
  const b = await checkin({ code: market.public_code, phone: unknownPhone });
  expectStatus(a, 200, 'known number');
  expectStatus(b, 200, 'unknown number');
  const shape = (r) => JSON.stringify({ ...r.body, receipt: typeof r.body.receipt });
  assert.equal(shape(a), shape(b), 'identical answers');
  assert.notEqual(a.body.receipt, b.body.receipt);
  assert.ok(!a.text.includes(known.full_name) && !/full_name|person|in_at|"id"/.test(a.text), `no personal data: ${a.text}`);
  assert.match(a.body.receipt, /^[A-Za-z0-9_-]{40,}$/);
  // A replay (same number, still inside) answers alike again.
  const a2 = await checkin({ code: market.public_code, phone: known.phone });
  assert.equal(shape(a2), shape(a));
  // The unknown number became one minimal person in the venue's commune, marked as from a check-in.
  assert.equal(expectStatus(await W.api.admin('GET', '/api/stats'), 200, 'stats').people, people0 + 1);
  const found = expectStatus(await W.api.admin('GET', '/api/people?q=0977000111'), 200, 'find').items;
  assert.equal(found.length, 1);
  assert.equal(found[0].unit_code, UNIT.in);
  assert.match(found[0].note, /check-in bằng số điện thoại/);
  // Check-out by receipt; the same receipt again is a clear 409; a forged one too.
  const out = expectStatus(await checkout({ code: market.public_code, receipt: b.body.receipt }), 200, 'check out by receipt');
  assert.equal(out.checkin.state, 'out');
  assert.ok(!/in_at|"id"/.test(out.text), 'no times of the visit');
  expectStatus(await checkout({ code: market.public_code, receipt: b.body.receipt }), 409, 'twice');
  expectStatus(await checkout({ code: market.public_code, receipt: 'A'.repeat(64) }), 409, 'forged receipt');
  // A receipt for another venue's visit does not work here.
  const c = expectStatus(await checkin({ code: school.public_code, phone: unknownPhone }), 200, 'school');
  expectStatus(await checkout({ code: market.public_code, receipt: c.receipt }), 404, 'receipt of another venue');
  // Check-out by a bare phone number is not offered: it would tell whether that person is inside.
  expectStatus(await checkout({ code: school.public_code, phone: unknownPhone }), 400, 'checkout by phone');
});

test('the server\'s clock decides: a client\'s claimed time is ignored', async () => {
  const other = W.people.in.member;
  const t = tokenFor(W.srv.db, other.id);
  const r = expectStatus(await checkin({ code: school.public_code, token: t, in_at: '2001-01-01T00:00:00+07:00' },
    { Date: 'Mon, 01 Jan 2001 00:00:00 GMT' }), 201, 'check in');
  assert.ok(Math.abs(toSec(r.checkin.in_at) - nowSec()) <= 5);
  expectStatus(await checkout({ code: school.public_code, token: t }), 200, 'out');
});

test('staff scanning: a venue account at its own venue only; team in scope; toggling; names shown', async () => {
  const staff = await venueAccount(W.srv, 'nv_cho', UNIT.in, market.id);
  const me = expectStatus(await staff.api('GET', '/api/me'), 200, 'me').user;
  assert.deepEqual(me.permissions.filter((p) => ['venues.read', 'checkin.scan'].includes(p)).sort(), ['checkin.scan', 'venues.read']);
  const mine = expectStatus(await staff.api('GET', '/api/venues'), 200, 'staff lists').items;
  assert.deepEqual(mine.map((v) => v.id), [market.id], 'staff see their venue only');
  const p = W.people.in.dweller;
  const t = tokenFor(W.srv.db, p.id);
  const a = expectStatus(await staff.api('POST', `/api/venues/${market.id}/scan`, { token: t, action: 'toggle' }), 201, 'scan in');
  assert.equal(a.action, 'in');
  assert.equal(a.person.full_name, p.full_name);
  assert.equal(a.person.birth_year, '1985');
  const b = expectStatus(await staff.api('POST', `/api/venues/${market.id}/scan`, { token: t, action: 'in' }), 200, 'scan in again');
  assert.equal(b.action, 'already_in');
  assert.equal(b.checkin.id, a.checkin.id);
  const c = expectStatus(await staff.api('POST', `/api/venues/${market.id}/scan`, { token: t, action: 'toggle' }), 200, 'scan out');
  assert.equal(c.action, 'out');
  const d = await staff.api('POST', `/api/venues/${market.id}/scan`, { token: t, action: 'out' });
  expectStatus(d, 409, 'out without in');
  assert.equal(d.body.error, 'not_checked_in');
  expectStatus(await staff.api('POST', `/api/venues/${school.id}/scan`, { token: t, action: 'in' }), 404, 'another venue of the commune');
  expectStatus(await staff.api('POST', `/api/venues/${market.id}/scan`, { token: t, action: 'sideways' }), 400, 'bad action');
  expectStatus(await staff.api('POST', `/api/venues/${market.id}/scan`, { token: 'X', action: 'in' }), 404, 'bad token');
  expectStatus(await staff.api('GET', `/api/venues/${market.id}/checkins`), 403, 'staff do not read the visitor list');
  const flags = sqlRows(W.srv.db, 'SELECT flags FROM checkins WHERE id = ?', [a.checkin.id])[0][0];
  assert.equal(flags & 2, 2, 'marked as by staff');
  const audit = expectStatus(await W.api.admin('GET', `/api/audit?entity=checkin&entity_id=${a.checkin.id}`), 200, 'audit').items;
  assert.deepEqual(audit.map((e) => e.action).sort(), ['checkin', 'checkout']);
  assert.ok(audit.every((e) => e.username === 'nv_cho'));
  // The community team scans in its commune, not elsewhere.
  expectStatus(await W.api.team('POST', `/api/venues/${school.id}/scan`, { token: t, action: 'in' }), 201, 'team scans');
  expectStatus(await W.api.team('POST', `/api/venues/${farVenue.id}/scan`, { token: t, action: 'in' }), 404, 'team outside');
  expectStatus(await W.api.viewer('POST', `/api/venues/${school.id}/scan`, { token: t, action: 'in' }), 403, 'viewer');
});

test('officials read check-ins: per venue (by day, paged) and per resident', async () => {
  const list = expectStatus(await W.api.commune('GET', `/api/venues/${market.id}/checkins?limit=500`), 200, 'venue list');
  assert.ok(list.items.length >= 4);
  for (let i = 1; i < list.items.length; i++) assert.ok(list.items[i - 1].in_at >= list.items[i].in_at, 'newest first');
  const visit = list.items.find((c) => c.person_id === anh.id);
  assert.equal(visit.full_name, anh.full_name);
  assert.equal(visit.venue_name, 'Chợ Minh Khai');
  assert.equal(visit.phone, anh.phone);
  // Paging with the cursor gives the same rows.
  const paged = [];
  let before = '';
  for (;;) {
    const page = expectStatus(await W.api.commune('GET', `/api/venues/${market.id}/checkins?limit=2${before ? `&before=${before}` : ''}`), 200, 'page');
    paged.push(...page.items.map((c) => c.id));
    if (!page.next) break;
    before = page.next;
  }
  assert.deepEqual(paged, list.items.map((c) => c.id));
  const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
  assert.equal(expectStatus(await W.api.commune('GET', `/api/venues/${market.id}/checkins?from=${today}&to=${today}&limit=500`), 200, 'today').items.length,
    list.items.length);
  assert.equal(expectStatus(await W.api.commune('GET', `/api/venues/${market.id}/checkins?to=2020-01-01`), 200, 'old').items.length, 0);
  expectStatus(await W.api.commune('GET', `/api/venues/${market.id}/checkins?before=abc`), 400, 'bad cursor');
  // Per resident: everywhere the person went.
  const mineAll = expectStatus(await W.api.commune('GET', `/api/people/${anh.id}/checkins`), 200, 'person').items;
  assert.deepEqual([...new Set(mineAll.map((c) => c.venue_id))].sort(), [market.id, school.id].sort());
  // A resident of 01837 is outside the commune's scope even though they visited its market.
  const dist = W.people.dist.head;
  expectStatus(await W.api.commune('GET', `/api/people/${dist.id}/checkins`), 404, 'not a resident');
  expectStatus(await W.api.district('GET', `/api/people/${dist.id}/checkins`), 200, 'district sees them');
  expectStatus(await W.api.team('GET', `/api/people/${anh.id}/checkins`), 403, 'team');
  // Reading visitors is audited.
  const audit = expectStatus(await W.api.admin('GET', `/api/audit?entity=venue_checkins&entity_id=${market.id}`), 200, 'audit').items;
  assert.ok(audit.some((e) => e.username === 'kt_xa'));
});

test('automatic check-out after the stay: computed when read, written by the sweep, new visit after', { timeout: 120000 }, async () => {
  const t0 = 1700000000;
  const srv = await startServer({ demo: false, users: [{ username: 'kt_admin', role: 'admin', password: PASSWORD }],
    env: { PHONGDICH_NOW: String(t0) } });
  let venue;
  let tok;
  let first;
  try {
    const api = bind(srv.url, await mustLogin(srv.url, 'kt_admin'));
    venue = await createVenue(api, UNIT.in, 'Quán Phở Sáng', 'restaurant'); // 90 minutes
    const p = expectStatus(await api('POST', '/api/people', { full_name: 'Ăn Sáng', unit_code: UNIT.in }), 201, 'person').person;
    tok = tokenFor(srv.db, p.id);
    first = expectStatus(await pub(srv.url, 'POST', '/api/public/checkins', { code: venue.public_code, token: tok }), 201, 'in').checkin;
    assert.equal(toSec(first.in_at), t0);
    assert.equal(toSec(first.auto_out_at), t0 + 90 * 60);
  } finally {
    const r = await srv.kill('SIGTERM'); // stop() would delete the database with its folder
    assert.equal(r.code, 0, srv.stderr());
    assert.doesNotMatch(srv.stderr(), /Sanitizer|runtime error:/);
  }
  // 91 minutes later (the same database, the server's clock moved).
  const db = srv.db;
  const again = await startServer({ db, demo: false, env: { PHONGDICH_NOW: String(t0 + 91 * 60) } });
  try {
    const api = bind(again.url, await mustLogin(again.url, 'kt_admin'));
    const list = expectStatus(await api('GET', `/api/venues/${venue.id}/checkins`), 200, 'list').items;
    assert.equal(list.length, 1);
    assert.equal(toSec(list[0].out_at), t0 + 90 * 60);
    assert.equal(list[0].auto_out, true);
    // The writer's sweep at start-up wrote it down too (flag 1 = automatic).
    assert.deepEqual(sqlRows(db, 'SELECT out_at, flags FROM checkins WHERE id = ?', [first.id])[0], [t0 + 90 * 60, 1]);
    const out = await pub(again.url, 'POST', '/api/public/checkouts', { code: venue.public_code, token: tok });
    expectStatus(out, 409, 'already out by itself');
    assert.match(out.body.message, /90 phút/);
    const next = expectStatus(await pub(again.url, 'POST', '/api/public/checkins', { code: venue.public_code, token: tok }), 201, 'a new visit');
    assert.notEqual(next.checkin.id, first.id);
    await stopClean(again);
  } finally {
    await again.stop();
    await srv.stop();
  }
});

test('rate limit: --checkin-rate per minute per client address, then 429 with Retry-After', { timeout: 120000 }, async () => {
  const srv = await startServer({ demo: false, users: [{ username: 'kt_admin', role: 'admin', password: PASSWORD }],
    serveArgs: ['--checkin-rate', '6'] });
  try {
    const api = bind(srv.url, await mustLogin(srv.url, 'kt_admin'));
    const v = await createVenue(api, UNIT.in, 'Siêu thị Nhỏ', 'supermarket');
    const statuses = [];
    for (let i = 0; i < 8; i++) {
      const r = await pub(srv.url, 'POST', '/api/public/checkins', { code: v.public_code, phone: `09120000${String(10 + i)}` });
      statuses.push(r.status);
      if (r.status === 429) {
        assert.equal(r.body.error, 'rate_limited');
        assert.match(r.body.message, /quá nhanh/);
        assert.equal(r.headers.get('retry-after'), '10');
      }
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429]);
    // Only the accepted ones were written.
    assert.equal(sqlRows(srv.db, 'SELECT count(*) FROM checkins')[0][0], 6);
    // Opening the page has a budget of its own (twice as large), also limited.
    const looks = [];
    for (let i = 0; i < 14; i++) looks.push((await pub(srv.url, 'GET', `/api/public/venues/${v.public_code}`)).status);
    assert.deepEqual(looks.slice(0, 12), Array(12).fill(200));
    assert.ok(looks.slice(12).every((s) => s === 429));
    await stopClean(srv);
  } finally {
    await srv.stop();
  }
});
