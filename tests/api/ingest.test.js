// tests/api/ingest.test.js: bulk ingest of check-ins and declarations over HTTP (upload, background job,
// report) and from the CLI. The authorization matrix: every role × a file whose venue lies in the
// commune (01834), elsewhere in the district (01837) or in another province (Hà Nội, 00001); and the
// job's progress endpoint × a job of one's own, of someone else, and a missing one. Idempotency: a file
// sent again is skipped row by row and counted, never stored twice (checked afterwards with the CLI on
// the same database). All or nothing: a rejected file stores nothing, and a CLI ingest killed with
// SIGKILL half-way leaves the database as it was and working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BIN, run, startServer } from '../lib/server.js';
import { PASSWORD, mustLogin, bind, expectStatus, stopClean } from '../lib/fixture.js';

const ROLES = ['admin', 'province', 'district', 'commune', 'team', 'viewer', 'police', 'hotel'];
const USERS = { admin: 'kt_admin', province: 'kt_tinh', district: 'kt_huyen', commune: 'kt_xa', team: 'kt_todoi',
  viewer: 'kt_xem', police: 'kt_congan', hotel: 'kt_ks' };
const UNITS = { in: '01834', dist: '01837', far: '00001' };
const CCCD = { in: '006090000001', dist: '006090000002', far: '001090000003' };

// prettier-ignore
const EXPECT_START = { // job state per target (in, dist, far), or the HTTP refusal
  admin: 'done done done', province: 'done done rejected', district: 'done done rejected', commune: '403 403 403',
  team: '403 403 403', viewer: '403 403 403', police: '403 403 403', hotel: '403 403 403',
};
// prettier-ignore
const EXPECT_GET = { // GET /api/ingest/:id for a job of one's own, of someone else, a missing one
  admin: '200 200 404', province: '200 404 404', district: '200 404 404', commune: '403 403 403', team: '403 403 403',
  viewer: '403 403 403', police: '403 403 403', hotel: '403 403 403',
};

let srv;
let dir;
let db;
const api = {};
const venue = {};
const jobs = {}; // role -> a job id it started
const accepted = []; // CSV lines of every row accepted over HTTP

const at = (minutesAgo) => new Date(Date.now() - minutesAgo * 60000).toISOString().replace(/\.\d+Z$/, 'Z');

async function cli(args, input) {
  const r = await run(args, { input });
  assert.equal(r.code, 0, `phongdich ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function upload(apiFn, body, query) {
  const r = await apiFn('POST', `/api/ingest?${query}`, body, { 'Content-Type': 'text/csv' });
  if (r.status !== 202) return { status: r.status, body: r.body };
  const id = r.body.job.id;
  for (let i = 0; i < 2400; i++) {
    const g = expectStatus(await apiFn('GET', `/api/ingest/${id}`), 200, 'poll');
    if (g.job.state !== 'running') return { status: 202, job: g.job };
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`ingest job ${id} did not finish`);
}

// Ingests a file with the CLI on the server's database; returns the JSON report.
async function cliIngest(file, kind = 'checkins') {
  const r = await run(['ingest', '--db', db, '--kind', kind, '--json', file]);
  const out = JSON.parse(r.stdout);
  out.code = r.code;
  return out;
}

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'phongdich-ingest-'));
  db = path.join(dir, 'ingest.db');
  await cli(['init', '--db', db]);
  const people = ['full_name,birth_date,sex,id_number,phone,unit_code,address'];
  const names = { in: 'Nguyễn Văn Trong', dist: 'Trần Văn Bên', far: 'Lê Văn Xa' };
  for (const t of Object.keys(UNITS)) people.push(`${names[t]},1990-05-17,Nam,${CCCD[t]},09150000${t === 'in' ? 11 : t === 'dist' ? 12 : 13},${UNITS[t]},Số 1`);
  await writeFile(path.join(dir, 'people.csv'), people.join('\n') + '\n');
  await cli(['import', '--db', db, path.join(dir, 'people.csv')]);
  for (const [t, unit] of Object.entries(UNITS)) {
    venue[t] = JSON.parse(await cli(['venue', 'add', '--db', db, '--name', `Chợ Thử ${t}`, '--kind', 'market', '--unit', unit, '--json']));
  }
  const hotel = JSON.parse(await cli(['venue', 'add', '--db', db, '--name', 'Khách sạn Thử', '--kind', 'accommodation', '--unit', '01834', '--json']));
  const users = [['kt_admin', 'admin', null], ['kt_tinh', 'province', '06'], ['kt_huyen', 'district', '058'],
    ['kt_xa', 'commune', '01834'], ['kt_todoi', 'team', '01834'], ['kt_xem', 'viewer', '058'], ['kt_congan', 'police', '058'],
    ['kt_ks', 'venue', '01834', hotel.id]];
  for (const [u, role, unit, v] of users) {
    const args = ['user', 'add', '--db', db, '--username', u, '--role', role, '--password-stdin'];
    if (unit) args.push('--unit', unit);
    if (v) args.push('--venue', String(v));
    await cli(args, PASSWORD + '\n');
  }
  srv = await startServer({ db, demo: false });
  for (const role of ROLES) api[role] = bind(srv.url, await mustLogin(srv.url, USERS[role]));
});

after(async () => { if (srv) await stopClean(srv); });

test('POST /api/ingest: every role × a venue in the commune / in the district / in another province', async () => {
  const got = {};
  for (const role of ROLES) {
    const row = [];
    for (const t of ['in', 'dist', 'far']) {
      const line = `${role}-${t},${t === 'dist' ? venue[t].public_code : venue[t].id},${CCCD.in},${at(90)},${at(60)}`;
      const r = await upload(api[role], `external_id,venue,person,in_at,out_at\n${line}\n`, 'kind=checkins&format=csv&name=thu.csv');
      if (r.status !== 202) {
        assert.equal(r.body.error, 'denied', `${role} ${t}`);
        row.push(String(r.status));
        continue;
      }
      jobs[role] ??= r.job.id;
      row.push(r.job.state);
      if (r.job.state === 'done') {
        assert.deepEqual([r.job.rows_total, r.job.rows_inserted, r.job.rows_skipped, r.job.error_count], [1, 1, 0, 0], `${role} ${t}`);
        accepted.push(line);
      } else {
        assert.equal(r.job.rows_inserted, 0);
        assert.deepEqual(r.job.errors.map((e) => [e.line, e.field]), [[2, 'venue']], `${role} ${t}`);
        assert.match(r.job.errors[0].message, /phạm vi/);
      }
    }
    got[role] = row.join(' ');
  }
  assert.deepEqual(got, EXPECT_START);
});

test('GET /api/ingest/:id: a job of one\'s own, of someone else, a missing one', async () => {
  const other = { admin: jobs.district, province: jobs.admin, district: jobs.admin };
  const got = {};
  for (const role of ROLES) {
    const mine = jobs[role] ?? jobs.admin;
    const ids = [mine, other[role] ?? jobs.district, 987654];
    const row = [];
    for (const id of ids) row.push(String((await api[role]('GET', `/api/ingest/${id}`)).status));
    got[role] = row.join(' ');
  }
  assert.deepEqual(got, EXPECT_GET);
});

test('a file sent again is skipped and counted, never stored twice', async () => {
  const body = `external_id,venue,person,in_at,out_at\n${accepted.join('\n')}\n`;
  const again = await upload(api.admin, body, 'kind=checkins');
  assert.equal(again.job.state, 'done');
  assert.deepEqual([again.job.rows_total, again.job.rows_inserted, again.job.rows_skipped], [accepted.length, 0, accepted.length]);
  // The CLI on the same database agrees: every row is already there.
  const file = path.join(dir, 'accepted.csv');
  await writeFile(file, body);
  const r = await cliIngest(file);
  assert.equal(r.code, 0, JSON.stringify(r));
  assert.deepEqual([r.rows_inserted, r.rows_skipped], [0, accepted.length]);
});

test('a rejected file stores nothing; JSON Lines; declarations', async () => {
  const rows = ['external_id,venue,person,in_at,out_at', `R-1,${venue.in.id},${CCCD.in},${at(50)},`,
    `R-2,${venue.in.id},12345,${at(40)},`, `R-3,${venue.in.id},${CCCD.dist},ngày mai,`];
  const bad = await upload(api.district, rows.join('\n') + '\n', 'kind=checkins');
  assert.equal(bad.job.state, 'rejected');
  assert.deepEqual(bad.job.errors.map((e) => [e.line, e.field]), [[3, 'person'], [4, 'in_at']]);
  assert.match(bad.job.message, /không nhận dòng nào/);
  // R-1 was valid but must not have been stored: the CLI now inserts it.
  const file = path.join(dir, 'r1.csv');
  await writeFile(file, `${rows[0]}\n${rows[1]}\n`);
  const r = await cliIngest(file);
  assert.deepEqual([r.code, r.rows_inserted, r.rows_skipped], [0, 1, 0]);

  const jsonl = [{ external_id: 'J-1', venue: venue.dist.public_code, person: '+84 915 000 012', in_at: at(30) },
    { external_id: 'J-2', venue: venue.in.id, person: CCCD.far, in_at: at(20), out_at: at(10) }].map((o) => JSON.stringify(o)).join('\n');
  const j = await upload(api.district, jsonl, 'kind=checkins&format=jsonl');
  assert.deepEqual([j.job.state, j.job.rows_inserted], ['done', 2]);

  const decl = ['external_id,declared_at,full_name,birth_date,sex,phone,unit_code,address,symptoms',
    `K-1,${at(15)},Hà Thị Mai,1985,Nữ,0915000099,01834,Tổ 2,"sốt, ho"`,
    `K-2,${at(15)},Hà Văn Sơn,1983,Nam,0915000098,01837,Tổ 3,`];
  const d = await upload(api.district, decl.join('\n') + '\n', 'kind=declarations');
  assert.equal(d.job.state, 'done', JSON.stringify(d.job));
  assert.equal(d.job.kind, 'declarations');
  assert.deepEqual([d.job.rows_inserted, d.job.rows_skipped], [2, 0]);
  const d2 = await upload(api.district, decl.join('\n') + '\n', 'kind=declarations');
  assert.deepEqual([d2.job.rows_inserted, d2.job.rows_skipped], [0, 2]);
  const unknownKind = await api.district('POST', '/api/ingest?kind=people', 'x', { 'Content-Type': 'text/csv' });
  assert.equal(unknownKind.status, 400);
  assert.equal(unknownKind.body.field, 'kind');
});

test('a CLI ingest killed with SIGKILL half-way leaves the database as it was', async () => {
  const file = path.join(dir, 'big.csv');
  const rows = 300000;
  await new Promise((resolve, reject) => {
    const out = createWriteStream(file);
    out.on('error', reject);
    out.write('external_id,venue,person,in_at,out_at\n');
    const base = Date.now() - 3 * 86400000;
    const chunk = [];
    for (let i = 0; i < rows; i++) {
      const t = new Date(base + i * 500).toISOString().replace(/\.\d+Z$/, 'Z');
      chunk.push(`big-${i},${venue[i % 2 ? 'in' : 'dist'].id},${i % 3 ? CCCD.in : '0915000013'},${t},\n`);
      if (chunk.length === 10000) { out.write(chunk.join('')); chunk.length = 0; }
    }
    out.end(chunk.join(''), resolve);
  });
  const child = spawn(BIN, ['ingest', '--db', db, '--kind', 'checkins', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    err += d;
    if (/Đã đọc [5-9]0%/.test(err) && child.exitCode === null) child.kill('SIGKILL');
  });
  const { signal } = await new Promise((res) => child.on('close', (c, s) => res({ code: c, signal: s })));
  const killed = signal === 'SIGKILL';
  assert.ok(killed, `the ingest was killed half-way: ${err}`);
  // Nothing of the killed run is there: the whole file goes in now, then is skipped entirely.
  const first = await cliIngest(file);
  assert.deepEqual([first.code, first.rows_inserted, first.rows_skipped, first.error_count], [0, rows, 0, 0], JSON.stringify(first));
  assert.equal(first.bulk, true);
  const second = await cliIngest(file);
  assert.deepEqual([second.rows_inserted, second.rows_skipped], [0, rows]);
  // The server still answers on the same database.
  const me = await api.admin('GET', '/api/me');
  assert.equal(me.status, 200);
});
