// tests/api/declare-authz.test.js: the authorization matrix of the declarations endpoints: every route of
// src/declare/ × every role (the six of tests/lib/fixture.js plus police and venue staff) × a record
// inside and outside the caller's scope and one that does not exist. Expected statuses follow the
// roles table of docs/api.md. Besides the status: lists hold nothing outside scope, "outside scope"
// answers the same bytes as "does not exist" (digits masked), refused writes change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call } from '../lib/server.js';
import { buildWorld, ROLES as BASE_ROLES, UNIT, MISSING_ID, IN_SCOPE as BASE_SCOPE, PASSWORD, mustLogin, bind, expectStatus, uniquePhone, uniqueName, stopClean } from '../lib/fixture.js';

const ROLES = [...BASE_ROLES, 'police', 'venue'];
const IN_SCOPE = { ...BASE_SCOPE, police: { in: true, dist: true, far: false, none: false }, venue: { in: true, dist: false, far: false, none: false } };
const T4 = ['in', 'dist', 'far', 'none'];
const ONE = ['-'];
const PLACE_OF_UNIT = { [UNIT.in]: 'in', [UNIT.dist]: 'dist', [UNIT.far]: 'far' };
const ERROR_CODE = { 400: 'invalid', 403: 'denied', 404: 'not_found', 409: 'conflict' };

// prettier-ignore
const EXPECT = [
  // endpoint                             targets admin              province           district           commune            team               viewer             police             venue
  ['GET /api/declarations?unit=',          T4,  ['200 200 200 400', '200 200 200 400', '200 200 200 400', '200 200 200 400', '200 200 200 400', '403 403 403 403', '403 403 403 403', '403 403 403 403']],
  ['GET /api/declarations/:id',            T4,  ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '200 404 404 404', '403 403 403 403', '403 403 403 403', '403 403 403 403']],
  ['POST /api/declarations',               T4,  ['201 201 201 404', '201 201 404 404', '201 201 404 404', '201 404 404 404', '201 404 404 404', '403 403 403 403', '403 403 403 403', '403 403 403 403']],
  ['GET /api/declarations/stats',          ONE, ['200',             '200',             '200',             '200',             '200',             '200',             '200',             '403']],
  ['GET /api/people/:id/token',            T4,  ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '200 404 404 404', '403 403 403 403', '403 403 403 403', '403 403 403 403']],
  ['POST /api/people/:id/token',           T4,  ['201 201 201 404', '201 201 404 404', '201 201 404 404', '201 404 404 404', '201 404 404 404', '403 403 403 403', '403 403 403 403', '403 403 403 403']],
  ['DELETE /api/people/:id/token',         T4,  ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '200 404 404 404', '403 403 403 403', '403 403 403 403', '403 403 403 403']],
  ['GET /api/alerts?unit=',                T4,  ['200 200 200 400', '200 200 200 400', '200 200 200 400', '200 200 200 400', '200 200 200 400', '403 403 403 403', '403 403 403 403', '403 403 403 403']],
  ['POST /api/alerts/:id/action',          T4,  ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '403 403 403 403', '403 403 403 403', '403 403 403 403', '403 403 403 403']],
  ['GET /api/outbreak-areas',              ONE, ['200',             '200',             '200',             '200',             '200',             '200',             '200',             '403']],
  ['POST /api/outbreak-areas',             T4,  ['201 201 201 404', '201 201 404 404', '201 201 404 404', '403 403 403 403', '403 403 403 403', '403 403 403 403', '403 403 403 403', '403 403 403 403']],
  ['POST /api/outbreak-areas/:id/end',     T4,  ['200 200 200 404', '200 200 404 404', '200 200 404 404', '403 403 403 403', '403 403 403 403', '403 403 403 403', '403 403 403 403', '403 403 403 403']],
  ['GET /api/public/units',                ONE, ['200',             '200',             '200',             '200',             '200',             '200',             '200',             '200']],
  ['POST /api/public/declarations',        ONE, ['201',             '201',             '201',             '201',             '201',             '201',             '201',             '201']],
  ['POST /api/public/declarations/daily',  ONE, ['201',             '201',             '201',             '201',             '201',             '201',             '201',             '201']],
];

// The routes of src/declare/ as the route table has them; each must have a row above.
const ROUTES = ['GET /api/declarations', 'POST /api/declarations', 'GET /api/declarations/stats', 'GET /api/declarations/:id',
  'GET /api/people/:id/token', 'POST /api/people/:id/token', 'DELETE /api/people/:id/token', 'GET /api/alerts',
  'POST /api/alerts/:id/action', 'GET /api/outbreak-areas', 'POST /api/outbreak-areas', 'POST /api/outbreak-areas/:id/end',
  'GET /api/public/units', 'POST /api/public/declarations', 'POST /api/public/declarations/daily'];

let W;
const decls = {}; // target -> a declaration filed in that unit
const asAdmin = (method, p, body) => W.api.admin(method, p, body);
const pid = (t, who = 'member') => (t === 'none' ? MISSING_ID : W.people[t][who].id);
const today = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);

function outOfScope(role, items) {
  const bad = items.filter((x) => !IN_SCOPE[role][PLACE_OF_UNIT[x.unit_code]]);
  return bad.length ? `${bad.length} items outside scope (e.g. ${bad[0].unit_code})` : null;
}

const tokenState = async (t) => (t === 'none' ? '-' : JSON.stringify((await asAdmin('GET', `/api/people/${pid(t, 'head')}/token`)).body));

const CASES = {
  'GET /api/declarations?unit=': {
    request: (role, t) => ({ method: 'GET', path: `/api/declarations?unit=${UNIT[t]}&limit=200` }),
    check: (role, t, res) => {
      const p = outOfScope(role, res.body.items);
      if (p) return p;
      const has = res.body.items.some((d) => d.id === decls[t]);
      return has === IN_SCOPE[role][t] ? null : `fixture declaration ${has ? 'listed' : 'missing'}`;
    },
  },
  'GET /api/declarations/:id': {
    request: (role, t) => ({ method: 'GET', path: `/api/declarations/${t === 'none' ? MISSING_ID : decls[t]}` }),
    check: (role, t, res) => (res.body.declaration.id === decls[t] && res.body.declaration.unit_code === UNIT[t] ? null : 'wrong declaration'),
  },
  'POST /api/declarations': {
    request: (role, t) => ({ method: 'POST', path: '/api/declarations', body: { person_id: pid(t), symptoms: [] } }),
    fingerprint: async (role, t) => (t === 'none' ? '-' : String((await asAdmin('GET', `/api/declarations?person=${pid(t)}&limit=200`)).body.items.length)),
    check: (role, t, res) => (res.body.person_id === pid(t) && res.body.declaration_id > 0 ? null : `answer ${JSON.stringify(res.body)}`),
  },
  'GET /api/declarations/stats': {
    request: () => ({ method: 'GET', path: '/api/declarations/stats' }),
    check: (role, t, res) => (['open_alerts', 'declarations_today', 'symptoms_today'].every((k) => Number.isInteger(res.body[k])) ? null : 'not integers'),
  },
  'GET /api/people/:id/token': {
    request: (role, t) => ({ method: 'GET', path: `/api/people/${pid(t, 'head')}/token` }),
    check: (role, t, res) => (Number.isInteger(res.body.live) ? null : 'no live count'),
  },
  'POST /api/people/:id/token': {
    request: (role, t) => ({ method: 'POST', path: `/api/people/${pid(t, 'head')}/token` }),
    fingerprint: (role, t) => tokenState(t),
    check: (role, t, res) => (/^[0-9A-Z]{26}$/.test(res.body.token) && res.body.qr_svg.startsWith('<svg') ? null : 'no token'),
  },
  'DELETE /api/people/:id/token': {
    prepare: async (role, t) => { if (t !== 'none') await asAdmin('POST', `/api/people/${pid(t, 'head')}/token`); },
    request: (role, t) => ({ method: 'DELETE', path: `/api/people/${pid(t, 'head')}/token` }),
    fingerprint: (role, t) => tokenState(t),
    check: (role, t, res) => (res.body.revoked === 1 ? null : `revoked ${res.body.revoked}`),
  },
  'GET /api/alerts?unit=': {
    request: (role, t) => ({ method: 'GET', path: `/api/alerts?unit=${UNIT[t]}&status=all&limit=200` }),
    check: (role, t, res) => {
      const p = outOfScope(role, res.body.items);
      if (p) return p;
      const has = res.body.items.length > 0;
      return has === IN_SCOPE[role][t] ? null : `alerts ${has ? 'listed' : 'missing'}`;
    },
  },
  'POST /api/alerts/:id/action': {
    prepare: async (role, t, ctx) => {
      if (t === 'none') { ctx.id = MISSING_ID; return; }
      const r = expectStatus(await asAdmin('POST', '/api/declarations', { person_id: pid(t), symptoms: ['fever'] }), 201, 'symptom declaration');
      ctx.id = r.alert_id;
    },
    request: (role, t, ctx) => ({ method: 'POST', path: `/api/alerts/${ctx.id}/action`, body: { action: 'called', note: `${role}` } }),
    fingerprint: async (role, t, ctx) => (t === 'none' ? '-'
      : JSON.stringify((await asAdmin('GET', `/api/alerts?status=all&unit=${UNIT[t]}&limit=200`)).body.items.find((a) => a.id === ctx.id))),
    check: (role, t, res) => (res.body.alert.status === 'done' && res.body.alert.action_note === role ? null : 'not closed'),
  },
  'GET /api/outbreak-areas': {
    request: () => ({ method: 'GET', path: '/api/outbreak-areas' }),
    check: (role, t, res) => (Array.isArray(res.body.items) ? null : 'no items'),
  },
  'POST /api/outbreak-areas': {
    // A marking far in the future, so that it raises no alert elsewhere in this file.
    request: (role, t) => ({ method: 'POST', path: '/api/outbreak-areas', body: { unit_code: UNIT[t], from_date: '2099-01-01', note: role } }),
    fingerprint: async () => String((await asAdmin('GET', '/api/outbreak-areas')).body.items.length),
    check: (role, t, res) => (res.body.outbreak_area.unit_code === UNIT[t] ? null : 'wrong unit'),
  },
  'POST /api/outbreak-areas/:id/end': {
    prepare: async (role, t, ctx) => {
      if (t === 'none') { ctx.id = MISSING_ID; return; }
      ctx.id = expectStatus(await asAdmin('POST', '/api/outbreak-areas', { unit_code: UNIT[t], from_date: today() }), 201, 'mark').outbreak_area.id;
    },
    request: (role, t, ctx) => ({ method: 'POST', path: `/api/outbreak-areas/${ctx.id}/end`, body: {} }),
    fingerprint: async () => JSON.stringify((await asAdmin('GET', '/api/outbreak-areas')).body.items.map((a) => a.to_date)),
    check: (role, t, res) => (res.body.outbreak_area.to_date === today() ? null : 'not ended today'),
    cleanup: async (role, t, ctx) => { if (t !== 'none') await asAdmin('POST', `/api/outbreak-areas/${ctx.id}/end`, {}); },
  },
  'GET /api/public/units': {
    request: () => ({ method: 'GET', path: `/api/public/units?parent=${UNIT.in}` }),
    check: (role, t, res) => (res.body.items.every((u) => Object.keys(u).length === 4) ? null : 'more than names and codes'),
  },
  'POST /api/public/declarations': {
    request: () => ({ method: 'POST', path: '/api/public/declarations', body: { full_name: uniqueName('Công Khai'), birth_year: 1980,
      sex: 'F', phone: uniquePhone('0918'), unit_code: UNIT.in } }),
    check: (role, t, res) => (Object.keys(res.body).sort().join() === 'declared_at,qr_svg,token,token_display' ? null : 'extra members'),
  },
  'POST /api/public/declarations/daily': {
    prepare: async (role, t, ctx) => {
      const r = await call(W.url, null, 'POST', '/api/public/declarations', { full_name: uniqueName('Hằng Ngày'), birth_year: 1981,
        sex: 'M', phone: uniquePhone('0918'), unit_code: UNIT.dist });
      ctx.token = expectStatus(r, 201, 'public declaration').token;
    },
    request: (role, t, ctx) => ({ method: 'POST', path: '/api/public/declarations/daily', body: { token: ctx.token, symptoms: ['cough'] } }),
    check: (role, t, res) => (Object.keys(res.body).join() === 'declared_at' ? null : 'extra members'),
  },
};

async function runCase(key, role, target, want) {
  const def = CASES[key];
  const ctx = {};
  const problems = [];
  if (def.prepare) await def.prepare(role, target, ctx);
  const before = def.fingerprint ? await def.fingerprint(role, target, ctx) : null;
  const req = await def.request(role, target, ctx);
  const res = await call(W.url, W.sess[role], req.method, req.path, req.body);
  if (res.status !== want) {
    problems.push(`status ${res.status}: ${res.text.slice(0, 200)}`);
  } else if (want < 300) {
    const p = def.check ? await def.check(role, target, res, ctx) : null;
    if (p) problems.push(p);
  } else if (!res.body || res.body.error !== ERROR_CODE[want] || !res.body.message) {
    problems.push(`error ${res.body && res.body.error}, want ${ERROR_CODE[want]} with a message`);
  }
  if (want >= 400 && def.fingerprint) {
    const afterState = await def.fingerprint(role, target, ctx);
    if (afterState !== before) problems.push(`refused request changed state: ${before} -> ${afterState}`);
  }
  if (def.cleanup && res.status >= 400) await def.cleanup(role, target, ctx);
  return { status: res.status, text: res.text, problems };
}

before(async () => {
  W = await buildWorld({ serveArgs: ['--declare-rate', '100000'] });
  // Police of the district, staff of a venue in the commune (no venue attached: none is needed here).
  for (const [role, unit] of [['police', '058'], ['venue', UNIT.in]]) {
    const username = `kt_${role}`;
    expectStatus(await asAdmin('POST', '/api/users', { username, password: PASSWORD, role, unit_code: unit, display_name: role }), 201, `create ${role}`);
    W.sess[role] = await mustLogin(W.url, username);
    W.api[role] = bind(W.url, W.sess[role]);
  }
  for (const t of ['in', 'dist', 'far']) {
    decls[t] = expectStatus(await asAdmin('POST', '/api/declarations', { person_id: W.people[t].dweller.id, symptoms: ['cough'] }), 201, `declaration in ${t}`).declaration_id;
  }
});

after(async () => {
  if (W) await W.srv.stop();
});

test('every declarations route is in the matrix', () => {
  const keys = new Set(EXPECT.map(([k]) => k.replace(/\?.*$/, '')));
  for (const r of ROUTES) assert.ok(keys.has(r), `route ${r} has no row`);
  for (const [k, targets, cells] of EXPECT) {
    assert.ok(CASES[k], `no case for ${k}`);
    assert.equal(cells.length, ROLES.length, `${k}: one cell per role`);
    for (const c of cells) assert.equal(c.split(' ').length, targets.length, `${k}: "${c}"`);
  }
});

test('authorization matrix: declarations endpoint × role × target', async () => {
  const lines = [];
  const problems = [];
  let cases = 0;
  for (const [key, targets, cells] of EXPECT) {
    const row = [];
    for (let r = 0; r < ROLES.length; r++) {
      const role = ROLES[r];
      const wants = cells[r].split(' ');
      const got = {};
      const cell = [];
      for (let i = 0; i < targets.length; i++) {
        const t = targets[i];
        const want = Number(wants[i]);
        cases++;
        let res;
        try {
          res = await runCase(key, role, t, want);
        } catch (e) {
          res = { status: 'ERR', text: '', problems: [`threw ${e.message || e}`] };
        }
        got[t] = res;
        cell.push(`${res.status}${res.problems.length ? (res.status === want ? '*' : `!${want}`) : ''}`);
        for (const p of res.problems) problems.push(`${key} | ${role} | ${t}: ${p}`);
      }
      if (got.none && got.none.status === 404) {
        const mask = (x) => (x.text || '').replace(/\d+/g, '#');
        for (const t of ['dist', 'far']) {
          if (!got[t] || got[t].status !== 404 || mask(got[t]) === mask(got.none)) continue;
          problems.push(`${key} | ${role} | ${t}: outside-scope body differs from missing: ${got[t].text} vs ${got.none.text}`);
          cell[targets.indexOf(t)] += '≠';
        }
      }
      row.push(cell.join(' ').padEnd(15));
    }
    lines.push(`${key.padEnd(38)} ${row.join(' | ')}`);
  }
  const report = [`${cases} cases; got!expected, * = right status, wrong answer, ≠ = outside differs from missing`,
    `${''.padEnd(38)} ${ROLES.map((r) => r.padEnd(15)).join(' | ')}`, ...lines, '', ...problems].join('\n');
  assert.equal(problems.length, 0, `declarations authorization matrix has ${problems.length} problem(s):\n${report}`);
  assert.ok(cases > 300, `only ${cases} cases ran`);
});

test('the server shuts down cleanly', async () => {
  await stopClean(W.srv);
});
