// tests/api/venues-authz.test.js: the authorization matrix of the venue and check-in endpoints. Every
// endpoint × the eight roles (the six of the main matrix plus police and venue staff) × a record inside
// the caller's scope (01834), in the district (01837), in another province (00001) and missing. The
// expected statuses below follow docs/api.md: venues.read for everyone but viewers, venues.write and
// checkins.read for officials, checkin.scan for officials, teams and venue staff; a venue account sees
// and scans only its own venue (the 01834 one). Outside scope answers exactly as missing (404); refused
// writes change nothing; public endpoints answer alike for every caller. Also: no session -> 401.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { run, call } from '../lib/server.js';
import { buildWorld, expectStatus, UNIT, MISSING_ID, PASSWORD, mustLogin, bind, callRaw, stopClean } from '../lib/fixture.js';
import { createVenue, tokenFor, sqlRows } from './venues-world.js';

const ROLES = ['admin', 'province', 'district', 'commune', 'team', 'viewer', 'police', 'venue'];
const T4 = ['in', 'dist', 'far', 'none'];
const ONE = ['-'];

// prettier-ignore
const EXPECT = [
  // endpoint                          targets admin              province           district           commune            team               viewer             police             venue
  ['GET /api/venues/kinds',             ONE, ['200',             '200',             '200',             '200',             '200',             '403',             '200',             '200']],
  ['GET /api/venues?unit=',             T4,  ['200 200 200 400', '200 200 200 400', '200 200 200 400', '200 200 200 400', '200 200 200 400', '403 403 403 403', '200 200 200 400', '200 200 200 400']],
  ['POST /api/venues',                  T4,  ['201 201 201 400', '201 201 400 400', '201 201 400 400', '201 400 400 400', '403 403 403 403', '403 403 403 403', '403 403 403 403', '403 403 403 403']],
  ['GET /api/venues/:id',               T4,  ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '200 404 404 404', '403 403 403 403', '200 200 404 404', '200 404 404 404']],
  ['PUT /api/venues/:id',               T4,  ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '403 403 403 403', '403 403 403 403', '403 403 403 403', '403 403 403 403']],
  ['GET /api/venues/:id/poster.svg',    T4,  ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '200 404 404 404', '403 403 403 403', '200 200 404 404', '200 404 404 404']],
  ['GET /api/venues/:id/poster.png',    T4,  ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '200 404 404 404', '403 403 403 403', '200 200 404 404', '200 404 404 404']],
  ['GET /api/venues/:id/poster.pdf',    T4,  ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '200 404 404 404', '403 403 403 403', '200 200 404 404', '200 404 404 404']],
  ['POST /api/venues/:id/scan',         T4,  ['201 201 201 404', '201 201 404 404', '201 201 404 404', '201 404 404 404', '201 404 404 404', '403 403 403 403', '403 403 403 403', '201 404 404 404']],
  ['GET /api/venues/:id/checkins',      T4,  ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '403 403 403 403', '403 403 403 403', '403 403 403 403', '403 403 403 403']],
  ['GET /api/people/:id/checkins',      T4,  ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '403 403 403 403', '403 403 403 403', '403 403 403 403', '403 403 403 403']],
  ['GET /api/public/venues/:code',      T4,  ['200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404']],
  ['POST /api/public/checkins',         T4,  ['201 201 201 404', '201 201 201 404', '201 201 201 404', '201 201 201 404', '201 201 201 404', '201 201 201 404', '201 201 201 404', '201 201 201 404']],
  ['POST /api/public/checkouts',        T4,  ['200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404']],
];

// Scope of each role over the places (venue role: its own venue only, which is the 01834 one).
const IN_SCOPE = {
  admin: { in: true, dist: true, far: true }, province: { in: true, dist: true }, district: { in: true, dist: true },
  commune: { in: true }, team: { in: true }, viewer: {}, police: { in: true, dist: true }, venue: { in: true },
};
const ERROR_CODE = { 400: 'invalid', 401: 'unauthenticated', 403: 'denied', 404: 'not_found' };

let W;
const api = {};
const sess = {};
const venues = {};
let visitor;      // the person scanned by staff
let visitorToken;
let seq = 0;

const admin = (m, p, b) => api.admin(m, p, b);
const venueId = (t) => (t === 'none' ? MISSING_ID : venues[t].id);
const venueCode = (t) => (t === 'none' ? 'khongcoma0000' : venues[t].public_code);
const personId = (t) => (t === 'none' ? MISSING_ID : W.people[t].head.id);
const venueCount = async () => JSON.stringify((await admin('GET', '/api/venues?limit=500')).body.items.length);
const venueState = async (t) => (t === 'none' ? venueCount() : JSON.stringify((await admin('GET', `/api/venues/${venueId(t)}`)).body));
const checkinCount = () => JSON.stringify(sqlRows(W.srv.db, 'SELECT count(*), total(coalesce(out_at, 0)) FROM checkins'));
const inScope = (role, t) => !!IN_SCOPE[role][t];

const CASES = {
  'GET /api/venues/kinds': {
    request: () => ({ method: 'GET', path: '/api/venues/kinds' }),
    check: (role, t, res) => (res.body.items.length === 12 ? null : 'not 12 kinds'),
  },
  'GET /api/venues?unit=': {
    request: (role, t) => ({ method: 'GET', path: `/api/venues?limit=500&unit=${UNIT[t] || '99999'}` }),
    check: (role, t, res) => {
      const ids = res.body.items.map((v) => v.id);
      const placeOf = (v) => Object.keys(UNIT).find((k) => UNIT[k] === v.unit_code);
      const visible = (v) => (role === 'venue' ? v.id === venues.in.id : inScope(role, placeOf(v)));
      const bad = res.body.items.filter((v) => !visible(v));
      if (bad.length) return `listed venue ${bad[0].id} outside scope`;
      if (inScope(role, t) !== ids.includes(venues[t].id)) return `fixture venue ${inScope(role, t) ? 'missing' : 'leaked'}`;
      return null;
    },
  },
  'POST /api/venues': {
    request: (role, t) => ({ method: 'POST', path: '/api/venues', body: { name: `Địa điểm ma trận ${role} ${++seq}`, kind: 'office', unit_code: UNIT[t] || '99999' } }),
    fingerprint: venueCount,
    check: (role, t, res) => (res.body.venue.unit_code === UNIT[t] ? null : 'wrong unit'),
  },
  'GET /api/venues/:id': {
    request: (role, t) => ({ method: 'GET', path: `/api/venues/${venueId(t)}` }),
    check: (role, t, res) => (res.body.venue.id === venueId(t) ? null : 'wrong venue'),
  },
  'PUT /api/venues/:id': {
    prepare: async (role, t, ctx) => { ctx.cur = (await admin('GET', `/api/venues/${t === 'none' ? venues.in.id : venueId(t)}`)).body.venue; },
    request: (role, t, ctx) => ({ method: 'PUT', path: `/api/venues/${venueId(t)}`, body: { ...ctx.cur, address: `Sửa bởi ${role} ${++seq}` } }),
    fingerprint: (role, t) => venueState(t),
    check: (role, t, res, req, ctx) => (res.body.venue.version === ctx.cur.version + 1 && res.body.venue.address === req.body.address ? null : 'not updated'),
  },
  ...Object.fromEntries(['svg', 'png', 'pdf'].map((fmt) => [`GET /api/venues/:id/poster.${fmt}`, {
    request: (role, t) => ({ method: 'GET', path: `/api/venues/${venueId(t)}/poster.${fmt}`, binary: true }),
    check: (role, t, res) => {
      const type = res.headers.get('content-type');
      const want = { svg: 'image/svg+xml', png: 'image/png', pdf: 'application/pdf' }[fmt];
      return type.startsWith(want) && res.buf.length > 1000 ? null : `got ${type}, ${res.buf.length} bytes`;
    },
  }])),
  'POST /api/venues/:id/scan': {
    prepare: async (role, t) => { // the visitor starts outside every venue
      if (t !== 'none') await admin('POST', `/api/venues/${venueId(t)}/scan`, { token: visitorToken, action: 'out' });
    },
    request: (role, t) => ({ method: 'POST', path: `/api/venues/${venueId(t)}/scan`, body: { token: visitorToken, action: 'in' } }),
    fingerprint: checkinCount,
    check: (role, t, res) => (res.body.action === 'in' && res.body.checkin.venue_id === venueId(t) && res.body.person.id === visitor.id
      ? null : `scan answer ${JSON.stringify(res.body)}`),
  },
  'GET /api/venues/:id/checkins': {
    request: (role, t) => ({ method: 'GET', path: `/api/venues/${venueId(t)}/checkins?limit=500` }),
    check: (role, t, res) => (res.body.items.length > 0 && res.body.items.every((c) => c.venue_id === venueId(t)) ? null : 'wrong rows'),
  },
  'GET /api/people/:id/checkins': {
    request: (role, t) => ({ method: 'GET', path: `/api/people/${personId(t)}/checkins?limit=500` }),
    check: (role, t, res) => (res.body.items.length > 0 && res.body.items.every((c) => c.person_id === personId(t)) ? null : 'wrong rows'),
  },
  'GET /api/public/venues/:code': {
    request: (role, t) => ({ method: 'GET', path: `/api/public/venues/${venueCode(t)}` }),
    check: (role, t, res) => (res.body.venue.name === venues[t].name && res.body.venue.id === undefined ? null : 'wrong venue'),
  },
  'POST /api/public/checkins': {
    prepare: async (role, t, ctx) => {
      const p = expectStatus(await admin('POST', '/api/people', { full_name: `Khách Công Khai ${'ABCDEGHIKLMNOPQRSTUVXY'[++seq % 22]}`,
        unit_code: UNIT.in }), 201, 'visitor').person;
      ctx.token = tokenFor(W.srv.db, p.id);
    },
    request: (role, t, ctx) => ({ method: 'POST', path: '/api/public/checkins', body: { code: venueCode(t), token: ctx.token } }),
    fingerprint: checkinCount,
    check: (role, t, res) => (res.body.checkin.venue_id === venues[t].id && res.body.checkin.state === 'in' ? null : 'wrong visit'),
  },
  'POST /api/public/checkouts': {
    prepare: async (role, t, ctx) => {
      const p = expectStatus(await admin('POST', '/api/people', { full_name: `Khách Ra Về ${'ABCDEGHIKLMNOPQRSTUVXY'[++seq % 22]}`,
        unit_code: UNIT.in }), 201, 'visitor').person;
      ctx.token = tokenFor(W.srv.db, p.id);
      if (t !== 'none') expectStatus(await call(W.url, null, 'POST', '/api/public/checkins', { code: venueCode(t), token: ctx.token }), 201, 'in first');
    },
    request: (role, t, ctx) => ({ method: 'POST', path: '/api/public/checkouts', body: { code: venueCode(t), token: ctx.token } }),
    fingerprint: checkinCount,
    check: (role, t, res) => (res.body.checkin.state === 'out' ? null : 'not out'),
  },
};

async function runCase(key, role, t, want) {
  const def = CASES[key];
  const ctx = {};
  const problems = [];
  if (def.prepare) await def.prepare(role, t, ctx);
  const before = def.fingerprint ? await def.fingerprint(role, t) : null;
  const req = def.request(role, t, ctx);
  const res = req.binary ? await callRaw(W.url, sess[role], req.method, req.path)
    : await call(W.url, sess[role], req.method, req.path, req.body);
  if (res.status !== want) {
    problems.push(`status ${res.status}: ${res.text.slice(0, 200)}`);
  } else if (want < 300) {
    const p = def.check ? await def.check(role, t, res, req, ctx) : null;
    if (p) problems.push(p);
  } else if (!res.body || res.body.error !== ERROR_CODE[want] || !res.body.message) {
    problems.push(`error ${res.body && res.body.error}, want ${ERROR_CODE[want]} with a message`);
  }
  if (want >= 400 && def.fingerprint && (await def.fingerprint(role, t)) !== before) problems.push('refused request changed state');
  return { status: res.status, text: res.text, problems };
}

before(async () => {
  W = await buildWorld({ serveArgs: ['--checkin-rate', '100000'] });
  for (const r of ['admin', 'province', 'district', 'commune', 'team', 'viewer']) { api[r] = W.api[r]; sess[r] = W.sess[r]; }
  for (const t of ['in', 'dist', 'far']) venues[t] = await createVenue(W.api.admin, UNIT[t], `Chợ Ma Trận ${t}`, 'market');
  const police = await run(['user', 'add', '--db', W.srv.db, '--username', 'kt_congan', '--role', 'police', '--unit', '058', '--password-stdin'],
    { input: `${PASSWORD}\n` });
  assert.equal(police.code, 0, police.stderr);
  const staff = await run(['user', 'add', '--db', W.srv.db, '--username', 'kt_diadiem', '--role', 'venue', '--unit', UNIT.in,
    '--venue', String(venues.in.id), '--password-stdin'], { input: `${PASSWORD}\n` });
  assert.equal(staff.code, 0, staff.stderr);
  sess.police = await mustLogin(W.url, 'kt_congan');
  sess.venue = await mustLogin(W.url, 'kt_diadiem');
  api.police = bind(W.url, sess.police);
  api.venue = bind(W.url, sess.venue);
  visitor = W.people.in.member;
  visitorToken = tokenFor(W.srv.db, visitor.id);
  // Every venue and every fixture head has a visit, so that readers have rows to show.
  for (const t of ['in', 'dist', 'far']) {
    const tok = tokenFor(W.srv.db, W.people[t].head.id);
    expectStatus(await call(W.url, null, 'POST', '/api/public/checkins', { code: venues[t].public_code, token: tok }), 201, `visit ${t}`);
  }
});

after(async () => {
  if (W) await stopClean(W.srv);
});

test('venue and check-in endpoints: role × target matrix', { timeout: 600000 }, async () => {
  const lines = [];
  const problems = [];
  let cases = 0;
  for (const [key, targets, cells] of EXPECT) {
    assert.equal(cells.length, ROLES.length, key);
    const row = [];
    for (let r = 0; r < ROLES.length; r++) {
      const role = ROLES[r];
      const wants = cells[r].split(' ');
      assert.equal(wants.length, targets.length, `${key} ${role}`);
      const got = {};
      const cell = [];
      for (let i = 0; i < targets.length; i++) {
        const t = targets[i];
        cases++;
        let res;
        try {
          res = await runCase(key, role, t, Number(wants[i]));
        } catch (e) {
          res = { status: 'ERR', problems: [`threw ${e.stack || e}`] };
        }
        got[t] = res;
        cell.push(`${res.status}${res.problems.length ? `!${wants[i]}` : ''}`);
        for (const p of res.problems) problems.push(`${key} | ${role} | ${t}: ${p}`);
      }
      if (got.none && got.none.status === 404) { // outside scope reads exactly like missing
        const mask = (x) => (x.text || '').replace(/\d+/g, '#');
        for (const t of ['dist', 'far']) {
          if (got[t] && got[t].status === 404 && mask(got[t]) !== mask(got.none)) {
            problems.push(`${key} | ${role} | ${t}: outside-scope body differs from missing: ${got[t].text} vs ${got.none.text}`);
          }
        }
      }
      row.push(cell.join(' ').padEnd(17));
    }
    lines.push(`${key.padEnd(34)} ${row.join(' | ')}`);
  }
  const report = [`${cases} cases`, `${''.padEnd(34)} ${ROLES.map((r) => r.padEnd(17)).join(' | ')}`, ...lines, '', ...problems].join('\n');
  assert.equal(problems.length, 0, `venue authorization matrix has ${problems.length} problem(s):\n${report}`);
  assert.ok(cases >= 400, `only ${cases} cases`);
});

test('without a session every non-public venue endpoint answers 401', async () => {
  const paths = [['GET', '/api/venues'], ['GET', '/api/venues/kinds'], ['POST', '/api/venues'], ['GET', `/api/venues/${venues.in.id}`],
    ['PUT', `/api/venues/${venues.in.id}`], ['GET', `/api/venues/${venues.in.id}/poster.png`],
    ['POST', `/api/venues/${venues.in.id}/scan`], ['GET', `/api/venues/${venues.in.id}/checkins`],
    ['GET', `/api/people/${W.people.in.head.id}/checkins`]];
  for (const [m, p] of paths) {
    const r = await call(W.url, null, m, p, m === 'GET' ? undefined : {});
    assert.equal(r.status, 401, `${m} ${p}: ${r.status}`);
  }
  // Writes with a session but without the CSRF header are refused before anything happens.
  const r = await call(W.url, { cookie: sess.commune.cookie }, 'POST', `/api/venues/${venues.in.id}/scan`, { token: visitorToken, action: 'in' });
  assert.equal(r.status, 403);
  assert.equal(r.body.error, 'csrf');
});
