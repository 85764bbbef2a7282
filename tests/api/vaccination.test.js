// tests/api/vaccination.test.js: vaccination over HTTP on the shared fixture world (tests/lib/fixture.js) plus a
// second commune account (01837): who may use which endpoint (401, 403 by role; viewers read coverage figures
// only), a person of another commune answering exactly like a missing one, recording doses (the next dose's
// earliest day checked against the product table), refusals naming their field, priority groups, the work
// lists, sessions, the import (all or nothing, bad rows by line and field), coverage checked against the
// people and doses the test itself knows, and the invitations XLSX read back by python3 openpyxl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run, login } from '../lib/server.js';
import { buildWorld, bind, expectStatus, stopClean, allPeople, callRaw, personBody, uniquePhone, PASSWORD, MISSING_ID }
  from '../lib/fixture.js';

let w;
let xa2; // commune account of 01837

const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
const vn = (day) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

before(async () => {
  w = await buildWorld();
  const r = await run(['user', 'add', '--db', w.srv.db, '--username', 'kt_xa2', '--role', 'commune', '--unit', '01837',
    '--password-stdin'], { input: PASSWORD + '\n' });
  assert.equal(r.code, 0, r.stderr);
  const s = await login(w.url, 'kt_xa2', PASSWORD);
  assert.equal(s.status, 200);
  xa2 = bind(w.url, s);
});

after(async () => { if (w) await stopClean(w.srv); });

const dose = (api, body) => api('POST', '/api/vaccination/doses', body);

test('401 without a session, 403 by role; viewers read coverage only', async () => {
  const pid = w.people.in.head.id;
  const endpoints = [
    ['GET', `/api/vaccination/people/${pid}`], ['POST', '/api/vaccination/doses'],
    ['PUT', `/api/vaccination/people/${pid}/groups`], ['GET', '/api/vaccination/lists/due'],
    ['GET', '/api/vaccination/sessions'], ['POST', '/api/vaccination/sessions'],
    ['GET', '/api/vaccination/coverage'], ['GET', '/api/vaccination/coverage/weekly'],
  ];
  for (const [m, p] of endpoints) {
    const anon = await fetch(new URL(p, w.url), { method: m });
    assert.equal(anon.status, 401, `${m} ${p} without a session`);
  }
  const viewerWant = [403, 403, 403, 403, 403, 403, 200, 200];
  const teamWant = [200, 403, 403, 200, 200, 403, 200, 200];
  for (let i = 0; i < endpoints.length; i++) {
    const [m, p] = endpoints[i];
    const body = m === 'GET' ? undefined : {};
    const v = await w.api.viewer(m, p, body);
    assert.equal(v.status, viewerWant[i], `viewer ${m} ${p}: ${v.text.slice(0, 200)}`);
    const t = await w.api.team(m, p, body);
    assert.equal(t.status, teamWant[i], `team ${m} ${p}: ${t.text.slice(0, 200)}`);
    if (viewerWant[i] === 403) assert.equal(v.body.error, 'denied');
  }
});

test('recording doses: next dose from the product table, another commune answers like a missing person', async () => {
  const products = expectStatus(await w.api.commune('GET', '/api/vaccination/products'), 200, 'products').items;
  const az = products.find((p) => p.code === 'AZ');
  assert.equal(az.min_interval_days, 56);
  assert.match(az.basis, /3588/);
  const person = w.people.in.head;
  const r = expectStatus(await dose(w.api.commune, { person_id: person.id, product_code: 'AZ', given_on: '01/07/2021',
    lot: 'AZ-001' }), 201, 'dose 1');
  assert.equal(r.dose.dose_number, 1);
  assert.equal(r.dose.given_on, '2021-07-01');
  assert.equal(r.dose.unit_code, '01834');
  assert.equal(r.dose.completes_primary, false);
  assert.equal(r.next.earliest, addDays('2021-07-01', az.min_interval_days));
  assert.deepEqual(r.next.products, ['AZ', 'PF']);
  // Too early: field given_on, the earliest day in the message.
  const early = await dose(w.api.commune, { person_id: person.id, product_code: 'AZ', given_on: addDays(r.next.earliest, -1) });
  assert.equal(early.status, 400);
  assert.equal(early.body.field, 'given_on');
  assert.ok(early.body.message.includes(vn(r.next.earliest)), early.body.message);
  assert.equal(early.body.errors[0].field, 'given_on');
  const moderna = await dose(w.api.commune, { person_id: person.id, product_code: 'MD', given_on: '2021-09-01' });
  assert.equal(moderna.status, 400);
  assert.equal(moderna.body.field, 'product_code');
  const wrongNumber = await dose(w.api.commune, { person_id: person.id, product_code: 'AZ', given_on: '2021-09-01', dose_number: 3 });
  assert.equal(wrongNumber.body.field, 'dose_number');
  const second = expectStatus(await dose(w.api.commune, { person_id: person.id, product_code: 'PF', given_on: r.next.earliest }),
    201, 'dose 2 Pfizer after AstraZeneca');
  assert.equal(second.dose.completes_primary, true);
  assert.equal(second.next.kind, 'booster');
  // Another commune's person: 404 exactly like a missing id, for reads and writes.
  const other = w.people.dist.head;
  const missing = await dose(w.api.commune, { person_id: MISSING_ID, product_code: 'PF', given_on: '2021-08-01' });
  const outside = await dose(w.api.commune, { person_id: other.id, product_code: 'PF', given_on: '2021-08-01' });
  assert.equal(outside.status, 404);
  assert.deepEqual(outside.body, missing.body);
  const readOutside = await w.api.commune('GET', `/api/vaccination/people/${other.id}`);
  const readMissing = await w.api.commune('GET', `/api/vaccination/people/${MISSING_ID}`);
  assert.equal(readOutside.status, 404);
  assert.deepEqual(readOutside.body, readMissing.body);
  // ... while that commune's own account and the district may.
  expectStatus(await dose(xa2, { person_id: other.id, product_code: 'PF', given_on: '2021-08-01' }), 201, 'xa2 records');
  const seen = expectStatus(await w.api.district('GET', `/api/vaccination/people/${other.id}`), 200, 'district reads');
  assert.equal(seen.doses.length, 1);
  assert.equal((await xa2('GET', `/api/vaccination/people/${person.id}`)).status, 404);
  const hist = expectStatus(await w.api.team('GET', `/api/vaccination/people/${person.id}`), 200, 'team reads');
  assert.deepEqual(hist.doses.map((d) => [d.dose_number, d.product_code, d.kind]), [[1, 'AZ', 'primary'], [2, 'PF', 'primary']]);
});

test('priority groups and the not-yet-vaccinated list', async () => {
  const p = w.people.in.member;
  const bad = await w.api.commune('PUT', `/api/vaccination/people/${p.id}/groups`, { groups: ['g42'] });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, 'groups');
  const ok = expectStatus(await w.api.commune('PUT', `/api/vaccination/people/${p.id}/groups`, { groups: ['g5', 'g1'] }), 200, 'groups');
  assert.deepEqual(ok.groups, ['g1', 'g5']);
  expectStatus(await w.api.district('PUT', `/api/vaccination/people/${w.people.dist.member.id}/groups`, { groups: ['g5'] }), 200, 'dist');
  assert.equal((await w.api.commune('PUT', `/api/vaccination/people/${w.people.dist.member.id}/groups`, { groups: ['g5'] })).status, 404);
  const list = expectStatus(await w.api.commune('GET', '/api/vaccination/lists/unvaccinated?group=g5'), 200, 'list').items;
  assert.deepEqual(list.map((x) => x.person_id), [p.id], 'only the commune\'s own g5 person');
  assert.equal(list[0].next.dose_number, 1);
  const district = expectStatus(await w.api.district('GET', '/api/vaccination/lists/unvaccinated?group=g5'), 200, 'list').items;
  assert.deepEqual(district.map((x) => x.person_id).sort(), [p.id, w.people.dist.member.id].sort());
  // Everyone unvaccinated of the commune: the people of 01834 minus the one vaccinated.
  const all = expectStatus(await w.api.commune('GET', '/api/vaccination/lists/unvaccinated?limit=1000'), 200, 'all').items;
  const people = (await allPeople(w.api.admin, 'unit=01834'));
  assert.equal(all.length, people.length - 1);
  assert.equal((await w.api.commune('GET', '/api/vaccination/lists/other')).body.field, 'list');
  assert.equal((await w.api.commune('GET', '/api/vaccination/lists/due?unit=01837')).status, 404);
});

test('due this week turns on at the ISO week of the earliest day', async () => {
  const p = w.people.in.dweller;
  const r = expectStatus(await dose(w.api.commune, { person_id: p.id, product_code: 'VC', given_on: '2021-08-04' }), 201, 'VC');
  const earliest = r.next.earliest; // 2021-08-25, a Wednesday
  assert.equal(earliest, '2021-08-25');
  const ids = async (day) => expectStatus(await w.api.commune('GET', `/api/vaccination/lists/due?date=${day}`), 200, 'due').items
    .map((x) => x.person_id);
  assert.ok(!(await ids('2021-08-22')).includes(p.id), 'the Sunday before that week');
  assert.ok((await ids('2021-08-23')).includes(p.id), 'the Monday of that week');
  assert.ok((await ids('2021-08-29')).includes(p.id), 'its Sunday');
});

test('sessions: a commune in scope; a dose takes the session\'s product and day', async () => {
  const bad = await w.api.commune('POST', '/api/vaccination/sessions', { site: 'Trạm Y tế', session_date: '2021-09-01',
    product_code: 'PF', unit_code: '01837' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, 'unit_code');
  const s = expectStatus(await w.api.commune('POST', '/api/vaccination/sessions', { site: 'Nhà văn hóa tổ 5',
    session_date: '2021-09-01', product_code: 'MD', lot: 'MD-77', unit_code: '01834' }), 201, 'session').session;
  const p = w.people.in.member;
  const d = expectStatus(await dose(w.api.commune, { person_id: p.id, session_id: s.id }), 201, 'dose in session').dose;
  assert.equal(d.product_code, 'MD');
  assert.equal(d.given_on, '2021-09-01');
  assert.equal(d.lot, 'MD-77');
  assert.equal(d.session_id, s.id);
  assert.equal((await xa2('GET', `/api/vaccination/sessions`)).body.items.length, 0);
  assert.equal((await dose(xa2, { person_id: w.people.dist.member.id, session_id: s.id })).status, 404);
  const mine = expectStatus(await w.api.commune('GET', '/api/vaccination/sessions'), 200, 'sessions').items;
  assert.equal(mine.find((x) => x.id === s.id).doses, 1);
});

test('import: all or nothing, each bad row by line and field', async () => {
  const target = expectStatus(await w.api.admin('POST', '/api/people', personBody('01834', { phone: uniquePhone() })),
    201, 'a person without doses').person;
  const header = 'Họ và tên,Ngày sinh,Giới tính,CCCD/CMND,SĐT,Mũi tiêm,Tên vắc xin,Số lô,Ngày tiêm,Nơi tiêm\n';
  const bad = header
    + `${target.full_name},02/03/1985,Nữ,,${target.phone},1,Vero Cell,VC1,01/09/2021,TYT\n`
    + `${target.full_name},02/03/1985,Nữ,,${target.phone},2,Vero Cell,VC2,10/09/2021,TYT\n`
    + `Không Có Ai,02/03/1985,Nữ,,0919999999,1,Pfizer,P1,01/09/2021,TYT\n`;
  const r = await w.api.commune('POST', '/api/vaccination/imports?format=csv', bad, { 'Content-Type': 'text/csv' });
  assert.equal(r.status, 400, r.text);
  assert.deepEqual(r.body.report.errors.map((e) => [e.line, e.field]), [[3, 'given_on'], [4, 'phone']]);
  assert.equal(r.body.report.rows_imported, 0);
  const none = expectStatus(await w.api.commune('GET', `/api/vaccination/people/${target.id}`), 200, 'after').doses;
  assert.equal(none.length, 0, 'nothing written');
  const good = header
    + `${target.full_name},02/03/1985,Nữ,,${target.phone},1,Vero Cell,VC1,01/09/2021,TYT\n`
    + `${target.full_name},02/03/1985,Nữ,,${target.phone},2,Vero Cell,VC2,22/09/2021,TYT\n`;
  const ok = expectStatus(await w.api.commune('POST', '/api/vaccination/imports?format=csv', good, { 'Content-Type': 'text/csv' }),
    200, 'good import');
  assert.equal(ok.report.rows_imported, 2);
  const doses = expectStatus(await w.api.commune('GET', `/api/vaccination/people/${target.id}`), 200, 'after').doses;
  assert.deepEqual(doses.map((d) => [d.dose_number, d.product_code, d.completes_primary, d.source]),
    [[1, 'VC', false, 'import'], [2, 'VC', true, 'import']]);
  assert.equal((await w.api.team('POST', '/api/vaccination/imports?format=csv', good, { 'Content-Type': 'text/csv' })).status, 403);
  // The commune of 01837 cannot import for a person of 01834.
  const foreign = await xa2('POST', '/api/vaccination/imports?format=csv', good, { 'Content-Type': 'text/csv' });
  assert.equal(foreign.status, 400);
  assert.equal(foreign.body.report.errors[0].field, 'phone');
});

test('coverage: figures equal what the test recorded, in scope', async () => {
  // Doses by the end of 2021 of people of 01834 recorded above: head (AZ+PF full), dweller (VC 1), member (MD 1),
  // the imported person (VC full). Everyone in the fixture is an adult under 50.
  const people = await allPeople(w.api.admin, 'unit=01834');
  const cov = expectStatus(await w.api.viewer('GET', '/api/vaccination/coverage?unit=01834&date=2021-12-31'), 200, 'cov');
  assert.equal(cov.as_of, '2021-12-31');
  const t = cov.total.bands;
  assert.equal(t.all.people, people.length);
  assert.equal(t['18+'].people, people.filter((p) => p.birth_date && p.birth_date < '2003-12-31').length);
  assert.equal(t['18+'].one_dose, 4);
  assert.equal(t['18+'].full, 2);
  assert.equal(t['50+'].people, 0);
  // Before the second doses: as of 2021-08-01 only the head had one dose.
  const early = expectStatus(await w.api.commune('GET', '/api/vaccination/coverage?date=2021-08-01'), 200, 'early').total.bands;
  assert.equal(early['18+'].one_dose, 1);
  assert.equal(early['18+'].full, 0);
  // By product: first doses.
  const byProduct = expectStatus(await w.api.commune('GET', '/api/vaccination/coverage?by=product&date=2021-12-31'), 200, 'p').rows;
  assert.deepEqual(Object.fromEntries(byProduct.map((r) => [r.key, r.bands.all.people])), { AZ: 1, MD: 1, VC: 2 });
  // District: both communes; the child rows add up to the total.
  const dist = expectStatus(await w.api.district('GET', '/api/vaccination/coverage?date=2021-12-31'), 200, 'district');
  assert.equal(dist.total.key, '058');
  const sum = dist.rows.reduce((a, r) => a + r.bands['18+'].one_dose, 0);
  assert.equal(sum, dist.total.bands['18+'].one_dose);
  assert.equal(dist.rows.find((r) => r.key === '01837').bands['18+'].one_dose, 1);
  // Out of scope: 404.
  assert.equal((await w.api.commune('GET', '/api/vaccination/coverage?unit=01837')).status, 404);
  assert.equal((await w.api.commune('GET', '/api/vaccination/coverage?date=2021-02-30')).body.field, 'date');
  const weekly = expectStatus(await w.api.viewer('GET', '/api/vaccination/coverage/weekly?unit=01834&from=2021-06-28&to=2021-09-05'),
    200, 'weekly').weeks;
  assert.equal(weekly[0].week, '2021-W26');
  assert.equal(weekly.at(-1).week, '2021-W35');
  assert.equal(weekly.find((x) => x.week === '2021-W26').bands['18+'].one_dose, 1); // head on 2021-07-01 (Thu of W26)
});

test('invitations XLSX read back by openpyxl', async (t) => {
  try { execFileSync('/usr/bin/python3', ['-c', 'import openpyxl']); } catch { t.skip('python3-openpyxl not installed'); return; }
  const list = expectStatus(await w.api.commune('GET', '/api/vaccination/lists/unvaccinated?limit=1000'), 200, 'list').items;
  const r = await callRaw(w.url, w.sess.commune, 'GET', '/api/vaccination/invitations.xlsx?list=unvaccinated');
  assert.equal(r.status, 200);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pd-invite-'));
  try {
    const file = path.join(dir, 'moi.xlsx');
    writeFileSync(file, r.buf);
    const out = execFileSync('/usr/bin/python3', ['-c', `
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
rows = list(ws.iter_rows(values_only=True))
print(json.dumps({"title": ws.title, "header": list(rows[0]), "names": [r[1] for r in rows[1:]], "phones": [r[3] for r in rows[1:]]}))
`, file]).toString();
    const x = JSON.parse(out);
    assert.equal(x.title, 'Giấy mời');
    assert.equal(x.header[1], 'Họ và tên');
    assert.deepEqual(x.names, list.map((p) => p.full_name));
    assert.ok(x.phones.every((p) => p === '' || (typeof p === 'string' && p.startsWith('0'))), 'phones as text');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
