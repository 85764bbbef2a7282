// tests/lib/fixture.js: the shared "world" of the API tests. A fresh database (`init`, no demo data) with
// one account per role, and people, households and thôn/tổ areas created through the API (as admin) in
// three places: inside every scoped account's scope (commune 01834), inside the district but outside the
// commune accounts' scope (01837), and in another province (00001, Hà Nội). Plus small helpers: a
// session-bound api() caller, polling of import jobs, a minimal .xlsx text extractor.
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { startServer, login, call } from './server.js';

export const PASSWORD = 'mat-khau-thu-nghiem-1';

// Role order used by every table in the tests.
export const ROLES = ['admin', 'province', 'district', 'commune', 'team', 'viewer'];

// username -> account; unit as given to `phongdich user add --unit`.
export const ACCOUNTS = {
  admin: { username: 'kt_admin', role: 'admin', unit: null },
  province: { username: 'kt_tinh', role: 'province', unit: '06' }, // Tỉnh Bắc Kạn
  district: { username: 'kt_huyen', role: 'district', unit: '058' }, // Thành phố Bắc Kạn
  commune: { username: 'kt_xa', role: 'commune', unit: '01834' }, // Phường Nguyễn Thị Minh Khai
  team: { username: 'kt_todoi', role: 'team', unit: '01834' },
  viewer: { username: 'kt_xem', role: 'viewer', unit: '058' },
};

// Where the fixture records live. "none" is a code / id that does not exist.
export const TARGETS = ['in', 'dist', 'far', 'none'];
export const UNIT = { in: '01834', dist: '01837', far: '00001', none: '99999' };
export const MISSING_ID = 987654321;
// Fixture names carry a marker per place so that leaks show up in lists and exports.
export const MARK = { in: 'Trong', dist: 'Bên', far: 'Xa' };

// Which targets lie inside each role's scope (from docs/api.md: scope = the unit and everything under it).
export const IN_SCOPE = {
  admin: { in: true, dist: true, far: true, none: false },
  province: { in: true, dist: true, far: false, none: false },
  district: { in: true, dist: true, far: false, none: false },
  commune: { in: true, dist: false, far: false, none: false },
  team: { in: true, dist: false, far: false, none: false },
  viewer: { in: true, dist: true, far: false, none: false },
};

let phoneSeq = 0;
// A valid Vietnamese mobile number (09xxxxxxxx), unique within this process (each test file has its own
// process and database); prefix 0915 is used by the fixtures.
export function uniquePhone(prefix = '0915') {
  phoneSeq += 1;
  return prefix + String(phoneSeq).padStart(10 - prefix.length, '0');
}

let cccdSeq = 0;
// A valid CCCD for a man born in 1990 (province 006, century/sex digit 0, year 90), unique in this process.
export function uniqueCccd() {
  cccdSeq += 1;
  return '006090' + String(cccdSeq).padStart(6, '0');
}

let nameSeq = 0;
const LETTERS = ['An', 'Bình', 'Cường', 'Dũng', 'Giang', 'Hà', 'Khánh', 'Lan', 'Minh', 'Nga', 'Oanh', 'Phúc',
  'Quang', 'Sơn', 'Tâm', 'Uyên', 'Vân', 'Xuân', 'Yến'];
// A unique personal name made of letters only (names may not contain digits).
export function uniqueName(prefix = 'Thử Nghiệm') {
  nameSeq += 1;
  let n = nameSeq + (process.pid % 97) * 1000;
  const words = [];
  do { words.push(LETTERS[n % LETTERS.length]); n = Math.floor(n / LETTERS.length); } while (n > 0);
  return `${prefix} ${words.join(' ')}`;
}

// Binds a session to the server: api(method, path, body?, headers?) -> {status, body, headers, text}.
export function bind(url, sess) {
  return (method, apiPath, body, headers) => call(url, sess, method, apiPath, body, headers);
}

export async function mustLogin(url, username, password = PASSWORD) {
  const s = await login(url, username, password);
  assert.equal(s.status, 200, `login ${username}: ${JSON.stringify(s.body)}`);
  assert.ok(s.cookie && s.csrf, `login ${username} gave no cookie or csrf`);
  return s;
}

// Asserts a status and returns the body; the message shows the answer.
export function expectStatus(res, status, what) {
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} ${res.text.slice(0, 400)}`);
  return res.body;
}

export function personBody(unit, extra = {}) {
  return { full_name: uniqueName(), birth_date: '1990-05-17', sex: 'M', unit_code: unit, address: 'Số 1 đường Thử',
    ...extra };
}

/**
 * Starts a server over a fresh database with the six accounts, logs them in, and (as admin) creates for
 * each place in, dist, far: an area (thôn), a head person, a member person, a person living in the area,
 * and a household headed by the head with the member in it.
 * Returns {srv, url, sess: {role: session}, api: {role: api()}, people, households, areas}.
 */
export async function buildWorld(options = {}) {
  const users = Object.values(ACCOUNTS).map((a) => ({ username: a.username, role: a.role, unit: a.unit || undefined,
    password: PASSWORD }));
  const srv = await startServer({ demo: false, users, ...options });
  const url = srv.url;
  const sess = {};
  const api = {};
  for (const role of ROLES) {
    sess[role] = await mustLogin(url, ACCOUNTS[role].username);
    api[role] = bind(url, sess[role]);
  }
  const admin = api.admin;
  const people = {};
  const households = {};
  const areas = {};
  for (const t of ['in', 'dist', 'far']) {
    const unit = UNIT[t];
    const area = expectStatus(await admin('POST', `/api/units/${unit}/areas`, { name: `Thôn Kiểm Thử ${MARK[t]}`, kind: 'Thôn' }),
      201, `create area in ${unit}`).unit;
    areas[t] = area;
    const mk = async (label, extra = {}) => expectStatus(await admin('POST', '/api/people', {
      full_name: `Kiểm Thử ${MARK[t]} ${label}`, birth_date: '1985-03-02', sex: 'F', unit_code: unit,
      phone: uniquePhone(), address: `Nhà ${label} ${MARK[t]}`, ...extra,
    }), 201, `create person ${label} in ${unit}`).person;
    const head = await mk('Chủ Hộ');
    const member = await mk('Thành Viên');
    const dweller = await mk('Ở Thôn', { unit_code: area.code });
    assert.equal(dweller.unit_code, unit, 'an area code given as unit_code moves to area_code');
    assert.equal(dweller.area_code, area.code);
    const hh = expectStatus(await admin('POST', '/api/households', { unit_code: unit, address: `Hộ ${MARK[t]}`,
      head_person_id: head.id }), 201, `create household in ${unit}`).household;
    expectStatus(await admin('POST', `/api/households/${hh.id}/members`, { person_id: member.id, relation: 'Con' }),
      200, `add member in ${unit}`);
    people[t] = { head, member, dweller };
    households[t] = hh;
  }
  return { srv, url, sess, api, people, households, areas };
}

// Polls GET /api/imports/ID with the given api() until the job leaves "running"; returns the job.
export async function waitJob(apiFn, id, timeoutMs = 120000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await apiFn('GET', `/api/imports/${id}`);
    assert.equal(r.status, 200, `poll import ${id}: ${r.text}`);
    if (r.body.job.state !== 'running') return r.body.job;
    if (Date.now() > until) throw new Error(`import ${id} still running after ${timeoutMs} ms: ${r.text}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

// Starts an import of raw bytes (CSV by default) and waits for the job. Returns {status, body, job, text}.
export async function importFile(apiFn, bytes, { query = 'format=csv', contentType = 'text/csv' } = {}) {
  const r = await apiFn('POST', `/api/imports${query ? '?' + query : ''}`, bytes, { 'Content-Type': contentType });
  if (r.status !== 202) return { status: r.status, body: r.body, job: null, text: r.text };
  const job = await waitJob(apiFn, r.body.job.id);
  return { status: r.status, body: r.body, job, text: r.text };
}

// All the text inside a .xlsx (zip) file: every entry inflated and concatenated. Enough to search for names.
export function xlsxText(buf) {
  const b = Buffer.from(buf);
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 65557); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  const parts = [];
  for (let n = 0; n < count; n++) {
    if (b.readUInt32LE(p) !== 0x02014b50) throw new Error('bad zip central directory');
    const method = b.readUInt16LE(p + 10);
    const csize = b.readUInt32LE(p + 20);
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    const local = b.readUInt32LE(p + 42);
    const name = b.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const lNameLen = b.readUInt16LE(local + 26);
    const lExtraLen = b.readUInt16LE(local + 28);
    const data = b.subarray(local + 30 + lNameLen + lExtraLen, local + 30 + lNameLen + lExtraLen + csize);
    const raw = method === 8 ? inflateRawSync(data) : data;
    parts.push(`--- ${name}\n${raw.toString('utf8')}`);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return parts.join('\n');
}

// Reads every person the admin can see (all pages), ordered by id.
export async function allPeople(apiFn, query = '') {
  const items = [];
  let after = 0;
  for (;;) {
    const r = await apiFn('GET', `/api/people?limit=500&after=${after}${query ? '&' + query : ''}`);
    assert.equal(r.status, 200, `list people: ${r.text}`);
    items.push(...r.body.items);
    if (!r.body.next) return items;
    after = r.body.next;
  }
}

// Like call() but keeps the answer as bytes (for .xlsx downloads): {status, headers, buf, body, text}.
export async function callRaw(url, sess, method, apiPath) {
  const headers = { Accept: '*/*' };
  if (sess && sess.cookie) headers.Cookie = sess.cookie;
  if (sess && sess.csrf && method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = sess.csrf;
  const res = await fetch(new URL(apiPath, url), { method, headers });
  const buf = Buffer.from(await res.arrayBuffer());
  let body = null;
  if ((res.headers.get('content-type') || '').startsWith('application/json')) {
    try { body = JSON.parse(buf.toString('utf8')); } catch { body = null; }
  }
  return { status: res.status, headers: res.headers, buf, body, text: buf.toString('utf8') };
}

// Stops a server and checks that it shut down cleanly: exit status 0 after SIGTERM and no report from
// AddressSanitizer, LeakSanitizer or UBSan on its stderr. Returns the stop() result.
export async function stopClean(srv) {
  const r = await srv.stop();
  assert.equal(r.code, 0, `server exit status ${r.code} (signal ${r.signal}):\n${r.stderr.slice(-3000)}`);
  assert.doesNotMatch(r.stderr, /Sanitizer|runtime error:/, `sanitizer report from the server:\n${r.stderr.slice(-3000)}`);
  return r;
}
