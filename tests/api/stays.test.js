// tests/api/stays.test.js: stays of foreigners over HTTP, and their authorization matrix: every stays
// endpoint × every role (the six of the registry, police of the district, police of another district,
// staff of a hotel inside and of one outside the commune) × a stay or hotel inside the commune (01834),
// elsewhere in the district (01837), in another province (Hà Nội, 00001) and one that does not exist.
// Besides the status, lists and exports must hold exactly the stays in scope, "outside scope" must
// answer the same bytes as "does not exist", and refused writes must change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run, startServer } from '../lib/server.js';
import { PASSWORD, mustLogin, bind, expectStatus, xlsxText, callRaw, stopClean } from '../lib/fixture.js';

const ROLES = ['admin', 'province', 'district', 'commune', 'team', 'viewer', 'police', 'police060', 'hotel', 'hotel2'];
const T4 = ['in', 'dist', 'far', 'none'];
const UNITS = { in: '01834', dist: '01837', far: '00001' };
const MISSING = 987654;

// prettier-ignore
const EXPECT = {
  //                                admin              province           district           commune            team               viewer             police             police060          hotel              hotel2
  'GET /api/stays/:id':           ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '403 403 403 403', '403 403 403 403', '200 200 404 404', '404 404 404 404', '200 404 404 404', '404 200 404 404'],
  'POST /api/stays':              ['201 201 201 404', '201 201 404 404', '201 201 404 404', '201 404 404 404', '403 403 403 403', '403 403 403 403', '403 403 403 403', '403 403 403 403', '201 404 404 404', '404 201 404 404'],
  'POST /api/stays/:id/leave':    ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '403 403 403 403', '403 403 403 403', '403 403 403 403', '403 403 403 403', '200 404 404 404', '404 200 404 404'],
};
// Which places each role sees in lists and exports (null: 403).
const SEES = {
  admin: ['in', 'dist', 'far'], province: ['in', 'dist'], district: ['in', 'dist'], commune: ['in'], team: null,
  viewer: null, police: ['in', 'dist'], police060: [], hotel: ['in'], hotel2: ['dist'],
};
// Where each role may register guests (GET /api/stays/venues; null: 403).
const WRITES = {
  admin: ['in', 'dist', 'far'], province: ['in', 'dist'], district: ['in', 'dist'], commune: ['in'], team: null,
  viewer: null, police: null, police060: null, hotel: ['in'], hotel2: ['dist'],
};

let srv;
let api = {};
const hotel = {}; // place -> venue id
const stay = {}; // place -> {id, name}
let seq = 0;

const today = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);

async function cli(args, input) {
  const r = await run(args, { input });
  assert.equal(r.code, 0, `phongdich ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function guest(venueId, extra = {}) {
  seq += 1;
  return { venue_id: venueId, full_name: `Guest Number ${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[seq % 26]}${'abcdefghij'[Math.floor(seq / 26) % 10]}`,
    birth_date: '1980-02-03', sex: 'F', passport: `K${String(1000000 + seq)}`, nationality: 'KR', arrive_date: today(), room: '12', ...extra };
}

before(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'phongdich-stays-'));
  const db = path.join(dir, 'stays.db');
  await cli(['init', '--db', db]);
  for (const [t, unit] of Object.entries(UNITS)) {
    hotel[t] = JSON.parse(await cli(['venue', 'add', '--db', db, '--name', `Khách sạn Thử ${t}`, '--kind', 'accommodation', '--unit', unit, '--json'])).id;
  }
  const users = [
    ['kt_admin', 'admin', null], ['kt_tinh', 'province', '06'], ['kt_huyen', 'district', '058'], ['kt_xa', 'commune', '01834'],
    ['kt_todoi', 'team', '01834'], ['kt_xem', 'viewer', '058'], ['kt_congan', 'police', '058'], ['kt_congan060', 'police', '060'],
    ['kt_ks', 'venue', '01834', hotel.in], ['kt_ks2', 'venue', '01837', hotel.dist],
  ];
  for (const [u, role, unit, venue] of users) {
    const args = ['user', 'add', '--db', db, '--username', u, '--role', role, '--password-stdin'];
    if (unit) args.push('--unit', unit);
    if (venue) args.push('--venue', String(venue));
    await cli(args, PASSWORD + '\n');
  }
  srv = await startServer({ db, demo: false });
  for (let i = 0; i < ROLES.length; i++) api[ROLES[i]] = bind(srv.url, await mustLogin(srv.url, users[i][0]));
  for (const t of ['in', 'dist', 'far']) {
    const g = guest(hotel[t], { arrive_date: shiftDays(-3) });
    const body = expectStatus(await api.admin('POST', '/api/stays', g), 201, `seed stay ${t}`);
    stay[t] = { id: body.stay.id, name: body.stay.full_name };
  }
});

after(async () => { if (srv) await stopClean(srv); });

function shiftDays(n) {
  return new Date(Date.now() + 7 * 3600 * 1000 + n * 86400 * 1000).toISOString().slice(0, 10);
}

const countAll = async () => expectStatus(await api.admin('GET', '/api/stays?limit=1'), 200, 'admin count').total;
const stayId = (t) => (t === 'none' ? MISSING : stay[t].id);
const hotelId = (t) => (t === 'none' ? MISSING : hotel[t]);

function matrixCheck(name, got) {
  const rows = ROLES.map((r, i) => `${r.padEnd(10)} ${got[r].join(' ')}  (want ${EXPECT[name][i]})`);
  const bad = ROLES.filter((r, i) => got[r].join(' ') !== EXPECT[name][i]);
  assert.deepEqual(bad, [], `${name}\n${rows.join('\n')}`);
}

test('GET /api/stays/:id: every role × in / district / other province / missing', async () => {
  const got = {};
  const missingBody = {};
  for (const role of ROLES) {
    got[role] = [];
    for (const t of T4) {
      const r = await api[role]('GET', `/api/stays/${stayId(t)}`);
      got[role].push(String(r.status));
      if (r.status === 200) assert.equal(r.body.stay.id, stay[t].id);
      if (r.status === 404) {
        // Outside scope answers exactly like a stay that does not exist.
        missingBody[role] ??= (await api[role]('GET', `/api/stays/${MISSING}`)).text;
        assert.equal(r.text, missingBody[role], `${role} ${t}: 404 body differs from a missing stay`);
      }
    }
  }
  matrixCheck('GET /api/stays/:id', got);
});

test('GET /api/stays and the XLSX export hold exactly the stays in scope', async () => {
  for (const role of ROLES) {
    const r = await api[role]('GET', '/api/stays?limit=500');
    if (SEES[role] === null) {
      assert.equal(r.status, 403, `${role} list`);
      assert.equal(r.body.error, 'denied');
      continue;
    }
    assert.equal(r.status, 200, `${role} list: ${r.text}`);
    const ids = new Set(r.body.items.map((s) => s.id));
    for (const t of ['in', 'dist', 'far']) {
      assert.equal(ids.has(stay[t].id), SEES[role].includes(t), `${role} list and the ${t} stay`);
    }
    for (const s of r.body.items) assert.ok(Object.values(hotel).includes(s.venue_id));
    assert.equal(r.body.total, r.body.items.length, `${role} total`);
  }
  // Police of another district: an empty list, an empty export, a count of 0.
  const other = await api.police060('GET', '/api/stays?present=1');
  assert.deepEqual([other.status, other.body.items.length, other.body.total], [200, 0, 0]);
});

test('XLSX export per role', async () => {
  for (const role of ROLES) {
    const sess = await mustLogin(srv.url, roleUser(role));
    const r = await callRaw(srv.url, sess, 'GET', '/api/exports/stays.xlsx');
    if (SEES[role] === null) {
      assert.equal(r.status, 403, `${role} export`);
      continue;
    }
    assert.equal(r.status, 200, `${role} export: ${r.text.slice(0, 200)}`);
    assert.match(r.headers.get('content-type'), /spreadsheetml/);
    const text = xlsxText(r.buf);
    assert.match(text, /Số hộ chiếu/);
    for (const t of ['in', 'dist', 'far']) {
      assert.equal(text.includes(stay[t].name), SEES[role].includes(t), `${role} export and the ${t} stay`);
    }
  }
});

const USERS = { admin: 'kt_admin', province: 'kt_tinh', district: 'kt_huyen', commune: 'kt_xa', team: 'kt_todoi', viewer: 'kt_xem',
  police: 'kt_congan', police060: 'kt_congan060', hotel: 'kt_ks', hotel2: 'kt_ks2' };
const roleUser = (r) => USERS[r];

test('POST /api/stays: every role × a hotel in / in the district / in another province / missing', async () => {
  const got = {};
  for (const role of ROLES) {
    got[role] = [];
    for (const t of T4) {
      const before = await countAll();
      const r = await api[role]('POST', '/api/stays', guest(hotelId(t)));
      got[role].push(String(r.status));
      const after = await countAll();
      assert.equal(after, before + (r.status === 201 ? 1 : 0), `${role} ${t}: a refused registration changed nothing`);
      if (r.status === 201) {
        assert.equal(r.body.stay.venue_id, hotel[t]);
        assert.equal(r.body.stay.nationality_name, 'Hàn Quốc');
      }
    }
  }
  matrixCheck('POST /api/stays', got);
});

test('POST /api/stays/:id/leave: every role × stays in / district / other province / missing', async () => {
  const got = {};
  for (const role of ROLES) {
    got[role] = [];
    for (const t of T4) {
      const r = await api[role]('POST', `/api/stays/${stayId(t)}/leave`, { leave_date: today() });
      got[role].push(String(r.status));
      if (r.status === 200) assert.equal(r.body.stay.leave_date, today());
    }
  }
  matrixCheck('POST /api/stays/:id/leave', got);
});

test('GET /api/stays/venues: where each role may register guests', async () => {
  for (const role of ROLES) {
    const r = await api[role]('GET', '/api/stays/venues');
    if (WRITES[role] === null) {
      assert.equal(r.status, 403, `${role}`);
      continue;
    }
    assert.equal(r.status, 200, `${role}: ${r.text}`);
    const ids = r.body.items.map((v) => v.id).sort();
    assert.deepEqual(ids, WRITES[role].map((t) => hotel[t]).sort(), `${role} venues`);
  }
});

test('registration: validation messages, double registration, filters', async () => {
  const bad = await api.hotel('POST', '/api/stays', { full_name: '', passport: '1', nationality: 'VN', arrive_date: '31/02/2021', sex: 'X' });
  assert.equal(bad.status, 400);
  const fields = bad.body.errors.map((e) => e.field);
  for (const f of ['full_name', 'passport', 'nationality', 'arrive_date', 'sex', 'birth_date']) assert.ok(fields.includes(f), `error for ${f}: ${bad.text}`);
  assert.ok(bad.body.errors.every((e) => /[à-ỹ]/.test(e.message)), 'messages in Vietnamese');
  // The hotel's account registers at its own hotel without naming it.
  const g = guest(undefined, { nationality: 'US', passport: 'Z9876543', arrive_date: shiftDays(-1) });
  delete g.venue_id;
  const ok = expectStatus(await api.hotel('POST', '/api/stays', g), 201, 'register without venue_id');
  assert.equal(ok.stay.venue_id, hotel.in);
  const again = await api.hotel('POST', '/api/stays', { ...g, arrive_date: today() });
  assert.equal(again.status, 409, `double registration: ${again.text}`);
  // Filters: present today, arrival window, nationality.
  const us = expectStatus(await api.police('GET', '/api/stays?nationality=US&present=1'), 200, 'filter');
  assert.deepEqual(us.items.map((s) => s.id), [ok.stay.id]);
  const window = expectStatus(await api.police('GET', `/api/stays?from=${shiftDays(-1)}&to=${shiftDays(-1)}&nationality=us`), 200, 'window');
  assert.equal(window.total, 1);
  const none = expectStatus(await api.police('GET', `/api/stays?to=${shiftDays(-30)}`), 200, 'old');
  assert.equal(none.total, 0);
  const badDate = await api.police('GET', '/api/stays?from=abc');
  assert.equal(badDate.status, 400);
  assert.equal(badDate.body.field, 'from');
});
