// tests/api/quarantine.test.js: quarantine and F0 care over HTTP on the demo district: who may use which
// endpoint (401 without a session, 403 by role), an order or episode of another commune answering exactly
// like a missing one, validation naming its fields, the worklists checked against an oracle built from the
// orders and their schedules, occupancy against the orders list, care triage / monitoring / SpO₂ alert /
// bed capacity; and the whole path on a database whose clock is moved on: an F1 found by tracing a case
// confirmed through /api/cases, its pending order started, a health check, release refused while tests are
// missing, released, handed over and confirmed by the commune account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { startServer, login, call } from '../lib/server.js';
import { bind, expectStatus, stopClean } from '../lib/fixture.js';

let srv;
const api = {};
const USERS = ['admin', 'huyen', 'xa', 'todoi', 'xem', 'congan', 'cho'];
const MISSING = 987654321;
const localDay = (n = 0, now = Date.now()) => new Date(now + 7 * 3600 * 1000 + n * 86400 * 1000).toISOString().slice(0, 10);
const shiftDay = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400 * 1000).toISOString().slice(0, 10);

async function loginAll(s, users) {
  const out = {};
  for (const u of users) {
    const r = await login(s.url, u, `demo@${u}2021`);
    assert.equal(r.status, 200, `login ${u}`);
    out[u] = bind(s.url, r);
  }
  return out;
}

before(async () => {
  srv = await startServer({ demo: true });
  Object.assign(api, await loginAll(srv, USERS));
});
after(async () => { if (srv) await stopClean(srv); });

const allOrders = async (who = 'admin', q = '') => expectStatus(await api[who]('GET', `/api/quarantine/orders?limit=5000${q}`), 200, 'orders').items;

test('401 without a session, 403 by role', async () => {
  const order = (await allOrders())[0].id;
  const endpoints = [
    ['GET', '/api/quarantine/orders'], ['GET', `/api/quarantine/orders/${order}`], ['GET', '/api/quarantine/worklists'],
    ['POST', `/api/quarantine/orders/${order}/start`], ['POST', `/api/quarantine/orders/${order}/checks`],
    ['POST', `/api/quarantine/orders/${order}/release`], ['POST', `/api/quarantine/orders/${order}/handover`],
    ['GET', '/api/quarantine/facilities'], ['POST', '/api/quarantine/facilities'], ['GET', '/api/quarantine/capacity'],
    ['GET', '/api/care/cases'], ['POST', '/api/care/cases/1/triage'], ['GET', '/api/care/alerts'],
  ];
  for (const [m, p] of endpoints) {
    const r = await call(srv.url, null, m, p, m === 'POST' ? {} : undefined);
    assert.equal(r.status, 401, `${m} ${p} without a session`);
  }
  for (const u of ['xem', 'congan', 'cho']) {
    for (const [m, p] of endpoints) {
      const r = await api[u](m, p, m === 'POST' ? {} : undefined);
      assert.equal(r.status, 403, `${u} ${m} ${p}: ${r.text}`);
    }
  }
  // The community team reads quarantine but does not change it; it records care.
  expectStatus(await api.todoi('GET', '/api/quarantine/worklists'), 200, 'team reads worklists');
  for (const [m, p] of endpoints.filter(([m2, p2]) => m2 === 'POST' && p2.startsWith('/api/quarantine/orders'))) {
    assert.equal((await api.todoi(m, p, {})).status, 403, `team ${p}`);
  }
  expectStatus(await api.todoi('GET', '/api/care/cases'), 200, 'team reads care');
});

test('rules as data: the worked examples of the timeline', async () => {
  const all = expectStatus(await api.xa('GET', '/api/quarantine/rules'), 200, 'rules').items;
  assert.ok(all.every((r) => r.basis && r.effective_from), 'every row has its basis and date');
  const july = expectStatus(await api.xa('GET', '/api/quarantine/rules?date=2021-07-20&immunity=0'), 200, 'july').rule;
  assert.deepEqual([july.basis, july.place, july.quarantine_days, july.monitoring_days, july.test_days],
    ['5599/BYT-MT', 'centralised', 14, 14, [1, 7, 14]]);
  const dec = expectStatus(await api.xa('GET', '/api/quarantine/rules?date=2021-12-20&immunity=2'), 200, 'dec').rule;
  assert.deepEqual([dec.basis, dec.quarantine_days, dec.test_days], ['10696/BYT-MT', 7, [1, 7]]);
  const bad = await api.xa('GET', '/api/quarantine/rules?date=2021-02-30');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, 'date');
});

test('scope: another commune answers like a missing record', async () => {
  const orders = await allOrders();
  const far = orders.find((o) => o.unit_code !== '01834');
  const near = orders.find((o) => o.unit_code === '01834');
  assert.ok(far && near, 'orders in and out of the commune');
  const missing = await api.xa('GET', `/api/quarantine/orders/${MISSING}`);
  const out = await api.xa('GET', `/api/quarantine/orders/${far.id}`);
  assert.equal(missing.status, 404);
  assert.equal(out.status, 404);
  assert.deepEqual(out.body, missing.body, 'same answer');
  const start = await api.xa('POST', `/api/quarantine/orders/${far.id}/start`, { place: 'home' });
  assert.equal(start.status, 404);
  expectStatus(await api.huyen('GET', `/api/quarantine/orders/${far.id}`), 200, 'district sees it');
  const mine = await allOrders('xa');
  assert.ok(mine.length > 0 && mine.every((o) => o.unit_code === '01834'), 'commune list stays in the commune');
  const unitOut = await api.xa('GET', `/api/quarantine/worklists?unit=${far.unit_code}`);
  assert.equal(unitOut.status, 404);
  const care = expectStatus(await api.admin('GET', '/api/care/cases'), 200, 'care').items;
  const farCare = care.find((c) => c.episode_id && c.unit_code !== '01834');
  if (farCare) assert.equal((await api.xa('GET', `/api/care/episodes/${farCare.episode_id}`)).status, 404);
});

test('worklists: tests due today match the orders schedules; commune lists stay in the commune', async () => {
  const today = localDay();
  const w = expectStatus(await api.admin('GET', '/api/quarantine/worklists'), 200, 'worklists');
  assert.equal(w.date, today);
  for (const k of ['tests_due', 'tests_overdue', 'releases_due', 'handovers', 'monitoring_ends', 'alerts']) {
    assert.ok(Array.isArray(w[k].items) && Number.isInteger(w[k].total), k);
  }
  // Oracle: active orders with a test day falling today and no sample for it in their schedule.
  const active = await allOrders('admin', '&phase=active');
  const expected = new Set();
  for (const o of active) {
    for (const d of o.test_days) {
      if (shiftDay(o.start_date, d) !== today) continue;
      const detail = expectStatus(await api.admin('GET', `/api/quarantine/orders/${o.id}`), 200, 'order').order;
      const s = detail.schedule.find((x) => x.day === d);
      assert.equal(s.date, today);
      if (s.result === null) expected.add(`${o.id}:${d}`);
    }
  }
  const got = new Set(w.tests_due.items.map((i) => `${i.order_id}:${i.test_day}`));
  assert.deepEqual([...got].sort(), [...expected].sort());
  assert.equal(w.tests_due.total, expected.size);
  // Releases due: active orders whose days are served.
  const due = active.filter((o) => o.release_from <= today).map((o) => o.id).sort();
  assert.deepEqual(w.releases_due.items.map((i) => i.order_id).sort(), due);
  const xa = expectStatus(await api.xa('GET', '/api/quarantine/worklists'), 200, 'xa worklists');
  for (const k of ['tests_due', 'tests_overdue', 'releases_due', 'handovers', 'alerts']) {
    assert.ok(xa[k].items.every((i) => i.unit_code === '01834'), `${k} in the commune`);
    assert.ok(xa[k].total <= w[k].total, `${k} subset`);
  }
  assert.ok(w.alerts.total > 0 && w.handovers.total > 0, 'the demo fills the alert and hand-over lists');
});

test('facilities: occupancy is the active orders; a full site refuses; validation names fields', async () => {
  const fac = expectStatus(await api.admin('GET', '/api/quarantine/facilities'), 200, 'facilities').items;
  const active = await allOrders('admin', '&phase=active');
  for (const f of fac.filter((x) => x.kind === 'quarantine' || x.kind === 'hotel')) {
    assert.equal(f.used, active.filter((o) => o.facility_id === f.id).length, `used at ${f.name}`);
    assert.equal(f.free, f.beds - f.used);
  }
  const cap = expectStatus(await api.admin('GET', '/api/quarantine/capacity'), 200, 'capacity');
  assert.equal(cap.groups.quarantine.used, active.filter((o) => o.facility_id).length);
  for (const k of ['projected_7', 'projected_14', 'admitted_7d', 'released_7d']) assert.ok(Number.isInteger(cap.groups.quarantine[k]), k);
  let r = await api.xa('POST', '/api/quarantine/facilities', { kind: 'quarantine', name: 'Nhà văn hóa tổ 1', beds: 1, unit_code: '01834' });
  assert.equal(r.status, 201, r.text);
  const tiny = r.body.facility.id;
  r = await api.xa('POST', '/api/quarantine/facilities', { kind: 'treatment', name: 'X', beds: 5, unit_code: '01834' });
  assert.equal(r.status, 400);
  assert.equal(r.body.field, 'tier');
  r = await api.xa('POST', '/api/quarantine/facilities', { kind: 'quarantine', name: 'Y', beds: 5, unit_code: '01837' });
  assert.equal(r.status, 404, 'a unit outside the scope');
  const pending = (await allOrders('admin', '&phase=pending'));
  assert.ok(pending.length >= 2, 'two pending orders in the district');
  r = await api.admin('POST', `/api/quarantine/orders/${pending[0].id}/start`, { place: 'tent' });
  assert.equal(r.status, 400);
  assert.equal(r.body.field, 'place');
  expectStatus(await api.admin('POST', `/api/quarantine/orders/${pending[0].id}/start`, { place: 'centralised', facility_id: tiny }), 200, 'start');
  r = await api.admin('POST', `/api/quarantine/orders/${pending[1].id}/start`, { place: 'centralised', facility_id: tiny });
  assert.equal(r.status, 409);
  assert.equal(r.body.field, 'facility_id');
  const site = expectStatus(await api.admin('GET', '/api/quarantine/facilities?kind=quarantine'), 200, 'site').items.find((f) => f.id === tiny);
  assert.deepEqual([site.used, site.free], [1, 0], 'the one bed is taken');
  r = await api.admin('POST', `/api/quarantine/orders/${pending[0].id}/checks`, { temperature: 36.5, symptoms: ['headache'] });
  assert.equal(r.status, 400);
  assert.equal(r.body.field, 'symptoms');
});

test('care: triage by colour, the SpO₂ alert, bed capacity', async () => {
  const list = expectStatus(await api.admin('GET', '/api/care/cases'), 200, 'care').items;
  const colours = new Set(list.map((c) => c.colour).filter(Boolean));
  assert.ok(colours.size >= 2, `several colours: ${[...colours]}`);
  const one = list.find((c) => c.unit_code === '01834') || list[0];
  let r = await api.admin('POST', `/api/care/cases/${one.case_id}/triage`, { symptoms: 'none', resp_rate: 16 });
  assert.equal(r.status, 400);
  assert.equal(r.body.field, 'spo2');
  r = await api.admin('POST', `/api/care/cases/${one.case_id}/triage`, {
    age: 70, vaccination: 'full', comorbidity: 'stable', symptoms: 'mild', spo2: 97, resp_rate: 18,
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.episode.colour, 'red', '65+ with a chronic disease (5525)');
  assert.equal(r.body.episode.place, 'facility');
  const ep = r.body.episode.id;
  r = await api.todoi('POST', `/api/care/episodes/${ep}/monitoring`, { slot: 'morning', spo2: 94, resp_rate: 18, temperature: 37.2 });
  if (one.unit_code === '01834') {
    assert.equal(r.status, 201, r.text);
    assert.match(r.body.alert, /SpO₂ 94/);
  } else {
    assert.equal(r.status, 404);
    r = await api.admin('POST', `/api/care/episodes/${ep}/monitoring`, { slot: 'morning', spo2: 94, resp_rate: 18 });
    assert.equal(r.status, 201);
  }
  const alerts = expectStatus(await api.admin('GET', '/api/care/alerts'), 200, 'alerts').items;
  assert.ok(alerts.some((a) => a.id === r.body.entry_id && a.spo2 === 94), 'the entry is on the alert list');
  r = await api.admin('POST', `/api/care/episodes/${ep}/monitoring`, { slot: 'evening', spo2: 98, resp_rate: 18 });
  assert.equal(r.body.alert, '');
  // A facility with one ICU bed takes one red F0, not two.
  r = await api.admin('POST', '/api/quarantine/facilities', { kind: 'treatment', name: 'Hồi sức thử', tier: 3, beds: 1, icu_beds: 1, unit_code: '01834' });
  const icu = r.body.facility.id;
  expectStatus(await api.admin('POST', `/api/care/episodes/${ep}/bed`, { facility_id: icu, bed_kind: 'icu' }), 200, 'icu bed');
  const other = list.find((c) => c.episode_id && c.episode_id !== ep);
  r = await api.admin('POST', `/api/care/episodes/${other.episode_id}/bed`, { facility_id: icu, bed_kind: 'icu' });
  assert.equal(r.status, 409);
  assert.equal(r.body.field, 'facility_id');
  // Release before the days: refused with the rule named.
  r = await api.admin('POST', `/api/care/episodes/${ep}/release`, {});
  assert.equal(r.status, 409);
  assert.match(r.body.message, /250\/QĐ-BYT|tháng 12\/2021/);
});

test('the path: traced F1 -> pending order -> start -> check -> release -> hand-over confirmed', async () => {
  const now = Date.now();
  const past = Math.floor(now / 1000) - 20 * 86400;
  const a = await startServer({ demo: true, env: { PHONGDICH_NOW: String(past) } });
  let b = null;
  try {
    const A = await loginAll(a, ['admin', 'xa']);
    const aToday = localDay(0, past * 1000);
    const cases = expectStatus(await A.admin('GET', '/api/cases?limit=10000'), 200, 'cases').items;
    const taken = new Set(cases.map((c) => c.person_id));
    const orders = expectStatus(await A.admin('GET', '/api/quarantine/orders?limit=5000'), 200, 'orders').items;
    const busy = new Set(orders.map((o) => o.person_id));
    const people = expectStatus(await A.admin('GET', '/api/people?unit=01834&limit=500'), 200, 'people').items;
    let p = null;
    for (const x of people) {
      if (!x.household_id || taken.has(x.id) || busy.has(x.id)) continue;
      const hh = expectStatus(await A.admin('GET', `/api/households/${x.household_id}`), 200, 'hh');
      if (hh.members.length >= 2 && hh.members.every((m) => !taken.has(m.id) && !busy.has(m.id))) { p = x; break; }
    }
    assert.ok(p, 'a household without cases or orders');
    const r = await A.xa('POST', '/api/cases', { person_id: p.id, sample_date: aToday, found_in: 'community', basis: 'pcr' });
    assert.equal(r.status, 201, r.text);
    const caseId = r.body.case.id;
    const pending = expectStatus(await A.xa('GET', '/api/quarantine/orders?phase=pending&limit=5000'), 200, 'pending').items
      .filter((o) => o.case_id === caseId);
    assert.ok(pending.length >= 1, 'tracing left a pending order for the household F1');
    const o = pending[0];
    // Its schedule is the rule the demo shows (10696/BYT-MT, pinned to 16 Dec 2021).
    const rules = expectStatus(await A.xa('GET', '/api/quarantine/rules'), 200, 'rules').items
      .filter((x) => x.category === 'f1' && x.effective_from === '2021-12-16' && x.quarantine_days === o.quarantine_days);
    assert.ok(rules.some((x) => JSON.stringify(x.test_days) === JSON.stringify(o.test_days)), 'schedule from the rules');
    expectStatus(await A.xa('POST', `/api/quarantine/orders/${o.id}/start`, { place: 'home' }), 200, 'start');
    const chk = await A.xa('POST', `/api/quarantine/orders/${o.id}/checks`, { temperature: 38.1, symptoms: ['fever'] });
    assert.equal(chk.status, 201, chk.text);
    assert.equal(chk.body.alert, true);
    const w = expectStatus(await A.xa('GET', '/api/quarantine/worklists'), 200, 'w');
    assert.ok(w.alerts.items.some((i) => i.order_id === o.id), 'the symptomatic check is on the alert list');
    let early = await A.xa('POST', `/api/quarantine/orders/${o.id}/release`, {});
    assert.equal(early.status, 409);
    assert.ok(early.body.blockers.some((x) => x.code === 'days'), 'days not served');

    // Twenty days later, on the same database.
    process.env.PHONGDICH_KEEP_TMP = '1';
    try { await a.stop(); } finally { delete process.env.PHONGDICH_KEEP_TMP; }
    b = await startServer({ db: a.db });
    const B = await loginAll(b, ['admin', 'xa', 'huyen']);
    const w2 = expectStatus(await B.xa('GET', '/api/quarantine/worklists'), 200, 'w2');
    assert.ok(w2.releases_due.items.some((i) => i.order_id === o.id), 'release due');
    let rel = await B.xa('POST', `/api/quarantine/orders/${o.id}/release`, {});
    assert.equal(rel.status, 409, rel.text);
    const missing = rel.body.blockers.filter((x) => x.code === 'missing_test').map((x) => x.day);
    assert.deepEqual(missing, o.test_days, 'every test day without a sample blocks release');
    rel = await B.xa('POST', `/api/quarantine/orders/${o.id}/release`, { force: true });
    assert.equal(rel.status, 400);
    assert.equal(rel.body.field, 'note');
    rel = await B.xa('POST', `/api/quarantine/orders/${o.id}/release`, { force: true, note: 'Kết quả âm tính trên giấy' });
    assert.equal(rel.status, 200, rel.text);
    const ord = rel.body.order;
    assert.equal(ord.phase, ord.monitoring_days > 0 ? 'monitoring' : 'finished');
    assert.equal(ord.monitoring_end, shiftDay(ord.released_on, ord.monitoring_days));
    assert.equal(ord.handover_unit, '01834');
    const w3 = expectStatus(await B.xa('GET', '/api/quarantine/worklists'), 200, 'w3');
    assert.ok(w3.handovers.items.some((i) => i.order_id === o.id), 'waiting for the station');
    assert.equal((await B.huyen('POST', `/api/quarantine/orders/${o.id}/handover`, {})).status, 403, 'only the receiving station');
    const ok = await B.xa('POST', `/api/quarantine/orders/${o.id}/handover`, {});
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.order.handover_confirmed, 1);
    assert.equal((await B.xa('POST', `/api/quarantine/orders/${o.id}/handover`, {})).status, 409);
    const w4 = expectStatus(await B.xa('GET', '/api/quarantine/worklists'), 200, 'w4');
    assert.ok(!w4.handovers.items.some((i) => i.order_id === o.id), 'off the hand-over list');
  } finally {
    if (b) await b.stop();
    await a.stop();
    await rm(a.dir, { recursive: true, force: true });
  }
});
