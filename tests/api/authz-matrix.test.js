// tests/api/authz-matrix.test.js: the authorization matrix. Every endpoint of src/http/routes.c × every role
// × records inside and outside the role's scope (and a record that does not exist), against a real server
// and SQLite file. The expected statuses are written down below (EXPECT), derived from the roles table of
// docs/api.md. Besides the status, each case checks the answer (lists and exports never hold people
// outside scope; "outside scope" answers the same bytes as "does not exist") and that refused writes
// changed nothing. On failure the whole matrix is printed, with got!expected in the wrong cells.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { login, call } from '../lib/server.js';
import {
  buildWorld, ROLES, UNIT, MISSING_ID, MARK, IN_SCOPE, ACCOUNTS, PASSWORD, mustLogin, waitJob, xlsxText,
  uniqueName, expectStatus, callRaw, allPeople, stopClean,
} from '../lib/fixture.js';

const T4 = ['in', 'dist', 'far', 'none']; // 01834 (everyone's scope), 01837 (district's), 00001 (admin's), missing
const ONE = ['-']; // endpoints without a target record
const JOBS = ['mine', 'other', 'none']; // import jobs: started by the caller, by someone else, missing

// prettier-ignore
const EXPECT = [
  // endpoint                                 targets  admin              province           district           commune            team               viewer
  ['POST /api/login',                         ONE,  ['200',             '200',             '200',             '200',             '200',             '200']],
  ['POST /api/logout',                        ONE,  ['200',             '200',             '200',             '200',             '200',             '200']],
  ['GET /api/me',                             ONE,  ['200',             '200',             '200',             '200',             '200',             '200']],
  ['GET /api/users',                          ONE,  ['200',             '403',             '403',             '403',             '403',             '403']],
  ['POST /api/users',                         ONE,  ['201',             '403',             '403',             '403',             '403',             '403']],
  ['GET /api/stats',                          ONE,  ['200',             '200',             '200',             '200',             '200',             '200']],
  ['GET /api/units',                          ONE,  ['200',             '200',             '200',             '200',             '200',             '200']],
  ['GET /api/units/search',                   ONE,  ['200',             '200',             '200',             '200',             '200',             '200']],
  ['GET /api/units/:code',                    T4,   ['200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404', '200 200 200 404']],
  ['POST /api/units/:code/areas',             T4,   ['201 201 201 404', '201 201 404 404', '201 201 404 404', '201 404 404 404', '403 403 403 403', '403 403 403 403']],
  ['GET /api/people?unit=',                   T4,   ['200 200 200 400', '200 200 200 400', '200 200 200 400', '200 200 200 400', '200 200 200 400', '403 403 403 403']],
  ['GET /api/people?q=name',                  ONE,  ['200',             '200',             '200',             '200',             '200',             '403']],
  ['GET /api/people?q=digits',                ONE,  ['200',             '200',             '200',             '200',             '200',             '403']],
  ['POST /api/people',                        T4,   ['201 201 201 400', '201 201 400 400', '201 201 400 400', '201 400 400 400', '403 403 403 403', '403 403 403 403']],
  ['GET /api/people/:id',                     T4,   ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '200 404 404 404', '403 403 403 403']],
  ['PUT /api/people/:id',                     T4,   ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '403 403 403 403', '403 403 403 403']],
  ['GET /api/households?unit=',               T4,   ['200 200 200 400', '200 200 200 400', '200 200 200 400', '200 200 200 400', '200 200 200 400', '403 403 403 403']],
  ['POST /api/households',                    T4,   ['201 201 201 400', '201 201 400 400', '201 201 400 400', '201 400 400 400', '403 403 403 403', '403 403 403 403']],
  ['GET /api/households/:id',                 T4,   ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '200 404 404 404', '403 403 403 403']],
  ['PUT /api/households/:id',                 T4,   ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '403 403 403 403', '403 403 403 403']],
  ['POST /api/households/:id/members',        T4,   ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '403 403 403 403', '403 403 403 403']],
  ['DELETE /api/households/:id/members/:pid', T4,   ['200 200 200 404', '200 200 404 404', '200 200 404 404', '200 404 404 404', '403 403 403 403', '403 403 403 403']],
  ['POST /api/imports',                       T4,   ['202 202 202 202', '202 202 202 202', '202 202 202 202', '202 202 202 202', '403 403 403 403', '403 403 403 403']],
  ['GET /api/imports/:id',                    JOBS, ['200 200 404',     '200 404 404',     '200 404 404',     '200 404 404',     '-- 403 403',      '-- 403 403']],
  ['GET /api/exports/people.csv',             T4,   ['200 200 200 400', '200 200 200 400', '200 200 200 400', '200 200 200 400', '403 403 403 403', '403 403 403 403']],
  ['GET /api/exports/people.csv (all)',       ONE,  ['200',             '200',             '200',             '200',             '403',             '403']],
  ['GET /api/exports/people.xlsx',            T4,   ['200 200 200 400', '200 200 200 400', '200 200 200 400', '200 200 200 400', '403 403 403 403', '403 403 403 403']],
  ['GET /api/audit',                          ONE,  ['200',             '403',             '403',             '403',             '403',             '403']],
  ['GET /api/audit.csv',                      ONE,  ['200',             '403',             '403',             '403',             '403',             '403']],
  ['GET /api/audit.xlsx',                     ONE,  ['200',             '403',             '403',             '403',             '403',             '403']],
];

// Permissions each role must report in /api/me (docs/api.md roles table).
const WRITER = ['units.read', 'areas.write', 'people.read', 'people.write', 'people.import', 'people.export'];
// Issue 3's permissions: declarations, alerts, venues, check-ins, stays, ingest.
const EPI = ['declare.assist', 'declarations.read', 'alerts.act', 'venues.read', 'venues.write', 'checkins.read',
  'checkin.scan', 'stays.read', 'stays.write'];
// Issue 4's: cases and tracing.
const CASE_PERMS = ['cases.read', 'cases.write', 'trace'];
// Issues 5-7: testing, quarantine, care, vaccination, risk levels, directives (risk.write is not a commune's).
const LATER = ['lab.read', 'lab.write', 'quarantine.read', 'quarantine.write', 'care.read', 'care.write',
  'vaccination.read', 'vaccination.write', 'risk.read', 'directives.read', 'directives.write', 'tasks.report'];
const PERMS = {
  admin: [...WRITER, ...EPI, 'outbreak.write', 'ingest', ...CASE_PERMS, ...LATER, 'risk.write', 'audit.read',
    'users.manage'],
  province: [...WRITER, ...EPI, 'outbreak.write', 'ingest', ...CASE_PERMS, ...LATER, 'risk.write'],
  district: [...WRITER, ...EPI, 'outbreak.write', 'ingest', ...CASE_PERMS, ...LATER, 'risk.write'],
  commune: [...WRITER, ...EPI, ...CASE_PERMS, ...LATER],
  team: ['units.read', 'people.read', 'declare.assist', 'declarations.read', 'venues.read', 'checkin.scan', 'cases.read',
    'quarantine.read', 'care.read', 'care.write', 'vaccination.read', 'risk.read', 'directives.read', 'tasks.report'],
  viewer: ['units.read', 'risk.read', 'directives.read'],
};

// The error code each refusal status must carry.
const ERROR_CODE = { 400: 'invalid', 401: 'unauthenticated', 403: 'denied', 404: 'not_found', 409: 'conflict' };

const PLACE_OF_UNIT = { [UNIT.in]: 'in', [UNIT.dist]: 'dist', [UNIT.far]: 'far' };
const nfc = (s) => s.normalize('NFC');
const headName = (t) => nfc(`Kiểm Thử ${MARK[t]} Chủ Hộ`);
const SCOPE_UNIT = { admin: '', province: '06', district: '058', commune: '01834', team: '01834', viewer: '058' };

let W; // the world (tests/lib/fixture.js)
let seq = 0;

const asAdmin = (method, p, body) => W.api.admin(method, p, body);
const adminStats = async () => {
  const s = expectStatus(await asAdmin('GET', '/api/stats'), 200, 'admin stats');
  return JSON.stringify([s.people, s.households, s.areas]);
};
const adminPerson = async (id) => JSON.stringify((await asAdmin('GET', `/api/people/${id}`)).body);
const adminHousehold = async (id) => JSON.stringify((await asAdmin('GET', `/api/households/${id}`)).body);
const personId = (t) => (t === 'none' ? MISSING_ID : W.people[t].head.id);
const memberId = (t) => (t === 'none' ? MISSING_ID : W.people[t].member.id);
const householdId = (t) => (t === 'none' ? MISSING_ID : W.households[t].id);

// Every person in a list must lie in the caller's scope; returns a problem or null.
function outOfScope(role, items) {
  const bad = items.filter((p) => !IN_SCOPE[role][PLACE_OF_UNIT[p.unit_code]]);
  return bad.length ? `returned ${bad.length} people outside scope (e.g. ${bad[0].id} in ${bad[0].unit_code})` : null;
}

// Which fixture heads a text (export) contains must be exactly the expected places.
function namesProblem(text, wanted) {
  const t = nfc(text);
  for (const p of ['in', 'dist', 'far']) {
    const has = t.includes(headName(p));
    if (has !== wanted.includes(p)) return `${has ? 'contains' : 'lacks'} the ${p} fixture`;
  }
  return null;
}

function csvImport(unit, name) {
  return `full_name,birth_date,sex,unit_code,address\r\n${name},1991-01-01,F,${unit},Nhập từ tệp\r\n`;
}

// How to exercise each row: request(role, target) -> {method, path, body?, headers?, sess?, binary?};
// prepare (as admin, before), check (on a 2xx answer), fingerprint (state a refused write must not change).
const CASES = {
  'POST /api/login': {
    request: (role) => ({ method: 'POST', path: '/api/login', sess: null,
      body: { username: ACCOUNTS[role].username, password: PASSWORD } }),
    check: (role, t, res) => {
      if (res.body.user.role !== ACCOUNTS[role].role) return `role ${res.body.user.role}`;
      const cookie = res.headers.getSetCookie().join('\n');
      if (!/pd_session=[0-9a-f]{64}/.test(cookie)) return `no session cookie: ${cookie}`;
      return typeof res.body.csrf === 'string' && res.body.csrf.length === 64 ? null : 'no csrf token';
    },
  },
  'POST /api/logout': {
    request: async (role) => ({ method: 'POST', path: '/api/logout', sess: await mustLogin(W.url, ACCOUNTS[role].username) }),
    check: async (role, t, res, req) => {
      const me = await call(W.url, req.sess, 'GET', '/api/me');
      return me.status === 401 ? null : `session still valid after logout (${me.status})`;
    },
  },
  'GET /api/me': {
    request: () => ({ method: 'GET', path: '/api/me' }),
    check: (role, t, res) => {
      const u = res.body.user;
      if (u.username !== ACCOUNTS[role].username || u.role !== ACCOUNTS[role].role) return `wrong user ${JSON.stringify(u)}`;
      if (res.body.csrf !== W.sess[role].csrf) return 'csrf differs from login';
      const got = [...u.permissions].sort().join(',');
      const want = [...PERMS[role]].sort().join(',');
      return got === want ? null : `permissions ${got}, want ${want}`;
    },
  },
  'GET /api/users': {
    request: () => ({ method: 'GET', path: '/api/users' }),
    check: (role, t, res) => {
      const names = res.body.items.map((u) => u.username);
      const missing = Object.values(ACCOUNTS).filter((a) => !names.includes(a.username));
      return missing.length ? `users list lacks ${missing[0].username}` : null;
    },
  },
  'POST /api/users': {
    request: (role) => ({ method: 'POST', path: '/api/users', body: { username: `kt_moi_${role}_${++seq}`,
      password: PASSWORD, role: 'viewer', unit_code: '058', display_name: 'Người xem mới' } }),
    fingerprint: async () => JSON.stringify((await asAdmin('GET', '/api/users')).body.items.length),
    check: (role, t, res, req) => (res.body.user.username === req.body.username ? null : 'wrong user created'),
  },
  'GET /api/stats': {
    request: () => ({ method: 'GET', path: '/api/stats' }),
    check: async (role, t, res) => {
      const unit = SCOPE_UNIT[role];
      const want = (await asAdmin('GET', `/api/people?limit=1${unit ? `&unit=${unit}` : ''}`)).body.total;
      if (res.body.people !== want) return `people ${res.body.people}, admin counts ${want} in ${unit || 'country'}`;
      for (const k of ['households', 'units_in_scope', 'areas']) {
        if (!Number.isInteger(res.body[k])) return `no integer ${k} in ${JSON.stringify(res.body)}`;
      }
      if (role === 'commune' && res.body.units_in_scope !== 1) return `units_in_scope ${res.body.units_in_scope} for a commune`;
      if (role !== 'admin' && res.body.areas < 1) return 'the fixture area is not counted';
      return null;
    },
  },
  'GET /api/units': {
    request: () => ({ method: 'GET', path: '/api/units?parent=058' }),
    check: (role, t, res) => {
      const by = Object.fromEntries(res.body.items.map((u) => [u.code, u]));
      if (!by[UNIT.in] || !by[UNIT.dist]) return 'children of 058 lack 01834 or 01837';
      if (by[UNIT.in].in_scope !== IN_SCOPE[role].in || by[UNIT.dist].in_scope !== IN_SCOPE[role].dist) {
        return `in_scope flags ${by[UNIT.in].in_scope}/${by[UNIT.dist].in_scope}`;
      }
      return null;
    },
  },
  'GET /api/units/search': {
    request: () => ({ method: 'GET', path: `/api/units/search?q=${encodeURIComponent('nguyen thi minh khai')}` }),
    check: (role, t, res) => {
      const hit = res.body.items.find((u) => u.code === UNIT.in);
      if (!hit) return '"nguyen thi minh khai" does not find 01834';
      return nfc(hit.path_names).includes(nfc('Bắc Kạn')) ? null : `path_names ${hit.path_names}`;
    },
  },
  'GET /api/units/:code': {
    request: (role, t) => ({ method: 'GET', path: `/api/units/${UNIT[t]}` }),
    check: (role, t, res) => {
      if (res.body.unit.code !== UNIT[t]) return 'wrong unit';
      if (res.body.unit.in_scope !== IN_SCOPE[role][t]) return `in_scope ${res.body.unit.in_scope}`;
      return res.body.children.some((c) => c.code === W.areas[t].code) ? null : 'children lack the fixture area';
    },
  },
  'POST /api/units/:code/areas': {
    request: (role, t) => ({ method: 'POST', path: `/api/units/${UNIT[t]}/areas`,
      body: { name: `Tổ Ma Trận ${role} ${++seq}`, kind: 'Tổ' } }),
    fingerprint: adminStats,
    check: (role, t, res) => (res.body.unit.parent_code === UNIT[t] && res.body.unit.level === 4 ? null
      : `created ${JSON.stringify(res.body.unit)}`),
  },
  'GET /api/people?unit=': {
    request: (role, t) => ({ method: 'GET', path: `/api/people?unit=${UNIT[t]}&limit=500` }),
    check: (role, t, res) => {
      const bad = outOfScope(role, res.body.items);
      if (bad) return bad;
      if (IN_SCOPE[role][t]) {
        return res.body.items.some((p) => p.id === W.people[t].head.id) ? null : 'lacks the fixture person';
      }
      return res.body.items.length === 0 && res.body.total === 0 ? null : `total ${res.body.total} outside scope`;
    },
  },
  'GET /api/people?q=name': {
    request: () => ({ method: 'GET', path: `/api/people?q=${encodeURIComponent('kiem thu')}&limit=500` }),
    check: (role, t, res) => {
      const bad = outOfScope(role, res.body.items);
      if (bad) return bad;
      const want = ['in', 'dist', 'far'].filter((p) => IN_SCOPE[role][p]).length * 3;
      return res.body.total === want && res.body.items.length === want ? null
        : `found ${res.body.items.length} (total ${res.body.total}) fixture people, want ${want}`;
    },
  },
  'GET /api/people?q=digits': {
    request: () => ({ method: 'GET', path: '/api/people?q=0915&limit=500' }),
    check: (role, t, res) => {
      const bad = outOfScope(role, res.body.items);
      if (bad) return bad;
      const want = ['in', 'dist', 'far'].filter((p) => IN_SCOPE[role][p]).length * 3;
      return res.body.total === want ? null : `phone prefix found ${res.body.total}, want ${want}`;
    },
  },
  'POST /api/people': {
    request: (role, t) => ({ method: 'POST', path: '/api/people',
      body: { full_name: uniqueName('Ma Trận'), birth_date: '2001-02-03', sex: 'M', unit_code: UNIT[t] } }),
    fingerprint: adminStats,
    check: (role, t, res) => (res.body.person.unit_code === UNIT[t] && res.body.person.version === 1 ? null
      : `created ${JSON.stringify(res.body.person)}`),
    refusal: (role, t, res) => (res.status === 400 && res.body.field !== 'unit_code' ? `field ${res.body.field}` : null),
  },
  'GET /api/people/:id': {
    request: (role, t) => ({ method: 'GET', path: `/api/people/${personId(t)}` }),
    check: (role, t, res) => (res.body.person.id === personId(t) && nfc(res.body.person.full_name) === headName(t) ? null
      : 'wrong person'),
  },
  'PUT /api/people/:id': {
    prepare: async (role, t, ctx) => {
      ctx.cur = expectStatus(await asAdmin('GET', `/api/people/${t === 'none' ? W.people.in.head.id : personId(t)}`), 200,
        'read before update').person;
    },
    request: (role, t, ctx) => ({ method: 'PUT', path: `/api/people/${personId(t)}`,
      body: { ...ctx.cur, note: `Sửa bởi ${role} ${++seq}` } }),
    fingerprint: (role, t) => (t === 'none' ? adminStats() : adminPerson(personId(t))),
    check: (role, t, res, req, ctx) => (res.body.person.note === req.body.note && res.body.person.version === ctx.cur.version + 1
      ? null : `after update ${JSON.stringify(res.body.person)}`),
  },
  'GET /api/households?unit=': {
    request: (role, t) => ({ method: 'GET', path: `/api/households?unit=${UNIT[t]}&limit=500` }),
    check: (role, t, res) => {
      const bad = res.body.items.filter((h) => !IN_SCOPE[role][PLACE_OF_UNIT[h.unit_code]]);
      if (bad.length) return `returned household ${bad[0].id} outside scope`;
      if (IN_SCOPE[role][t]) return res.body.items.some((h) => h.id === W.households[t].id) ? null : 'lacks the fixture household';
      return res.body.items.length === 0 ? null : 'households outside scope';
    },
  },
  'POST /api/households': {
    request: (role, t) => ({ method: 'POST', path: '/api/households', body: { unit_code: UNIT[t], address: `Hộ ma trận ${++seq}` } }),
    fingerprint: adminStats,
    check: (role, t, res) => (res.body.household.unit_code === UNIT[t] ? null : 'wrong unit'),
    refusal: (role, t, res) => (res.status === 400 && res.body.field !== 'unit_code' ? `field ${res.body.field}` : null),
  },
  'GET /api/households/:id': {
    request: (role, t) => ({ method: 'GET', path: `/api/households/${householdId(t)}` }),
    check: (role, t, res) => (res.body.household.id === householdId(t) && res.body.members.some((m) => m.id === W.people[t].head.id)
      ? null : 'wrong household or members'),
  },
  'PUT /api/households/:id': {
    prepare: async (role, t, ctx) => {
      ctx.cur = expectStatus(await asAdmin('GET', `/api/households/${t === 'none' ? W.households.in.id : householdId(t)}`), 200,
        'read household').household;
    },
    request: (role, t, ctx) => ({ method: 'PUT', path: `/api/households/${householdId(t)}`,
      body: { unit_code: ctx.cur.unit_code, area_code: ctx.cur.area_code, address: `Hộ sửa bởi ${role} ${++seq}`,
        head_person_id: ctx.cur.head_person_id } }),
    fingerprint: (role, t) => (t === 'none' ? adminStats() : adminHousehold(householdId(t))),
    check: (role, t, res, req) => (res.body.household.address === req.body.address ? null : 'address not changed'),
  },
  'POST /api/households/:id/members': {
    prepare: async (role, t) => { // the member starts outside the household, so that adding shows
      if (t !== 'none' && (await asAdmin('GET', `/api/people/${memberId(t)}`)).body.person.household_id) {
        expectStatus(await asAdmin('DELETE', `/api/households/${householdId(t)}/members/${memberId(t)}`), 200, 'remove member');
      }
    },
    request: (role, t) => ({ method: 'POST', path: `/api/households/${householdId(t)}/members`,
      body: { person_id: memberId(t), relation: 'Con' } }),
    fingerprint: (role, t) => adminPerson(memberId(t)),
    check: async (role, t) => {
      const p = (await asAdmin('GET', `/api/people/${memberId(t)}`)).body.person;
      return p.household_id === householdId(t) ? null : `member's household_id ${p.household_id}`;
    },
  },
  'DELETE /api/households/:id/members/:pid': {
    prepare: async (role, t) => { // the member starts inside the household, so that removing shows
      if (t !== 'none' && !(await asAdmin('GET', `/api/people/${memberId(t)}`)).body.person.household_id) {
        expectStatus(await asAdmin('POST', `/api/households/${householdId(t)}/members`, { person_id: memberId(t), relation: 'Con' }),
          200, 'add member');
      }
    },
    request: (role, t) => ({ method: 'DELETE', path: `/api/households/${householdId(t)}/members/${memberId(t)}` }),
    fingerprint: (role, t) => adminPerson(memberId(t)),
    check: async (role, t) => {
      const p = (await asAdmin('GET', `/api/people/${memberId(t)}`)).body.person;
      return p.household_id === null ? null : `member still in household ${p.household_id}`;
    },
  },
  'POST /api/imports': {
    request: (role, t, ctx) => {
      ctx.name = uniqueName('Nhập Tệp');
      return { method: 'POST', path: '/api/imports?format=csv', body: csvImport(UNIT[t], ctx.name), headers: { 'Content-Type': 'text/csv' } };
    },
    fingerprint: adminStats,
    check: async (role, t, res, req, ctx) => {
      const job = await waitJob(W.api[role], res.body.job.id);
      const ok = IN_SCOPE[role][t];
      const hits = (await asAdmin('GET', `/api/people?limit=500&q=${encodeURIComponent(ctx.name)}`)).body.items;
      const found = hits.filter((p) => nfc(p.full_name) === nfc(ctx.name)).length; // (q matches word prefixes)
      if (ok) return job.state === 'done' && job.rows_imported === 1 && found === 1 ? null : `job ${job.state}, found ${found}`;
      if (job.state !== 'rejected' || job.rows_imported !== 0 || found !== 0) return `out-of-scope import: job ${job.state}, found ${found}`;
      return job.errors.some((e) => e.line === 2 && e.field === 'unit_code') ? null : `errors ${JSON.stringify(job.errors)}`;
    },
  },
  'GET /api/imports/:id': {
    request: (role, t) => {
      const id = t === 'mine' ? W.jobs[role] : t === 'other' ? W.jobs[role === 'admin' ? 'commune' : 'admin'] : MISSING_ID;
      return { method: 'GET', path: `/api/imports/${id}` };
    },
    check: (role, t, res) => (res.body.job && res.body.job.state === 'done' ? null : `job ${JSON.stringify(res.body.job)}`),
  },
  'GET /api/exports/people.csv': {
    request: (role, t) => ({ method: 'GET', path: `/api/exports/people.csv?unit=${UNIT[t]}` }),
    check: (role, t, res) => namesProblem(res.text, IN_SCOPE[role][t] ? [t] : []),
  },
  'GET /api/exports/people.csv (all)': {
    request: () => ({ method: 'GET', path: '/api/exports/people.csv' }),
    check: (role, t, res) => namesProblem(res.text, ['in', 'dist', 'far'].filter((p) => IN_SCOPE[role][p])),
  },
  'GET /api/exports/people.xlsx': {
    request: (role, t) => ({ method: 'GET', path: `/api/exports/people.xlsx?unit=${UNIT[t]}`, binary: true }),
    check: (role, t, res) => namesProblem(xlsxText(res.buf), IN_SCOPE[role][t] ? [t] : []),
  },
  'GET /api/audit': {
    request: () => ({ method: 'GET', path: '/api/audit?limit=500' }),
    check: (role, t, res) => (res.body.items.some((e) => e.action === 'login') ? null : 'no login entries'),
  },
  'GET /api/audit.csv': {
    request: () => ({ method: 'GET', path: '/api/audit.csv' }),
    check: (role, t, res) => (res.text.includes('login') && /text\/csv/.test(res.headers.get('content-type')) ? null : 'not a csv log'),
  },
  'GET /api/audit.xlsx': {
    request: () => ({ method: 'GET', path: '/api/audit.xlsx', binary: true }),
    check: (role, t, res) => (xlsxText(res.buf).includes('login') ? null : 'xlsx log without logins'),
  },
};

// The route table, as the server has it; every route must appear in EXPECT (checked below).
const ROUTES = ['POST /api/login', 'POST /api/logout', 'GET /api/me', 'GET /api/users', 'POST /api/users', 'GET /api/stats',
  'GET /api/units', 'GET /api/units/search', 'GET /api/units/:code', 'POST /api/units/:code/areas', 'GET /api/people',
  'POST /api/people', 'GET /api/people/:id', 'PUT /api/people/:id', 'GET /api/households', 'POST /api/households',
  'GET /api/households/:id', 'PUT /api/households/:id', 'POST /api/households/:id/members',
  'DELETE /api/households/:id/members/:pid', 'POST /api/imports', 'GET /api/imports/:id', 'GET /api/exports/people.xlsx',
  'GET /api/exports/people.csv', 'GET /api/audit', 'GET /api/audit.csv', 'GET /api/audit.xlsx'];

async function runCase(key, role, target, want) {
  const def = CASES[key];
  const ctx = {};
  const problems = [];
  if (def.prepare) await def.prepare(role, target, ctx);
  const before = def.fingerprint ? await def.fingerprint(role, target) : null;
  const req = await def.request(role, target, ctx);
  const sess = req.sess === undefined ? W.sess[role] : req.sess;
  const res = req.binary ? await callRaw(W.url, sess, req.method, req.path)
    : await call(W.url, sess, req.method, req.path, req.body, req.headers);
  if (res.status !== want) {
    problems.push(`status ${res.status}: ${res.text.slice(0, 200)}`);
  } else if (want < 300) {
    const p = def.check ? await def.check(role, target, res, req, ctx) : null;
    if (p) problems.push(p);
  } else {
    if (!res.body || res.body.error !== ERROR_CODE[want]) problems.push(`error code ${res.body && res.body.error}, want ${ERROR_CODE[want]}`);
    if (!res.body || typeof res.body.message !== 'string' || !res.body.message) problems.push('no message');
    const p = def.refusal ? def.refusal(role, target, res) : null;
    if (p) problems.push(p);
  }
  if (want >= 400 && def.fingerprint) {
    const afterState = await def.fingerprint(role, target);
    if (afterState !== before) problems.push(`refused request changed state: ${before} -> ${afterState}`);
  }
  return { status: res.status, body: res.body, text: res.text, problems, req };
}

// Starts one import job per role that may import (for GET /api/imports/:id).
async function startJobs() {
  W.jobs = {};
  for (const role of ['admin', 'province', 'district', 'commune']) {
    const r = await W.api[role]('POST', '/api/imports?format=csv', csvImport(UNIT.in, uniqueName('Việc Nhập')),
      { 'Content-Type': 'text/csv' });
    if (r.status === 202) {
      W.jobs[role] = r.body.job.id;
      await waitJob(W.api[role], r.body.job.id);
    } else {
      W.jobs[role] = `failed-${r.status}`;
    }
  }
}

before(async () => {
  W = await buildWorld();
  await startJobs();
});

after(async () => {
  if (W) await W.srv.stop();
});

test('every route of the route table is in the matrix', () => {
  const keys = new Set(EXPECT.map(([k]) => k.replace(/(\?| \().*$/, '')));
  for (const r of ROUTES) assert.ok(keys.has(r), `route ${r} has no row in EXPECT`);
  for (const [k, targets, cells] of EXPECT) {
    assert.ok(CASES[k], `no case for ${k}`);
    assert.equal(cells.length, ROLES.length, `${k}: one cell per role`);
    for (const c of cells) assert.equal(c.split(' ').length, targets.length, `${k}: one status per target in "${c}"`);
  }
});

test('authorization matrix: endpoint × role × target', async () => {
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
        if (wants[i] === '--') { cell.push('--'); continue; }
        const want = Number(wants[i]);
        cases++;
        let res;
        try {
          res = await runCase(key, role, t, want);
        } catch (e) {
          res = { status: 'ERR', problems: [`threw ${e.message || e}`] };
        }
        got[t] = res;
        const mark = res.problems.length ? (res.status === want ? '*' : `!${want}`) : '';
        cell.push(`${res.status}${mark}`);
        for (const p of res.problems) problems.push(`${key} | ${role} | ${t}: ${p}`);
      }
      // "Outside scope" must be indistinguishable from "does not exist": same status and same body.
      // (Digits are masked: an answer may repeat the code or id that was asked for.)
      if (got.none && got.none.status === 404) {
        const mask = (res) => (res.text || '').replace(/\d+/g, '#');
        for (const t of ['dist', 'far']) {
          if (!got[t] || got[t].status !== 404 || mask(got[t]) === mask(got.none)) continue;
          problems.push(`${key} | ${role} | ${t}: outside-scope body differs from missing: ${got[t].text} vs ${got.none.text}`);
          cell[targets.indexOf(t)] += '≠';
        }
      }
      row.push(cell.join(' ').padEnd(Math.max(17, cells[r].length)));
    }
    lines.push(`${key.padEnd(42)} ${targets.join('/').padEnd(16)} ${row.join(' | ')}`);
  }
  const header = `${'endpoint'.padEnd(42)} ${'targets'.padEnd(16)} ${ROLES.map((r) => r.padEnd(17)).join(' | ')}`;
  const report = [`${cases} cases; cell marks: got!expected, * = right status but wrong answer, ≠ = outside-scope body differs`,
    header, ...lines, '', ...problems].join('\n');
  assert.equal(problems.length, 0, `authorization matrix has ${problems.length} problem(s):\n${report}`);
  assert.ok(cases > 400, `only ${cases} cases ran`);
});

test('mixed targets: a household and a person from different scopes', async () => {
  // commune: own household + a person of 01837 (outside) -> 404, the person is not moved.
  const before = (await asAdmin('GET', `/api/people/${W.people.dist.member.id}`)).body.person;
  const r = await W.api.commune('POST', `/api/households/${W.households.in.id}/members`, { person_id: W.people.dist.member.id, relation: 'Con' });
  expectStatus(r, 404, 'commune adds an outside person to its household');
  const r2 = await W.api.commune('POST', `/api/households/${W.households.in.id}/members`, { person_id: MISSING_ID, relation: 'Con' });
  expectStatus(r2, 404, 'commune adds a missing person');
  assert.equal(r.text, r2.text, 'outside person answers like a missing one');
  const afterP = (await asAdmin('GET', `/api/people/${W.people.dist.member.id}`)).body.person;
  assert.equal(afterP.version, before.version);
  assert.equal(afterP.household_id, before.household_id);
  // commune: outside household + own person -> 404.
  expectStatus(await W.api.commune('POST', `/api/households/${W.households.dist.id}/members`, { person_id: W.people.in.member.id, relation: 'Con' }),
    404, 'commune adds its person to an outside household');
  // An outside household answers like a missing one, with an in-scope person.
  const r6 = await W.api.commune('POST', `/api/households/${W.households.far.id}/members`, { person_id: W.people.in.member.id, relation: 'Con' });
  const r7 = await W.api.commune('POST', `/api/households/${MISSING_ID}/members`, { person_id: W.people.in.member.id, relation: 'Con' });
  expectStatus(r6, 404, 'outside household');
  assert.equal(r6.text, r7.text, 'outside household answers like a missing one');
  const r8 = await W.api.commune('DELETE', `/api/households/${W.households.in.id}/members/${W.people.far.member.id}`);
  const r9 = await W.api.commune('DELETE', `/api/households/${W.households.in.id}/members/${MISSING_ID}`);
  expectStatus(r8, 404, 'remove an outside person');
  assert.equal(r8.text, r9.text, 'outside person answers like a missing one on DELETE');
  // district: a person of 01834 into the 01837 household: both in scope, different communes -> 400 invalid.
  const r3 = await W.api.district('POST', `/api/households/${W.households.dist.id}/members`, { person_id: W.people.in.member.id, relation: 'Con' });
  expectStatus(r3, 400, 'person of another commune');
  // commune moving its person to 01837 (outside) by PUT -> refused, person unchanged.
  const cur = (await W.api.commune('GET', `/api/people/${W.people.in.dweller.id}`)).body.person;
  const r4 = await W.api.commune('PUT', `/api/people/${cur.id}`, { ...cur, unit_code: UNIT.dist, area_code: '' });
  assert.ok(r4.status === 400 || r4.status === 404, `move outside scope: ${r4.status} ${r4.text}`);
  assert.equal((await asAdmin('GET', `/api/people/${cur.id}`)).body.person.unit_code, UNIT.in);
  // commune naming an outside head for its household -> refused.
  const r5 = await W.api.commune('POST', '/api/households', { unit_code: UNIT.in, address: 'Hộ lạ', head_person_id: W.people.dist.head.id });
  expectStatus(r5, 400, 'outside head');
  assert.equal(r5.body.field, 'head_person_id');
});

test('list paging and the sub-commune area stay in scope', async () => {
  // The area of 01834: the dweller is found by unit=AREA for the commune, and the commune cannot list 01837's area.
  const inArea = await W.api.commune('GET', `/api/people?unit=${W.areas.in.code}`);
  expectStatus(inArea, 200, 'list by area');
  assert.deepEqual(inArea.body.items.map((p) => p.id), [W.people.in.dweller.id]);
  const other = await W.api.commune('GET', `/api/people?unit=${W.areas.dist.code}`);
  expectStatus(other, 200, 'list by outside area');
  assert.equal(other.body.items.length, 0);
  // Paging one by one through the commune's people never leaves the scope and ends.
  const seen = [];
  let after = 0;
  for (let i = 0; i < 1000; i++) {
    const r = await W.api.team('GET', `/api/people?limit=1&after=${after}`);
    expectStatus(r, 200, 'page');
    seen.push(...r.body.items);
    if (!r.body.next) break;
    after = r.body.next;
  }
  assert.ok(seen.length > 0);
  assert.equal(outOfScope('team', seen), null);
  const all = await allPeople(W.api.admin, `unit=${UNIT.in}`);
  assert.deepEqual(seen.map((p) => p.id), all.map((p) => p.id), 'team pages = admin list of 01834');
  // Duplicates are looked up in scope only: a commune may reuse a phone of 01837 without a 409 naming it.
  const r = await W.api.commune('POST', '/api/people', { full_name: uniqueName(), unit_code: UNIT.in, phone: W.people.dist.head.phone });
  expectStatus(r, 201, 'phone that exists only outside scope');
  const d = await W.api.district('POST', '/api/people', { full_name: uniqueName(), unit_code: UNIT.in, phone: W.people.dist.head.phone });
  expectStatus(d, 409, 'phone that exists inside the district');
  assert.ok(d.body.duplicates.every((x) => x.unit_code === UNIT.in || x.unit_code === UNIT.dist));
});

test('reads of a person are audited under the reader\'s name; refused reads are not', async () => {
  const auditedRead = async (id) => {
    for (let i = 0; i < 60; i++) { // reads are written by a background thread
      const r = await asAdmin('GET', `/api/audit?user=${ACCOUNTS.team.username}&entity=person&entity_id=${id}&action=read`);
      if (expectStatus(r, 200, 'audit').items.some((e) => e.entity_id === id && e.username === ACCOUNTS.team.username)) return true;
      await new Promise((res) => setTimeout(res, 50));
    }
    return false;
  };
  expectStatus(await W.api.team('GET', `/api/people/${W.people.in.dweller.id}`), 200, 'team reads');
  assert.ok(await auditedRead(W.people.in.dweller.id), 'no audit entry for the team\'s read');
  // A read outside scope, then one inside: once the second is in the log, the first would be too.
  expectStatus(await W.api.team('GET', `/api/people/${W.people.far.head.id}`), 404, 'outside read');
  expectStatus(await W.api.team('GET', `/api/people/${W.people.in.member.id}`), 200, 'second read');
  assert.ok(await auditedRead(W.people.in.member.id));
  const r = await asAdmin('GET', `/api/audit?user=${ACCOUNTS.team.username}&entity=person&entity_id=${W.people.far.head.id}`);
  assert.equal(expectStatus(r, 200, 'audit').items.length, 0, 'a refused read left a trace naming the person');
});

test('the server shuts down cleanly, without sanitizer reports', async () => {
  await stopClean(W.srv);
});
