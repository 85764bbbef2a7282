// tests/api/risk.test.js: the weekly risk level over HTTP on the demo district (Thành phố Bắc Kạn,
// 2021-W46): who may use which endpoint (401, 403 by role, viewers read aggregates), scope (a commune
// sees itself, another district or province sees nothing and gets 404 for a unit outside), the figures
// checked against independent oracles (community cases of the week from the cases API, population from
// the people API, the level from the rule's formula), the CLI printing the same, capacity checklists,
// publishing (stored, audited, what the map then shows), the rule rows and a province's adjustment,
// history, the XLSX report read back with python3 openpyxl, and commune boundaries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run, startServer, login, call } from '../lib/server.js';
import { bind, expectStatus, stopClean, callRaw } from '../lib/fixture.js';

const WEEK = '2021-W46';
// Debian's python3 (with python3-openpyxl), as tests/unit/xlsx_roundtrip.sh uses.
const PY = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const PW = 'mat-khau-thu-nghiem-1';
let srv;
const api = {};
const sess = {};
const EXTRA = [
  { username: 'tinh12', role: 'province', unit: '12', password: PW }, // Lai Châu: no people
  { username: 'huyen060', role: 'district', unit: '060', password: PW }, // Pác Nặm: no people
];

before(async () => {
  srv = await startServer({ demo: true, users: EXTRA });
  for (const u of ['admin', 'tinh', 'huyen', 'xa', 'todoi', 'xem', 'congan', 'cho']) {
    const s = await login(srv.url, u, `demo@${u}2021`);
    assert.equal(s.status, 200, `login ${u}`);
    sess[u] = s;
    api[u] = bind(srv.url, s);
  }
  for (const u of EXTRA) {
    const s = await login(srv.url, u.username, PW);
    assert.equal(s.status, 200, `login ${u.username}`);
    api[u.username] = bind(srv.url, s);
  }
});

after(async () => { if (srv) await stopClean(srv); });

const week = async (who, q = '') => api[who]('GET', `/api/risk/week?week=${WEEK}${q}`);

test('permissions: no session 401, venue staff 403, viewers and teams read, only officials write', async () => {
  assert.equal((await call(srv.url, null, 'GET', `/api/risk/week?week=${WEEK}`)).status, 401);
  assert.equal((await week('cho')).status, 403);
  for (const u of ['xem', 'todoi', 'congan', 'xa']) expectStatus(await week(u), 200, `${u} reads`);
  const cap = { unit_code: '01834', week: WEEK, oxygen: true, mobile_station: true, care_team: true };
  for (const u of ['xem', 'todoi', 'xa']) {
    assert.equal((await api[u]('PUT', '/api/risk/capacity', cap)).status, 403, `${u} capacity`);
    assert.equal((await api[u]('POST', '/api/risk/publish', { week: WEEK })).status, 403, `${u} publish`);
  }
  assert.equal((await api.huyen('PUT', '/api/risk/rules/2', { band2_min: 10 })).status, 403, 'district adjusts rules');
  assert.equal((await api.huyen('POST', '/api/risk/boundaries', { type: 'FeatureCollection', features: [] })).status, 403);
});

test('scope: each account sees the communes of its scope only; a unit outside is 404', async () => {
  const all = expectStatus(await week('admin'), 200, 'admin').items;
  assert.equal(all.length, 8, 'the 8 communes of Thành phố Bắc Kạn have people');
  assert.deepEqual(expectStatus(await week('huyen'), 200, 'huyen').items.map((r) => r.unit_code), all.map((r) => r.unit_code));
  assert.deepEqual(expectStatus(await week('tinh'), 200, 'tinh').items.length, 8);
  assert.deepEqual(expectStatus(await week('xa'), 200, 'xa').items.map((r) => r.unit_code), ['01834']);
  assert.equal(expectStatus(await week('tinh12'), 200, 'tinh12').items.length, 0);
  assert.equal(expectStatus(await week('huyen060'), 200, 'huyen060').items.length, 0);
  assert.equal((await week('xa', '&unit=01837')).status, 404);
  assert.equal((await week('huyen060', '&unit=058')).status, 404);
  assert.equal((await week('tinh12', '&unit=01834')).status, 404);
  assert.equal(expectStatus(await week('huyen', '&unit=01840'), 200, 'narrowed').items.length, 1);
  assert.equal((await week('huyen', '&unit=99999')).status, 404);
  const bad = await api.huyen('GET', '/api/risk/week?week=2021-46');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, 'week');
  const early = await api.huyen('GET', '/api/risk/week?week=2021-W30');
  assert.equal(early.status, 400, 'no rule before Decision 4800');
});

// The level from the project default rule (Decision 4800 as data): quiet 14 days -> 1; else the
// C1 band, +1 if coverage is not met (at most 4); not lower than last week while C3 is unmet.
function oracleLevel(r) {
  const rate = (r.cases * 100000) / r.population;
  const band = rate >= 150 ? 4 : rate >= 50 ? 3 : rate >= 20 ? 2 : 1;
  const covered = r.dose1_18plus >= 0.7 && r.full_elderly >= 0.8;
  let lv = r.cases_14d === 0 ? 1 : covered ? band : Math.min(4, band + 1);
  if (!r.capacity_met && r.previous_level && r.previous_level > lv) lv = r.previous_level;
  return { lv, band, covered };
}

test('the figures match independent counts, the level follows the rule, and the map has several colours', async () => {
  const items = expectStatus(await week('huyen'), 200, 'huyen').items;
  const cases = expectStatus(await api.admin('GET', '/api/cases?found_in=community&from=2021-11-15&to=2021-11-21&limit=10000'), 200, 'cases').items;
  for (const r of items) {
    const people = expectStatus(await api.admin('GET', `/api/people?unit=${r.unit_code}&limit=1`), 200, 'people');
    assert.equal(r.population, people.total, `${r.unit_code} population from the registry`);
    assert.equal(r.cases, cases.filter((c) => c.unit_code === r.unit_code).length, `${r.unit_code} community cases of the week`);
    const o = oracleLevel(r);
    assert.equal(r.band, o.band, `${r.unit_code} band`);
    assert.equal(r.coverage_met, o.covered, `${r.unit_code} coverage`);
    assert.equal(r.level, o.lv, `${r.unit_code} level`);
    assert.equal(r.elderly_age, 50, 'from 1 Nov 2021 the elderly group is 50+');
    assert.equal(r.status, 'draft');
    assert.match(r.reason, new RegExp(`^Cấp ${r.level} vì `));
    assert.ok(r.unit_name.length > 3);
  }
  assert.ok(new Set(items.map((r) => r.level)).size >= 2, `levels: ${items.map((r) => r.level)}`);
  const quarantine = expectStatus(await api.admin('GET', '/api/cases?found_in=quarantine&from=2021-10-01&to=2021-12-31&limit=10000'), 200, 'q').items;
  assert.ok(quarantine.length > 0, 'the demo has cases found in quarantine, which are not counted');
});

test('the CLI prints the same week as the API', async () => {
  const api1 = expectStatus(await week('admin'), 200, 'admin').items;
  const r = await run(['risk', '--db', srv.db, '--week', WEEK, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const cli = JSON.parse(r.stdout);
  assert.deepEqual(cli.map((x) => [x.unit_code, x.level, x.cases, x.population, x.reason]),
    api1.map((x) => [x.unit_code, x.level, x.cases, x.population, x.reason]));
});

test('what-if level: worked example and a field error', async () => {
  const q = 'date=2021-11-20&cases=64&population=100000&dose1_18plus=0.8&full_elderly=0.9&capacity_met=yes';
  const r = expectStatus(await api.xem('GET', `/api/risk/level?${q}`), 200, 'level');
  assert.equal(r.level, 3);
  assert.equal(r.reason, 'Cấp 3 vì 64 ca/100.000/tuần; độ bao phủ đạt');
  const bad = await api.xem('GET', '/api/risk/level?date=2021-11-20&cases=64&dose1_18plus=0.8&full_elderly=0.9');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, 'population');
});

test('capacity checklist: saved by the district, scoped, validated, changes the live result', async () => {
  const bad = await api.huyen('PUT', '/api/risk/capacity', { unit_code: '01843', week: WEEK, mobile_station: true, care_team: true });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, 'oxygen');
  const badWeek = await api.huyen('PUT', '/api/risk/capacity', { unit_code: '01843', week: '2021-11-15', oxygen: true, mobile_station: true, care_team: true });
  assert.equal(badWeek.body.field, 'week');
  const far = await api.huyen('PUT', '/api/risk/capacity', { unit_code: '01861', week: WEEK, oxygen: true, mobile_station: true, care_team: true });
  assert.equal(far.status, 404, 'a commune of another district');
  const saved = expectStatus(await api.huyen('PUT', '/api/risk/capacity', { unit_code: '01834', week: WEEK, oxygen: false, mobile_station: true, care_team: true, note: 'Thiếu oxy' }), 200, 'save');
  assert.equal(saved.capacity.met, false);
  const list = expectStatus(await api.xa('GET', `/api/risk/capacity?week=${WEEK}`), 200, 'list').items;
  assert.deepEqual(list.map((c) => c.unit_code), ['01834'], 'a commune sees its own checklist');
  assert.equal((await api.xa('GET', `/api/risk/capacity?week=${WEEK}&unit=01837`)).status, 404);
  assert.equal(list[0].note, 'Thiếu oxy');
  const row = expectStatus(await week('huyen', '&unit=01834'), 200, 'row').items[0];
  assert.equal(row.capacity_met, false);
  assert.equal(row.level, oracleLevel(row).lv);
});

test('publishing stores the week, is audited, and the map then shows the stored result', async () => {
  const before = expectStatus(await week('huyen'), 200, 'before').items;
  const unpublished = expectStatus(await call(srv.url, null, 'GET', '/api/public/risk?unit=058'), 200, 'public before');
  assert.deepEqual([unpublished.week, unpublished.items.length], ['', 0], 'nothing public before publishing');
  const pub = expectStatus(await api.huyen('POST', '/api/risk/publish', { week: WEEK }), 200, 'publish');
  assert.equal(pub.published, 8);
  const after = expectStatus(await week('xem'), 200, 'after');
  assert.equal(after.summary.published, 8);
  assert.ok(after.items.every((r) => r.status === 'published' && r.published_at));
  assert.deepEqual(after.items.map((r) => r.level), before.map((r) => r.level));
  const audit = expectStatus(await api.admin('GET', '/api/audit?entity=risk_week'), 200, 'audit').items;
  assert.ok(audit.some((e) => e.action === 'publish' && e.username === 'huyen' && e.detail.includes(WEEK)));
  // The public map (no account) shows the published week only.
  const pub1 = expectStatus(await call(srv.url, null, 'GET', '/api/public/risk?unit=058'), 200, 'public');
  assert.equal(pub1.week, WEEK);
  assert.deepEqual(pub1.items.map((r) => [r.unit_code, r.level]), before.map((r) => [r.unit_code, r.level]));
  assert.deepEqual(pub1.districts.features.map((f) => f.properties.code), ['058']);
  assert.equal(pub1.unit.province_code, '06');
  assert.equal(expectStatus(await call(srv.url, null, 'GET', '/api/public/risk?unit=06'), 200, 'province').items.length, 8);
  assert.equal(expectStatus(await call(srv.url, null, 'GET', '/api/public/risk?unit=12'), 200, 'Lai Châu').items.length, 0);
  assert.equal(expectStatus(await call(srv.url, null, 'GET', '/api/public/risk?unit=058&week=2021-W45'), 200, 'W45').items.length, 0);
  assert.equal((await call(srv.url, null, 'GET', '/api/public/risk?unit=99999')).status, 404);
  assert.equal((await call(srv.url, null, 'GET', '/api/public/risk?unit=058&week=W46')).status, 400);
  // A later checklist changes the live figures, not the published ones.
  expectStatus(await api.huyen('PUT', '/api/risk/capacity', { unit_code: '01834', week: WEEK, oxygen: true, mobile_station: true, care_team: true }), 200, 'again');
  assert.equal(expectStatus(await week('huyen', '&unit=01834&live=1'), 200, 'live').items[0].capacity_met, true);
  assert.equal(expectStatus(await week('huyen', '&unit=01834'), 200, 'stored').items[0].capacity_met, false);
});

test('history of a commune over the weeks, in scope only', async () => {
  const h = expectStatus(await api.xa('GET', `/api/risk/history?unit=01834&week=${WEEK}&weeks=4`), 200, 'history').items;
  assert.deepEqual(h.map((r) => r.week), ['2021-W43', '2021-W44', '2021-W45', '2021-W46']);
  assert.equal(h[3].status, 'published');
  assert.equal((await api.xa('GET', `/api/risk/history?unit=01837&week=${WEEK}`)).status, 404);
  assert.equal((await api.huyen('GET', `/api/risk/history?unit=01834&weeks=99`)).status, 400);
});

test('rule rows: listed with their basis; a province adjusts its own copy, others do not see it', async () => {
  const rules = expectStatus(await api.xem('GET', '/api/risk/rules'), 200, 'rules').items;
  assert.deepEqual(rules.map((r) => r.code), ['4800-65', '4800-50', '218']);
  assert.ok(rules.every((r) => /Quyết định/.test(r.legal_basis) && r.matrix.length === 16));
  assert.equal(rules[0].elderly_age, 65);
  assert.equal(rules[1].effective_from, '2021-11-01');
  const bad = await api.tinh('PUT', '/api/risk/rules/2', { band2_min: 60, band3_min: 50 });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, 'band2_min');
  const adj = expectStatus(await api.tinh('PUT', '/api/risk/rules/2', { band4_min: 400, coverage_min: 0.6 }), 200, 'adjust').rule;
  assert.equal(adj.province_code, '06');
  assert.equal(adj.band4_min, 400);
  assert.notEqual(adj.id, 2);
  assert.equal(expectStatus(await api.admin('GET', '/api/risk/rules'), 200, 'admin').items.length, 4);
  assert.equal(expectStatus(await api.tinh12('GET', '/api/risk/rules'), 200, 'tinh12').items.length, 3);
  assert.equal((await api.tinh12('PUT', `/api/risk/rules/${adj.id}`, { band4_min: 300 })).status, 404, 'another province');
  const live = expectStatus(await week('huyen', '&live=1'), 200, 'live').items;
  for (const r of live) assert.ok(r.band < 4 || r.rate >= 400, `${r.unit_code}: band 4 needs 400 now`);
  const audit = expectStatus(await api.admin('GET', '/api/audit?entity=risk_rule'), 200, 'audit').items;
  assert.equal(audit.length, 1);
});

test('the weekly XLSX report reads back with openpyxl', async (t) => {
  if (spawnSync(PY, ['-c', 'import openpyxl']).status !== 0) { t.skip('python3-openpyxl is not installed'); return; }
  const items = expectStatus(await week('huyen'), 200, 'week').items;
  const res = await callRaw(srv.url, sess.huyen, 'GET', `/api/risk/report.xlsx?week=${WEEK}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition') || '', /cap-do-dich-2021-W46\.xlsx/);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'risk-xlsx-'));
  const file = path.join(dir, 'r.xlsx');
  writeFileSync(file, res.buf);
  const py = `
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
rows = list(ws.iter_rows(values_only=True))
print(json.dumps({"title": ws.title, "a1": rows[0][0], "header": rows[3], "data": [list(r) for r in rows[4:] if r[0] is not None and isinstance(r[0], (int, float))]}, default=str))
`;
  const out = spawnSync(PY, ['-c', py, file], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(out.status, 0, out.stderr);
  const x = JSON.parse(out.stdout);
  assert.equal(x.title, 'Cấp độ dịch');
  assert.match(x.a1, /CẤP ĐỘ DỊCH.*2021-W46/);
  const col = (name) => x.header.indexOf(name);
  assert.ok(col('Cấp độ tuần này') > 0 && col('Thay đổi') > 0 && col('Ca/100.000 dân/tuần') > 0);
  assert.equal(x.data.length, items.length);
  x.data.forEach((row, i) => {
    assert.equal(row[col('Mã xã')], items[i].unit_code);
    assert.equal(row[col('Xã/phường/thị trấn')], items[i].unit_name);
    assert.equal(row[col('Cấp độ tuần này')], items[i].level);
    assert.equal(row[col('Ca mắc mới tại cộng đồng trong tuần')], items[i].cases);
    const prev = items[i].previous_level;
    const change = row[col('Thay đổi')];
    if (!prev) assert.equal(change, 'Chưa có');
    else if (items[i].level > prev) assert.equal(change, `Tăng ${items[i].level - prev}`);
    else if (items[i].level < prev) assert.equal(change, `Giảm ${prev - items[i].level}`);
    else assert.equal(change, 'Giữ nguyên');
  });
});

test('commune boundaries: a province imports GeoJSON keyed by commune code, all or nothing', async () => {
  const square = (x, y) => ({ type: 'Polygon', coordinates: [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]] });
  const bad = await api.tinh('POST', '/api/risk/boundaries', { type: 'FeatureCollection', features: [
    { type: 'Feature', properties: { code: '01834' }, geometry: square(105.83, 22.14) },
    { type: 'Feature', properties: { code: '00001' }, geometry: square(105.8, 21.0) }] });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, 'features[1].properties.code');
  const noGeom = await api.tinh('POST', '/api/risk/boundaries', { type: 'FeatureCollection', features: [
    { type: 'Feature', properties: { code: '01834' }, geometry: { type: 'Point', coordinates: [105.8, 22.1] } }] });
  assert.equal(noGeom.body.field, 'features[0].geometry');
  assert.equal(expectStatus(await api.huyen('GET', '/api/risk/boundaries'), 200, 'b').communes.features.length, 0, 'nothing stored');
  const ok = expectStatus(await api.tinh('POST', '/api/risk/boundaries', { type: 'FeatureCollection', features: [
    { type: 'Feature', properties: { code: '01834' }, geometry: square(105.83, 22.14) },
    { type: 'Feature', properties: { code: '01837' }, geometry: square(105.84, 22.14) }] }), 200, 'import');
  assert.equal(ok.imported, 2);
  const b = expectStatus(await api.huyen('GET', '/api/risk/boundaries'), 200, 'b');
  assert.deepEqual(b.districts.features.map((f) => f.properties.code), ['058']);
  assert.deepEqual(b.communes.features.map((f) => f.properties.code).sort(), ['01834', '01837']);
  const mine = expectStatus(await api.xa('GET', '/api/risk/boundaries'), 200, 'xa');
  assert.deepEqual(mine.communes.features.map((f) => f.properties.code), ['01834']);
  assert.deepEqual(mine.districts.features.map((f) => f.properties.code), ['058'], 'a commune gets its own district outline');
  assert.equal(expectStatus(await api.tinh('GET', '/api/risk/boundaries'), 200, 'tinh').districts.features.length, 8);
  assert.equal(expectStatus(await api.tinh12('GET', '/api/risk/boundaries'), 200, 'tinh12').communes.features.length, 0);
});
