// tests/api/testing-path.test.js: the whole testing path over HTTP, on a fresh database whose clock is set
// (PHONGDICH_NOW) to December 2021 and moved on between server runs over the same file: check-ins at a venue
// and a household -> a case (F0) confirmed and traced -> F1 with pending quarantine orders whose schedule is
// the rule of the exposure day (computed here from docs/quarantine.md's table) -> orders started, the
// "tests due today" worklist -> scheduled samples pooled, a positive pool, blocked members and re-test tasks
// -> one re-test positive, the others negative -> the F0 proposal with the basis of that date, confirmed by
// the district -> the new case traced, triaged (5525 colour), a bed of its tier (a full facility refuses),
// twice-daily monitoring with the SpO2 alert, release by the rule in force -> recovered; and the negative
// F1 released when their days are served, handed over to their commune's station (another commune: 404),
// on the "monitoring ends" worklist on the right day. Every step checks scope: a commune of another commune
// or of another district gets the same 404 as a missing id, and a role without the permission gets 403.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { startServer, call } from '../lib/server.js';
import { bind, expectStatus, mustLogin, PASSWORD, uniquePhone, uniqueName } from '../lib/fixture.js';

const MISSING = 987654321;
const UNIT_A = '01834'; // Phường Nguyễn Thị Minh Khai, Thành phố Bắc Kạn
const UNIT_B = '01837'; // another commune of the same district (058)
const UNIT_C = '00001'; // Phường Phúc Xá, Hà Nội: another district (and province)
const USERS = [
  { username: 'tp_huyen', role: 'district', unit: '058' },
  { username: 'tp_xa_a', role: 'commune', unit: UNIT_A },
  { username: 'tp_xa_b', role: 'commune', unit: UNIT_B },
  { username: 'tp_xa_c', role: 'commune', unit: UNIT_C },
  { username: 'tp_todoi_a', role: 'team', unit: UNIT_A },
].map((u) => ({ ...u, password: PASSWORD }));
const WHO = { district: 'tp_huyen', a: 'tp_xa_a', b: 'tp_xa_b', c: 'tp_xa_c', team: 'tp_todoi_a' };

// Days of the story (local, UTC+7); each server run has its clock fixed at 09:00 of its day.
const DAY = { exposure: '2021-12-19', confirm: '2021-12-20', day7: '2021-12-26', day10: '2021-12-30' };
const clockAt = (day) => String(Date.parse(`${day}T09:00:00+07:00`) / 1000);
const shiftDay = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400 * 1000).toISOString().slice(0, 10);
const localDayOf = (iso) => new Date(Date.parse(iso) + 7 * 3600 * 1000).toISOString().slice(0, 10);

// docs/quarantine.md, "Quarantine" table, F1 rows (immunity: 0 none, 1 one dose, 2 full, 3 recovered);
// written out here independently of the product's tables: [from, basis, {immunity: [days, tests, monitoring]}].
const F1_TABLE = [
  ['2021-05-05', '600/CĐ-BCĐ', { 0: [21, [1, 14, 20], 7], 1: [21, [1, 14, 20], 7], 2: [21, [1, 14, 20], 7], 3: [21, [1, 14, 20], 7] }],
  ['2021-07-14', '5599/BYT-MT', { 0: [14, [1, 7, 14], 14], 1: [14, [1, 7, 14], 14], 2: [14, [1, 7, 14], 14], 3: [14, [1, 7, 14], 14] }],
  ['2021-10-11', 'Nghị quyết 128', { 0: [14, [7, 14], 14], 1: [7, [7], 7], 2: [0, [], 7], 3: [0, [], 7] }],
  ['2021-12-16', '10696/BYT-MT', { 0: [14, [7, 14], 14], 1: [7, [7], 7], 2: [7, [1, 7], 7], 3: [7, [1, 7], 7] }],
  ['2022-02-21', '762/BYT-DP', { 0: [7, [7], 3], 1: [7, [7], 3], 2: [5, [5], 5], 3: [5, [5], 5] }],
];
function expectedSchedule(day, immunity) {
  let row = F1_TABLE[0];
  for (const r of F1_TABLE) if (r[0] <= day) row = r;
  const [days, tests, monitoring] = row[2][immunity];
  return { basis: row[1], quarantine_days: days, test_days: tests, monitoring_days: monitoring };
}

// 5525/QĐ-BYT colour as docs/quarantine.md words it (no clinical signs, not pregnant).
function expectedColour({ age, full, chronic }) {
  if (age >= 65) return chronic || !full ? 'red' : 'orange';
  if (chronic) return 'orange';
  if (age >= 50) return full ? 'yellow' : 'orange';
  return full ? 'green' : 'yellow';
}
const TIER = { green: 1, yellow: 1, orange: 2, red: 3 };

const servers = [];
let firstDir = null;
after(async () => {
  for (const s of servers) checkStop(await s.stop());
  if (firstDir) await rm(firstDir, { recursive: true, force: true });
});

// Starts a server at 09:00 of `day` (over `db` when given, else a fresh database with the accounts) and logs
// everyone in. Returns {srv, api: {district, a, b, c, team}, pub}.
async function serverOn(day, db) {
  const env = { PHONGDICH_NOW: clockAt(day) };
  const srv = db ? await startServer({ db, env }) : await startServer({ demo: false, users: USERS, env });
  servers.push(srv);
  const api = {};
  for (const [k, u] of Object.entries(WHO)) api[k] = bind(srv.url, await mustLogin(srv.url, u));
  const pub = (method, p, body) => call(srv.url, null, method, p, body);
  return { srv, api, pub };
}

// Stops a server and keeps its database for the next day's run.
async function nextDay(run) {
  process.env.PHONGDICH_KEEP_TMP = '1';
  let r;
  try { r = await run.srv.stop(); } finally { delete process.env.PHONGDICH_KEEP_TMP; }
  checkStop(r);
}

// A clean stop: exit status 0 and no report from ASan/LSan/UBSan.
function checkStop(r) {
  assert.equal(r.code, 0, `server exit status ${r.code} (signal ${r.signal}):\n${r.stderr.slice(-3000)}`);
  assert.doesNotMatch(r.stderr, /Sanitizer|runtime error:/, `sanitizer report from the server:\n${r.stderr.slice(-3000)}`);
}

// The out-of-scope answer must be the bytes of the answer for a missing id (same method, same body).
async function sameAsMissing(apiFn, method, path, body, what) {
  const missingPath = path.replace(/\/(\d+)(\/|$)/, `/${MISSING}$2`);
  const miss = await apiFn(method, missingPath, body);
  const out = await apiFn(method, path, body);
  assert.equal(miss.status, 404, `${what}: the missing id answers ${miss.status} ${miss.text}`);
  assert.equal(out.status, 404, `${what}: out of scope answers ${out.status} ${out.text.slice(0, 300)}`);
  assert.deepEqual(out.body, miss.body, `${what}: out of scope answers like a missing record`);
}

async function denied(apiFn, method, path, body, what) {
  const r = await apiFn(method, path, body);
  assert.equal(r.status, 403, `${what}: expected 403, got ${r.status} ${r.text.slice(0, 300)}`);
  assert.equal(r.body.error, 'denied', what);
}

const W = {}; // the world, shared by the steps

test('the whole testing path, from check-ins to recovery and hand-over', async (t) => {
  // ---------------------------------------------------------------- 1. the world, on the exposure day
  let run = await serverOn(DAY.exposure);
  firstDir = run.srv.dir;
  const db = run.srv.db;
  await t.test('1. people, a household, vaccinations, a venue and check-ins', async () => {
    const { api, pub } = run;
    const person = async (unit, birth, sex = 'M') => expectStatus(await api.district('POST', '/api/people', {
      full_name: uniqueName('Đường Đi'), birth_date: birth, sex, unit_code: unit, phone: uniquePhone('0916'),
      address: 'Số 5 đường Thử',
    }), 201, `person in ${unit}`).person;
    W.p0 = await person(UNIT_A, '1981-04-10'); // the first F0: 40, no vaccination
    W.h = await person(UNIT_A, '1950-03-01', 'F'); // household member: 71, fully vaccinated
    W.v1 = await person(UNIT_A, '1990-06-15'); // at the venue, fully vaccinated
    W.v2 = await person(UNIT_B, '1992-01-20', 'F'); // at the venue, lives in commune B, no vaccination
    W.v3 = await person(UNIT_A, '1954-02-02'); // at the venue, 67, fully vaccinated: the F1 who turns positive
    W.x = await person(UNIT_A, '1988-09-09'); // at another venue: not a contact
    const hh = expectStatus(await api.district('POST', '/api/households', { unit_code: UNIT_A, address: 'Hộ thử đường đi',
      head_person_id: W.p0.id }), 201, 'household').household;
    expectStatus(await api.district('POST', `/api/households/${hh.id}/members`, { person_id: W.h.id, relation: 'Mẹ' }),
      200, 'member');
    for (const p of [W.h, W.v1, W.v3]) {
      for (const [n, on] of [[1, '2021-08-01'], [2, '2021-08-22']]) {
        expectStatus(await api.district('POST', '/api/vaccination/doses', { person_id: p.id, product_code: 'PF',
          given_on: on, dose_number: n }), 201, `dose ${n} for ${p.id}`);
      }
    }
    const venue = async (name) => expectStatus(await api.a('POST', '/api/venues', { name, kind: 'restaurant',
      unit_code: UNIT_A, address: `Địa chỉ ${name}` }), 201, `venue ${name}`).venue;
    W.venue = await venue('Quán ăn Đường Đi');
    W.other = await venue('Quán cà phê Khác');
    for (const [p, v] of [[W.p0, W.venue], [W.v1, W.venue], [W.v2, W.venue], [W.v3, W.venue], [W.x, W.other]]) {
      const r = await pub('POST', '/api/public/checkins', { code: v.public_code, phone: p.phone });
      assert.equal(r.status, 200, `check-in of ${p.id}: ${r.text}`);
    }
    const seen = expectStatus(await api.a('GET', `/api/venues/${W.venue.id}/checkins`), 200, 'checkins').items;
    assert.deepEqual(seen.map((c) => c.person_id).sort((x, y) => x - y), [W.p0.id, W.v1.id, W.v2.id, W.v3.id].sort((x, y) => x - y));
    assert.ok(seen.every((c) => localDayOf(c.in_at) === DAY.exposure), 'check-ins on the exposure day (server clock)');
  });
  await nextDay(run);

  // ---------------------------------------------------------------- 2. confirm and trace, the next day
  run = await serverOn(DAY.confirm, db);
  await t.test('2. the F0 is confirmed in commune A and traced: F1 with pending orders by the rule of the day', async () => {
    const { api } = run;
    await denied(api.team, 'POST', '/api/cases', { person_id: W.p0.id, sample_date: DAY.confirm, found_in: 'community', basis: 'pcr' }, 'team confirms a case');
    for (const k of ['b', 'c']) {
      const r = await api[k]('POST', '/api/cases', { person_id: W.p0.id, sample_date: DAY.confirm, found_in: 'community', basis: 'pcr' });
      const m = await api[k]('POST', '/api/cases', { person_id: MISSING, sample_date: DAY.confirm, found_in: 'community', basis: 'pcr' });
      assert.equal(r.status, 404, `commune ${k} confirms a person of commune A: ${r.text}`);
      assert.deepEqual(r.body, m.body, `commune ${k}: like a missing person`);
    }
    const r = await api.a('POST', '/api/cases', { person_id: W.p0.id, sample_date: DAY.confirm, found_in: 'community', basis: 'pcr' });
    assert.equal(r.status, 201, r.text);
    W.case0 = r.body.case;
    assert.ok(r.body.trace && r.body.trace.f1 >= 4, `tracing found the F1: ${JSON.stringify(r.body.trace)}`);
    const contacts = expectStatus(await api.district('GET', `/api/cases/${W.case0.id}/contacts?level=1`), 200, 'contacts').f1;
    const byPerson = new Map(contacts.map((k) => [k.person_id, k]));
    for (const p of [W.h, W.v1, W.v2, W.v3]) assert.ok(byPerson.has(p.id), `person ${p.id} is an F1`);
    assert.ok(!byPerson.has(W.x.id), 'someone at another venue is not an F1');
    assert.ok(byPerson.get(W.h.id).evidence.some((e) => e.kind === 'household'), 'household evidence');
    assert.ok(byPerson.get(W.v1.id).evidence.some((e) => e.kind === 'venue' && e.venue_id === W.venue.id), 'venue evidence');
    // Commune A sees its own contacts only; commune B sees nothing of the case.
    const mine = expectStatus(await api.a('GET', `/api/cases/${W.case0.id}/contacts?level=1`), 200, 'A contacts').f1;
    assert.ok(mine.every((k) => k.unit_code === UNIT_A) && !mine.some((k) => k.person_id === W.v2.id), 'A sees A residents');
    await sameAsMissing(api.b, 'GET', `/api/cases/${W.case0.id}`, undefined, 'commune B reads the case');
    await sameAsMissing(api.c, 'GET', `/api/cases/${W.case0.id}`, undefined, 'commune C reads the case');

    const orders = expectStatus(await api.district('GET', '/api/quarantine/orders?phase=pending&limit=1000'), 200, 'pending').items
      .filter((o) => o.case_id === W.case0.id);
    W.orders = {};
    const immunity = { [W.h.id]: 2, [W.v1.id]: 2, [W.v2.id]: 0, [W.v3.id]: 2 };
    for (const p of [W.h, W.v1, W.v2, W.v3]) {
      const o = orders.find((x) => x.person_id === p.id);
      assert.ok(o, `a pending order for ${p.id}`);
      // The day of the last exposure: the latest end of the contact's evidence (docs/quarantine.md, day numbers).
      const start = byPerson.get(p.id).evidence.map((e) => localDayOf(e.to)).sort().pop();
      const want = expectedSchedule(start, immunity[p.id]);
      assert.equal(o.status, 'pending');
      assert.equal(o.start_date, start, 'day 0 is the day of the last exposure');
      assert.deepEqual([o.quarantine_days, o.test_days, o.monitoring_days], [want.quarantine_days, want.test_days, want.monitoring_days],
        `schedule of ${p.id} (immunity ${immunity[p.id]}, ${start})`);
      assert.ok(o.rule.includes(want.basis.split(' ').pop()), `rule ${o.rule} is ${want.basis}`);
      assert.equal(o.release_from, shiftDay(start, want.quarantine_days));
      W.orders[p.id] = o;
    }
  });

  await t.test('3. orders started (scope and role checked); "tests due today" lists exactly the F1 due today', async () => {
    const { api } = run;
    const o1 = W.orders[W.v1.id];
    const o2 = W.orders[W.v2.id];
    await denied(api.team, 'POST', `/api/quarantine/orders/${o1.id}/start`, { place: 'home' }, 'team starts an order');
    await sameAsMissing(api.b, 'POST', `/api/quarantine/orders/${o1.id}/start`, { place: 'home' }, 'commune B starts an A order');
    await sameAsMissing(api.c, 'POST', `/api/quarantine/orders/${o1.id}/start`, { place: 'home' }, 'commune C starts an A order');
    await sameAsMissing(api.a, 'POST', `/api/quarantine/orders/${o2.id}/start`, { place: 'home' }, 'commune A starts a B order');
    await sameAsMissing(api.b, 'GET', `/api/quarantine/orders/${o1.id}`, undefined, 'commune B reads an A order');
    for (const p of [W.h, W.v1, W.v3]) {
      const o = expectStatus(await api.a('POST', `/api/quarantine/orders/${W.orders[p.id].id}/start`, { place: 'home' }), 200, 'start').order;
      assert.deepEqual([o.status, o.phase, o.started_on, o.place], ['active', 'active', DAY.confirm, 'home']);
    }
    expectStatus(await api.b('POST', `/api/quarantine/orders/${o2.id}/start`, { place: 'home' }), 200, 'B starts its own');
    const listA = expectStatus(await api.a('GET', '/api/quarantine/orders?limit=1000'), 200, 'A orders').items;
    const listB = expectStatus(await api.b('GET', '/api/quarantine/orders?limit=1000'), 200, 'B orders').items;
    const listC = expectStatus(await api.c('GET', '/api/quarantine/orders?limit=1000'), 200, 'C orders').items;
    assert.deepEqual(listA.map((o) => o.person_id).sort((x, y) => x - y), [W.h.id, W.v1.id, W.v3.id].sort((x, y) => x - y), 'A lists its residents\' orders');
    assert.deepEqual(listB.map((o) => o.person_id), [W.v2.id], 'B lists its resident\'s order');
    assert.deepEqual(listC, [], 'another district lists nothing');
    await sameAsMissing(api.b, 'POST', `/api/quarantine/orders/${o1.id}/checks`, { temperature: 36.8, symptoms: [] }, 'commune B records a health check');
    await denied(api.team, 'POST', `/api/quarantine/orders/${o1.id}/checks`, { temperature: 36.8, symptoms: [] }, 'team records a health check');
    const twice = await api.a('POST', `/api/quarantine/orders/${o1.id}/start`, { place: 'home' });
    assert.equal(twice.status, 409, `a started order cannot start again: ${twice.text}`);
    // Oracle: the orders whose day 0 + a test day is today (none sampled yet).
    const dueOn = (day, people) => people.flatMap((p) => W.orders[p.id].test_days
      .filter((d) => shiftDay(W.orders[p.id].start_date, d) === day).map((d) => `${W.orders[p.id].id}:${d}`)).sort();
    const all = [W.h, W.v1, W.v2, W.v3];
    const key = (w) => w.items.map((i) => `${i.order_id}:${i.test_day}`).sort();
    const wd = expectStatus(await api.district('GET', '/api/quarantine/worklists'), 200, 'district worklists');
    assert.equal(wd.date, DAY.confirm);
    assert.deepEqual(key(wd.tests_due), dueOn(DAY.confirm, all), 'district: tests due today');
    assert.equal(wd.tests_due.total, dueOn(DAY.confirm, all).length);
    assert.deepEqual(dueOn(DAY.confirm, all), [`${W.orders[W.v1.id].id}:1`, `${W.orders[W.v3.id].id}:1`].sort(),
      'the two vaccinated venue F1 are due on day 1 today (the household F1 tomorrow, the unvaccinated on day 7)');
    const wa = expectStatus(await api.a('GET', '/api/quarantine/worklists'), 200, 'A worklists');
    assert.deepEqual(key(wa.tests_due), dueOn(DAY.confirm, all.filter((p) => p.unit_code === UNIT_A)));
    const wb = expectStatus(await api.b('GET', '/api/quarantine/worklists'), 200, 'B worklists');
    assert.deepEqual(key(wb.tests_due), [], 'commune B has nobody due today');
    const tomorrow = expectStatus(await api.a('GET', `/api/quarantine/worklists?date=${shiftDay(DAY.confirm, 1)}`), 200, 'tomorrow');
    assert.deepEqual(key(tomorrow.tests_due), dueOn(shiftDay(DAY.confirm, 1), all), 'tomorrow: the household F1, day 1');
    const wu = await api.b('GET', `/api/quarantine/worklists?unit=${UNIT_A}`);
    assert.equal(wu.status, 404, 'commune B asks for commune A\'s worklists');
    const early = await api.a('POST', `/api/quarantine/orders/${o1.id}/release`, {});
    assert.equal(early.status, 409, early.text);
    assert.ok(early.body.blockers.some((b) => b.code === 'days'), 'days not served block release');
  });

  await t.test('4. scheduled samples pooled; a positive pool blocks its members and asks for re-tests', async () => {
    const { api } = run;
    const sampleBody = (p) => ({ person_id: p.id, kind: 'pcr', reason: 'f1_schedule', quarantine_order_id: W.orders[p.id].id, test_day: 1 });
    await denied(api.team, 'POST', '/api/lab/samples', sampleBody(W.v1), 'team takes a sample');
    for (const k of ['b', 'c']) {
      const out = await api[k]('POST', '/api/lab/samples', sampleBody(W.v1));
      const miss = await api[k]('POST', '/api/lab/samples', { ...sampleBody(W.v1), person_id: MISSING });
      assert.equal(out.status, 404, `commune ${k} samples an A resident: ${out.text}`);
      assert.equal(out.body.field, 'person_id');
      assert.deepEqual(out.body, miss.body, `commune ${k}: like a missing person`);
    }
    W.s1 = {};
    for (const p of [W.v1, W.v3]) {
      const s = expectStatus(await api.a('POST', '/api/lab/samples', sampleBody(p)), 201, 'scheduled sample').sample;
      assert.deepEqual([s.reason, s.quarantine_order_id, s.test_day, s.sampled_on, s.result], ['f1_schedule', W.orders[p.id].id, 1, DAY.confirm, 'pending']);
      W.s1[p.id] = s;
    }
    await sameAsMissing(api.b, 'GET', `/api/lab/samples/${W.s1[W.v1.id].id}`, undefined, 'commune B reads an A sample');
    const wa = expectStatus(await api.a('GET', '/api/quarantine/worklists'), 200, 'worklists');
    assert.equal(wa.tests_due.total, 0, 'sampled: nobody is due any more today');
    const ids = [W.s1[W.v1.id].id, W.s1[W.v3.id].id];
    await denied(api.team, 'POST', '/api/lab/pools', { sample_ids: ids }, 'team pools');
    for (const k of ['b', 'c']) {
      // The answer names the sample id: compare with the answer for a missing id, the id swapped.
      const refused = await api[k]('POST', '/api/lab/pools', { sample_ids: [ids[0]] });
      const miss = await api[k]('POST', '/api/lab/pools', { sample_ids: [MISSING] });
      assert.equal(refused.status, 404, `commune ${k} pools an A sample: ${refused.text}`);
      assert.equal(refused.text, miss.text.replaceAll(String(MISSING), String(ids[0])), `commune ${k}: like a missing sample`);
    }
    const made = expectStatus(await api.a('POST', '/api/lab/pools', { sample_ids: ids }), 201, 'pool');
    W.pool = made.pool;
    assert.equal(W.pool.size, 2);
    assert.match(W.pool.label, /^P\d{6}$/);
    assert.deepEqual(made.members.map((m) => m.id).sort((x, y) => x - y), [...ids].sort((x, y) => x - y));
    await sameAsMissing(api.b, 'GET', `/api/lab/pools/${W.pool.id}`, undefined, 'commune B reads the pool');
    await sameAsMissing(api.c, 'POST', `/api/lab/pools/${W.pool.id}/result`, { result: 'negative' }, 'commune C enters the pool result');
    await denied(api.team, 'POST', `/api/lab/pools/${W.pool.id}/result`, { result: 'positive' }, 'team enters the pool result');
    const pos = expectStatus(await api.a('POST', `/api/lab/pools/${W.pool.id}/result`, { result: 'positive' }), 200, 'pool positive');
    assert.equal(pos.pool.result, 'positive');
    for (const m of pos.members) {
      assert.equal(m.result, 'pending', 'no member result is inferred from a positive pool');
      assert.ok(m.pool_blocked, 'the member is blocked');
    }
    for (const id of ids) {
      const r = await api.a('POST', `/api/lab/samples/${id}/result`, { result: 'negative' });
      assert.equal(r.status, 400, `a negative entered on a blocked member: ${r.text}`);
      assert.equal(r.body.field, 'result');
      const s = expectStatus(await api.a('GET', `/api/lab/samples/${id}`), 200, 'member').sample;
      assert.notEqual(s.result, 'negative');
      assert.equal(s.result, 'pending');
    }
    const detail = expectStatus(await api.a('GET', `/api/quarantine/orders/${W.orders[W.v1.id].id}`), 200, 'order').order;
    assert.equal(detail.schedule.find((x) => x.day === 1).result, 'pending', 'day 1 is not negative while the pool is positive');
    const tasks = expectStatus(await api.a('GET', '/api/lab/retests'), 200, 'retests').items.filter((x) => x.pool_id === W.pool.id);
    assert.deepEqual(tasks.map((x) => x.person_id).sort((x, y) => x - y), [W.v1.id, W.v3.id].sort((x, y) => x - y), 'one re-test per member');
    assert.ok(tasks.every((x) => x.sample_id === null));
    const bTasks = expectStatus(await api.b('GET', '/api/lab/retests'), 200, 'B retests').items;
    assert.ok(!bTasks.some((x) => x.pool_id === W.pool.id), 'commune B does not see the re-tests');
    W.re = {};
    for (const task of tasks) {
      const s = expectStatus(await api.a('POST', '/api/lab/samples', { person_id: task.person_id, kind: 'pcr', retest_id: task.id }), 201, 're-test').sample;
      assert.equal(s.reason, 'retest');
      assert.equal(s.quarantine_order_id, W.orders[task.person_id].id, 'the re-test is for the same order');
      assert.equal(s.test_day, 1, 'and the same test day');
      W.re[task.person_id] = s;
    }
    assert.equal(expectStatus(await api.a('GET', '/api/lab/retests'), 200, 'retests').items.filter((x) => x.pool_id === W.pool.id).length, 0, 're-tests done');
    await sameAsMissing(api.b, 'POST', `/api/lab/samples/${W.re[W.v3.id].id}/result`, { result: 'positive' }, 'commune B enters an A result');
    await sameAsMissing(api.c, 'POST', `/api/lab/samples/${W.re[W.v3.id].id}/result`, { result: 'positive' }, 'commune C enters an A result');
    await denied(api.team, 'POST', `/api/lab/samples/${W.re[W.v3.id].id}/result`, { result: 'positive' }, 'team enters a result');
    await denied(api.team, 'GET', `/api/lab/samples/${W.re[W.v3.id].id}`, undefined, 'team reads a sample');
    expectStatus(await api.a('POST', `/api/lab/samples/${W.re[W.v3.id].id}/result`, { result: 'positive' }), 200, 'v3 positive');
    expectStatus(await api.a('POST', `/api/lab/samples/${W.re[W.v1.id].id}/result`, { result: 'negative' }), 200, 'v1 negative');
    const conflict = await api.a('POST', `/api/lab/samples/${W.re[W.v1.id].id}/result`, { result: 'positive' });
    assert.equal(conflict.status, 409, 'a final result does not change');
    const o1 = expectStatus(await api.a('GET', `/api/quarantine/orders/${W.orders[W.v1.id].id}`), 200, 'order').order;
    assert.deepEqual(o1.schedule.find((x) => x.day === 1), { day: 1, date: DAY.confirm, result: 'negative', sample_id: W.re[W.v1.id].id });
  });

  await t.test('5. the positive re-test is an F0 proposal with the basis of its date; the district confirms it', async () => {
    const { api } = run;
    const sid = W.re[W.v3.id].id;
    const list = expectStatus(await api.a('GET', '/api/lab/proposals'), 200, 'proposals').items;
    const p = list.find((x) => x.sample.id === sid);
    assert.ok(p, 'the positive re-test is proposed');
    // docs/lab.md: before 2021-12-29 (11042/BYT-DP) RT-PCR confirms; the F1 is known.
    assert.equal(p.basis, 'pcr');
    assert.equal(p.needs, null);
    assert.equal(p.is_f1, true, 'the person is a traced F1');
    assert.ok(p.rule_from < '2021-12-29', `the definition in force is the one before 11042: ${p.rule_from}`);
    assert.match(p.rule, /11042/, 'named as the default before 11042');
    assert.equal(p.rule_configurable, true, 'the pre-11042 row is a configurable project default');
    assert.ok(!list.some((x) => x.sample.id === W.re[W.v1.id].id), 'a negative is not proposed');
    assert.ok(!expectStatus(await api.b('GET', '/api/lab/proposals'), 200, 'B proposals').items.some((x) => x.sample.id === sid));
    await denied(api.team, 'POST', `/api/lab/proposals/${sid}/confirm`, {}, 'team confirms a proposal');
    await sameAsMissing(api.b, 'POST', `/api/lab/proposals/${sid}/dismiss`, { note: 'Không phải ca bệnh' }, 'commune B dismisses an A proposal');
    await sameAsMissing(api.b, 'POST', `/api/lab/proposals/${sid}/confirm`, {}, 'commune B confirms an A proposal');
    await sameAsMissing(api.c, 'POST', `/api/lab/proposals/${sid}/confirm`, {}, 'commune C confirms an A proposal');
    const made = expectStatus(await api.district('POST', `/api/lab/proposals/${sid}/confirm`, {}), 201, 'district confirms');
    W.case1 = made.case;
    assert.deepEqual([made.case.person_id, made.case.basis, made.case.sample_date, made.case.found_in, made.case.status],
      [W.v3.id, 'pcr', DAY.confirm, 'quarantine', 'active']);
    assert.ok(made.trace, `traced at once: ${made.trace_error || ''}`);
    const c = expectStatus(await api.a('GET', `/api/cases/${W.case1.id}`), 200, 'the new case').case;
    assert.ok(c.traced_at, 'the new case is traced');
    const f1 = expectStatus(await api.district('GET', `/api/cases/${W.case1.id}/contacts?level=1`), 200, 'contacts').f1;
    assert.ok(f1.some((k) => k.person_id === W.v1.id), 'the people met at the venue are its F1');
    assert.ok(!expectStatus(await api.a('GET', '/api/lab/proposals'), 200, 'proposals').items.some((x) => x.sample.id === sid), 'handled');
    const again = await api.district('POST', `/api/lab/proposals/${sid}/confirm`, {});
    assert.equal(again.status, 409, `a second confirmation: ${again.text}`);
    await sameAsMissing(api.b, 'GET', `/api/cases/${W.case1.id}`, undefined, 'commune B reads the new case');
    // The F1 who became a case leaves quarantine for care: the order ends as cancelled, off the worklists.
    const order = expectStatus(await api.a('GET', `/api/quarantine/orders/${W.orders[W.v3.id].id}`), 200, 'order');
    const o = order.order || order;
    assert.equal(o.phase, 'cancelled', `the order of the new case: ${JSON.stringify(o).slice(0, 300)}`);
    assert.match(o.release_note, /F0/, 'the order says why it ended');
    const rel = await api.a('POST', `/api/quarantine/orders/${W.orders[W.v3.id].id}/release`, {});
    assert.equal(rel.status, 409, `a cancelled order is not released: ${rel.text}`);
  });

  await t.test('6. triage (5525 colour), a bed of its tier, monitoring with the SpO2 alert, release refused before day 10', async () => {
    const { api } = run;
    const triage = { comorbidity: 'none', pregnant: false, symptoms: 'none', spo2: 98, resp_rate: 18, self_care: true };
    await sameAsMissing(api.b, 'POST', `/api/care/cases/${W.case1.id}/triage`, triage, 'commune B triages an A case');
    await sameAsMissing(api.c, 'POST', `/api/care/cases/${W.case1.id}/triage`, triage, 'commune C triages an A case');
    // Age and vaccination come from the registry (born 1954-02-02) and the recorded doses (two Pfizer doses).
    const ep = expectStatus(await api.team('POST', `/api/care/cases/${W.case1.id}/triage`, triage), 200, 'team triages').episode;
    const want = expectedColour({ age: 67, full: true, chronic: false });
    assert.equal(want, 'orange');
    assert.equal(ep.colour, want, `67, fully vaccinated, no chronic disease: ${JSON.stringify(ep)}`);
    assert.equal(ep.tier, TIER[want]);
    assert.equal(ep.place, 'facility', 'orange is cared for in hospital');
    assert.deepEqual([ep.age, ep.vaccination], [67, 'full'], 'age and vaccination read from the registry and the doses');
    W.ep1 = ep.id;
    const ep0 = expectStatus(await api.a('POST', `/api/care/cases/${W.case0.id}/triage`, triage), 200, 'triage F0 0').episode;
    assert.equal(ep0.colour, expectedColour({ age: 40, full: false, chronic: false }), '40, not vaccinated');
    await denied(api.team, 'POST', '/api/quarantine/facilities', { kind: 'quarantine', name: 'Khu cách ly', beds: 3, unit_code: UNIT_A }, 'team adds a quarantine site');
    const fac = expectStatus(await api.a('POST', '/api/quarantine/facilities', { kind: 'treatment', name: 'Cơ sở điều trị tầng 2 thử',
      tier: TIER[want], beds: 1, icu_beds: 0, unit_code: UNIT_A }), 201, 'tier facility').facility;
    const list = expectStatus(await api.a('GET', '/api/quarantine/facilities?kind=treatment'), 200, 'facilities').items;
    assert.equal(list.find((f) => f.id === fac.id).tier, ep.tier, 'the facility is of the recommended tier');
    await sameAsMissing(api.b, 'POST', `/api/care/episodes/${W.ep1}/bed`, { facility_id: fac.id, bed_kind: 'bed' }, 'commune B assigns a bed');
    const bed = expectStatus(await api.a('POST', `/api/care/episodes/${W.ep1}/bed`, { facility_id: fac.id, bed_kind: 'bed' }), 200, 'bed').episode;
    assert.equal(bed.facility_id, fac.id);
    const full = await api.a('POST', `/api/care/episodes/${ep0.id}/bed`, { facility_id: fac.id, bed_kind: 'bed' });
    assert.equal(full.status, 409, `a full facility refuses: ${full.text}`);
    assert.equal(full.body.field, 'facility_id');
    const f = expectStatus(await api.a('GET', '/api/quarantine/facilities?kind=treatment'), 200, 'facilities').items.find((x) => x.id === fac.id);
    assert.deepEqual([f.used, f.free], [1, 0]);
    // Monitoring twice a day. On 2021-12-20 Decision 4038/QĐ-BYT is in force: SpO2 >= 96 % is fine, below alerts.
    await sameAsMissing(api.b, 'POST', `/api/care/episodes/${W.ep1}/monitoring`, { slot: 'morning', spo2: 97, resp_rate: 18 }, 'commune B monitors');
    const morning = expectStatus(await api.team('POST', `/api/care/episodes/${W.ep1}/monitoring`, { slot: 'morning', spo2: 96, resp_rate: 18, temperature: 37 }), 201, 'morning');
    assert.equal(morning.alert, '', 'SpO2 96 % is at the threshold of 4038 (>= 96): no alert');
    const evening = expectStatus(await api.team('POST', `/api/care/episodes/${W.ep1}/monitoring`, { slot: 'evening', spo2: 95, resp_rate: 18, temperature: 37.4 }), 201, 'evening');
    assert.match(evening.alert, /SpO₂ 95/, 'SpO2 95 % is below the threshold');
    const alerts = expectStatus(await api.a('GET', '/api/care/alerts'), 200, 'alerts').items;
    assert.ok(alerts.some((x) => x.id === evening.entry_id), 'the low SpO2 is on the alert worklist');
    assert.ok(!alerts.some((x) => x.id === morning.entry_id), 'the normal entry is not');
    assert.ok(!expectStatus(await api.b('GET', '/api/care/alerts'), 200, 'B alerts').items.some((x) => x.id === evening.entry_id), 'not for commune B');
    W.alert = evening.entry_id;
    expectStatus(await api.a('POST', `/api/care/alerts/${evening.entry_id}/done`, {}), 200, 'alert handled');
    assert.ok(!expectStatus(await api.a('GET', '/api/care/alerts'), 200, 'alerts').items.some((x) => x.id === evening.entry_id), 'handled alerts leave the list');
    await sameAsMissing(api.b, 'GET', `/api/care/episodes/${W.ep1}`, undefined, 'commune B reads an A episode');
    await sameAsMissing(api.c, 'GET', `/api/care/episodes/${W.ep1}`, undefined, 'commune C reads an A episode');
    const detail = expectStatus(await api.a('GET', `/api/care/episodes/${W.ep1}`), 200, 'episode').episode;
    assert.equal(detail.monitoring.length, 2);
    assert.equal(detail.release.eligible, false);
    const rel = await api.a('POST', `/api/care/episodes/${W.ep1}/release`, {});
    assert.equal(rel.status, 409, `release on day 0: ${rel.text}`);
    // docs/quarantine.md care release rows: from 2021-12-01, 10 days and a negative antigen test from day 10.
    assert.equal(detail.release.days, 0);
    assert.ok(rel.body.message.includes(shiftDay(DAY.confirm, 10)), `names the first day a negative test counts: ${rel.body.message}`);
  });
  await t.test('6b. closing an alert of another commune answers like a missing alert', async () => {
    await sameAsMissing(run.api.b, 'POST', `/api/care/alerts/${W.alert}/done`, {},
      'commune B closing commune A\'s alert answers exactly like a missing alert (same 404 body)');
  });
  await nextDay(run);

  // ---------------------------------------------------------------- 7. day 7 of the venue F1
  run = await serverOn(DAY.day7, db);
  await t.test('7. day 7: the negative F1 is released, handed over to commune A (B: 404), monitoring ends on its day', async () => {
    const { api } = run;
    const o1 = W.orders[W.v1.id];
    const active = expectStatus(await api.district('GET', '/api/quarantine/orders?phase=active&limit=1000'), 200, 'active').items;
    const sampled = new Set([`${o1.id}:1`, `${W.orders[W.v3.id].id}:1`]);
    const due = active.flatMap((o) => o.test_days.filter((d) => shiftDay(o.start_date, d) === DAY.day7 && !sampled.has(`${o.id}:${d}`))
      .map((d) => `${o.id}:${d}`)).sort();
    assert.ok(due.includes(`${o1.id}:7`) && due.includes(`${W.orders[W.v2.id].id}:7`), 'day 7 of both venue F1');
    const wd = expectStatus(await api.district('GET', '/api/quarantine/worklists'), 200, 'worklists');
    assert.deepEqual(wd.tests_due.items.map((i) => `${i.order_id}:${i.test_day}`).sort(), due);
    const late = wd.tests_overdue.items.find((i) => i.order_id === W.orders[W.h.id].id);
    assert.ok(late, 'the household F1 missed day 1');
    assert.deepEqual([late.test_day, late.days_late], [1, 5]);
    const wb = expectStatus(await api.b('GET', '/api/quarantine/worklists'), 200, 'B worklists');
    assert.deepEqual(wb.tests_due.items.map((i) => i.order_id), [W.orders[W.v2.id].id], 'commune B: its own F1 only');
    const s = expectStatus(await api.a('POST', '/api/lab/samples', { person_id: W.v1.id, kind: 'pcr', reason: 'f1_schedule',
      quarantine_order_id: o1.id, test_day: 7 }), 201, 'day 7').sample;
    expectStatus(await api.a('POST', `/api/lab/samples/${s.id}/result`, { result: 'negative' }), 200, 'negative');
    const rd = expectStatus(await api.a('GET', '/api/quarantine/worklists'), 200, 'A worklists').releases_due.items.find((i) => i.order_id === o1.id);
    assert.ok(rd, 'on the releases due');
    assert.deepEqual([rd.release_from, rd.tests_not_negative], [DAY.day7, 0]);
    await denied(api.team, 'POST', `/api/quarantine/orders/${o1.id}/release`, {}, 'team releases');
    await sameAsMissing(api.b, 'POST', `/api/quarantine/orders/${o1.id}/release`, {}, 'commune B releases an A order');
    await sameAsMissing(api.c, 'POST', `/api/quarantine/orders/${o1.id}/release`, {}, 'commune C releases an A order');
    const ord = expectStatus(await api.a('POST', `/api/quarantine/orders/${o1.id}/release`, {}), 200, 'release').order;
    assert.deepEqual([ord.status, ord.phase, ord.released_on, ord.handover_unit, ord.handover_confirmed],
      ['done', 'monitoring', DAY.day7, UNIT_A, 0]);
    const end = shiftDay(DAY.day7, expectedSchedule(o1.start_date, 2).monitoring_days);
    assert.equal(end, '2022-01-02');
    assert.equal(ord.monitoring_end, end);
    assert.ok(expectStatus(await api.a('GET', '/api/quarantine/worklists'), 200, 'w').handovers.items.some((i) => i.order_id === o1.id), 'waiting for the station');
    assert.ok(!expectStatus(await api.b('GET', '/api/quarantine/worklists'), 200, 'w').handovers.items.some((i) => i.order_id === o1.id), 'not on B\'s list');
    await sameAsMissing(api.b, 'POST', `/api/quarantine/orders/${o1.id}/handover`, {}, 'commune B confirms the hand-over');
    await sameAsMissing(api.c, 'POST', `/api/quarantine/orders/${o1.id}/handover`, {}, 'commune C confirms the hand-over');
    await denied(api.team, 'POST', `/api/quarantine/orders/${o1.id}/handover`, {}, 'team confirms the hand-over');
    const d = await api.district('POST', `/api/quarantine/orders/${o1.id}/handover`, {});
    assert.equal(d.status, 403, 'only the receiving commune station confirms');
    const ok = expectStatus(await api.a('POST', `/api/quarantine/orders/${o1.id}/handover`, {}), 200, 'A confirms').order;
    assert.equal(ok.handover_confirmed, 1);
    assert.equal((await api.a('POST', `/api/quarantine/orders/${o1.id}/handover`, {})).status, 409, 'confirmed once');
    const ends = async (who, day) => expectStatus(await api[who]('GET', `/api/quarantine/worklists?date=${day}`), 200, `worklists ${day}`)
      .monitoring_ends.items.filter((i) => i.order_id === o1.id);
    assert.equal((await ends('a', end)).length, 1, 'monitoring ends on 2022-01-02');
    assert.equal((await ends('a', end))[0].handover_confirmed, 1);
    assert.equal((await ends('a', shiftDay(end, -1))).length, 0, 'not the day before');
    assert.equal((await ends('a', shiftDay(end, 1))).length, 0, 'nor the day after');
    assert.equal((await ends('district', end)).length, 1, 'the district sees it too');
    assert.equal((await ends('b', end)).length, 0, 'commune B does not');
    // The F0 on day 6: not yet.
    const rel = await api.a('POST', `/api/care/episodes/${W.ep1}/release`, {});
    assert.equal(rel.status, 409, rel.text);
  });
  await nextDay(run);

  // ---------------------------------------------------------------- 8. day 10 of the F0
  run = await serverOn(DAY.day10, db);
  await t.test('8. day 10: the F0 is released after a negative antigen test and the case is recovered', async () => {
    const { api } = run;
    // docs/quarantine.md, care release rows: from 2021-12-01, 10 days from the positive sample and a negative antigen test.
    const ep = expectStatus(await api.a('GET', `/api/care/episodes/${W.ep1}`), 200, 'episode').episode;
    assert.equal(ep.release.days, 10);
    assert.equal(ep.release.eligible, false, 'ten days but no negative test yet');
    const blocked = await api.a('POST', `/api/care/episodes/${W.ep1}/release`, {});
    assert.equal(blocked.status, 409, blocked.text);
    assert.match(blocked.body.message, /âm tính/, 'the negative test is what blocks');
    const s = expectStatus(await api.a('POST', '/api/lab/samples', { person_id: W.v3.id, kind: 'antigen', reason: 'release' }), 201, 'antigen').sample;
    expectStatus(await api.a('POST', `/api/lab/samples/${s.id}/result`, { result: 'negative' }), 200, 'negative');
    await sameAsMissing(api.b, 'POST', `/api/care/episodes/${W.ep1}/release`, {}, 'commune B releases an A F0');
    await denied(api.team, 'POST', `/api/care/episodes/${W.ep1}/release`, {}, 'team releases (needs cases.write)');
    const done = expectStatus(await api.a('POST', `/api/care/episodes/${W.ep1}/release`, {}), 200, 'release').episode;
    assert.equal(done.status, 'released');
    const c = expectStatus(await api.district('GET', `/api/cases/${W.case1.id}`), 200, 'case').case;
    assert.equal(c.status, 'recovered');
    const f = expectStatus(await api.a('GET', '/api/quarantine/facilities?kind=treatment'), 200, 'facilities').items
      .find((x) => x.name === 'Cơ sở điều trị tầng 2 thử');
    assert.equal(f.used, 0, 'the bed is free again');
  });
});
