// tests/api/durability.test.js: crash safety and backups of the real SQLite file. `phongdich import` of a
// file with hundreds of thousands of rows is killed with SIGKILL while it writes (as soon as the -wal
// file grows, i.e. SQLite spills the open transaction to disk); the database must then hold exactly
// what it held before (same count, same checksum of the CLI and API listings) and keep working. An API
// write acknowledged with 201/200 must survive SIGKILL of the server right after the answer. A copy
// made by `phongdich backup` must serve the same people. (There is no CLI path to PRAGMA
// integrity_check; "opens cleanly" is checked by the CLI, the server, a search and a further write.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, statSync, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BIN, run, startServer } from '../lib/server.js';
import { PASSWORD, mustLogin, bind, expectStatus, allPeople, UNIT, stopClean } from '../lib/fixture.js';

let dir;
let db;
const sha = (s) => createHash('sha256').update(s).digest('hex');

async function runOk(args, input) {
  const r = await run(args, { input });
  assert.equal(r.code, 0, `phongdich ${args.join(' ')}: ${r.stderr}`);
  return r;
}

// The CLI's view: `people --json` (the whole known content fits in one 500-row page).
async function cliListing(file) {
  const r = await run(['people', '--db', file, '--json', '--limit', '500']);
  assert.equal(r.code, 0, `people --json: ${r.stderr}`);
  assert.equal(r.stderr, '', 'the CLI opened the database without complaint');
  const out = JSON.parse(r.stdout);
  return { count: out.items.length, more: out.more, sum: sha(r.stdout) };
}

// The server's view: stats, every person (all fields) and every household, through a fresh server.
async function apiSnapshot(file) {
  const srv = await startServer({ db: file, demo: false });
  try {
    const api = bind(srv.url, await mustLogin(srv.url, 'kt_admin'));
    const stats = expectStatus(await api('GET', '/api/stats'), 200, 'stats');
    const people = await allPeople(api);
    const hh = expectStatus(await api('GET', '/api/households?limit=500'), 200, 'households').body;
    const found = expectStatus(await api('GET', `/api/people?q=${encodeURIComponent('biet truoc')}&limit=500`), 200, 'search');
    await stopClean(srv);
    return { people: stats.people, households: stats.households, sum: sha(JSON.stringify([people, hh])), searchTotal: found.total };
  } finally {
    await srv.stop();
  }
}

// A known starting content: 300 people in 100 households, written by the CLI import.
function knownCsv() {
  const lines = ['Họ và tên,Ngày sinh,Giới tính,Số điện thoại,Mã xã,Địa chỉ,Mã hộ,Quan hệ với chủ hộ'];
  const letters = 'ABCDEGHIKLMNOPQSTUVXY';
  for (let i = 0; i < 300; i++) {
    const hh = Math.floor(i / 3);
    lines.push(`Biết Trước ${letters[i % 21]}${letters[Math.floor(i / 21) % 21].toLowerCase()}n,1970-03-${String(1 + (i % 28)).padStart(2, '0')},${i % 2 ? 'Nữ' : 'Nam'},`
      + `08${String(hh).padStart(8, '0')},${['01834', '01837'][hh % 2]},Số ${hh} Biết Trước,BT${hh},${i % 3 === 0 ? 'Chủ hộ' : 'Con'}`);
  }
  return lines.join('\r\n') + '\r\n';
}

async function writeBigCsv(file, rows) {
  const ws = createWriteStream(file);
  const note = 'Ghi chú kiểm thử sự cố '.padEnd(480, 'z');
  let chunk = ['Họ và tên,Ngày sinh,Giới tính,Số điện thoại,Mã xã,Địa chỉ,Ghi chú'];
  for (let i = 0; i < rows; i++) {
    chunk.push(`Sự Cố Văn ${'ABCDEGHIK'[i % 9]}${'abcdeghik'[Math.floor(i / 9) % 9]}n,1985-07-${String(1 + (i % 28)).padStart(2, '0')},Nam,`
      + `07${String(i).padStart(8, '0')},${['01834', '01837', '01840'][i % 3]},Số ${i} phố Kiểm Thử,${note}`);
    if (chunk.length >= 5000) {
      if (!ws.write(chunk.join('\r\n') + '\r\n')) await new Promise((res) => ws.once('drain', res));
      chunk = [];
    }
  }
  ws.end(chunk.length ? chunk.join('\r\n') + '\r\n' : '');
  await new Promise((res, rej) => { ws.on('finish', res); ws.on('error', rej); });
}

const walSize = () => (existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0);

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'phongdich-durability-'));
  db = path.join(dir, 'crash.db');
  await runOk(['init', '--db', db]);
  await runOk(['user', 'add', '--db', db, '--username', 'kt_admin', '--role', 'admin', '--password-stdin'], `${PASSWORD}\n`);
  await writeFile(path.join(dir, 'known.csv'), knownCsv());
  await runOk(['import', '--db', db, path.join(dir, 'known.csv')]);
});

after(async () => {
  if (dir && !process.env.PHONGDICH_KEEP_TMP) await rm(dir, { recursive: true, force: true });
});

test('SIGKILL of `phongdich import` while it writes leaves the database exactly as before', { timeout: 240000 }, async (t) => {
  const beforeCli = await cliListing(db);
  assert.equal(beforeCli.count, 300);
  const beforeApi = await apiSnapshot(db);
  assert.equal(beforeApi.people, 300);
  assert.equal(beforeApi.households, 100);
  assert.equal(beforeApi.searchTotal, 300);

  const big = path.join(dir, 'big.csv');
  const ROWS = 250000;
  await writeBigCsv(big, ROWS);
  const wal0 = walSize();
  const child = spawn(BIN, ['import', '--db', db, big], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
  child.stdout.resume();
  const exited = new Promise((res) => child.on('close', (code, signal) => res({ code, signal })));
  let done = null;
  exited.then((r) => { done = r; });
  // Kill once pages of the open transaction are in the -wal file (SQLite spills them when its cache is
  // full); failing that, late in the file.
  const started = Date.now();
  let reason = '';
  let walAtKill = 0;
  while (!done) {
    await new Promise((res) => setTimeout(res, 5));
    const w = walSize();
    const pct = Math.max(0, ...[...stderr.matchAll(/(\d+)%/g)].map((m) => Number(m[1])));
    if (w > wal0 + 256 * 1024) reason = `the -wal file grew to ${w} bytes`;
    else if (pct >= 90) reason = `progress reached ${pct}% without the -wal file growing`;
    else if (Date.now() - started > 150000) reason = 'timed out waiting';
    if (reason) {
      walAtKill = w;
      child.kill('SIGKILL');
      break;
    }
  }
  const res = await exited;
  t.diagnostic(`killed after ${Date.now() - started} ms: ${reason}; progress: ${stderr.trim().split('\n').pop()}`);
  assert.equal(res.signal, 'SIGKILL', `the import ended by itself before it could be killed (${res.code}): ${stderr}`);
  assert.ok(walAtKill > wal0 || /90%/.test(reason), 'killed while writing');

  // Exactly as before, through the CLI and through the server.
  assert.deepEqual(await cliListing(db), beforeCli, 'CLI listing after the crash');
  assert.deepEqual(await apiSnapshot(db), beforeApi, 'API snapshot after the crash');
  // And still fully usable: a small import then a search that uses the name index.
  await writeFile(path.join(dir, 'after.csv'), 'Họ và tên,Mã xã\r\nSau Sự Cố,01834\r\n');
  await runOk(['import', '--db', db, path.join(dir, 'after.csv')]);
  const after = await run(['people', '--db', db, '--json', '--q', 'sau su co']);
  assert.equal(JSON.parse(after.stdout).items.length, 1);
  assert.equal((await cliListing(db)).count, 301);
});

test('an API write acknowledged before SIGKILL of the server survives it', { timeout: 120000 }, async () => {
  let srv = await startServer({ db, demo: false });
  const acked = [];
  let household;
  try {
    const api = bind(srv.url, await mustLogin(srv.url, 'kt_admin'));
    for (let i = 0; i < 10; i++) {
      const r = await api('POST', '/api/people', { full_name: `Đã Ghi ${'ABCDEGHIKL'[i]}`, unit_code: UNIT.in, note: `lần ${i}` });
      acked.push(expectStatus(r, 201, 'create').person);
    }
    const cur = acked[0];
    const upd = expectStatus(await api('PUT', `/api/people/${cur.id}`, { ...cur, note: 'đã sửa trước sự cố' }), 200, 'update').person;
    acked[0] = upd;
    household = expectStatus(await api('POST', '/api/households', { unit_code: UNIT.in, address: 'Hộ trước sự cố', head_person_id: acked[1].id }),
      201, 'household').household;
    // The last acknowledged write, then SIGKILL straight away.
    const last = expectStatus(await api('POST', '/api/people', { full_name: 'Cuối Cùng Trước Sự Cố', unit_code: UNIT.in }), 201, 'last').person;
    await srv.kill('SIGKILL');
    acked.push(last);
  } finally {
    await srv.stop();
  }
  srv = await startServer({ db, demo: false });
  try {
    const api = bind(srv.url, await mustLogin(srv.url, 'kt_admin'));
    for (const p of acked) {
      const got = expectStatus(await api('GET', `/api/people/${p.id}`), 200, `person ${p.id} after the crash`).person;
      assert.equal(got.full_name, p.full_name);
      assert.equal(got.note, p.note);
      assert.equal(got.version, p.id === acked[1].id ? p.version + 1 : p.version, 'version (the head of the household was updated once)');
    }
    const hh = expectStatus(await api('GET', `/api/households/${household.id}`), 200, 'household after the crash').household;
    assert.equal(hh.head_person_id, acked[1].id);
    assert.equal(expectStatus(await api('GET', '/api/stats'), 200, 'stats').people, 301 + acked.length);
    await stopClean(srv);
  } finally {
    await srv.stop();
  }
});

test('`phongdich backup` of a live database gives a file the server serves with the same people', { timeout: 120000 }, async () => {
  const srv = await startServer({ db, demo: false });
  const out = path.join(dir, 'backup.db');
  let original;
  let originalHouseholds;
  try {
    const api = bind(srv.url, await mustLogin(srv.url, 'kt_admin'));
    original = await allPeople(api);
    originalHouseholds = expectStatus(await api('GET', '/api/households?limit=500'), 200, 'households').items;
    const r = await run(['backup', '--db', db, out]);
    assert.equal(r.code, 0, r.stderr);
    // Writes after the backup do not reach it.
    expectStatus(await api('POST', '/api/people', { full_name: 'Sau Sao Lưu', unit_code: UNIT.in }), 201, 'write after backup');
    // A second backup onto the same name is refused and leaves the first intact.
    const size = statSync(out).size;
    const again = await run(['backup', '--db', db, out]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /tồn tại/);
    assert.equal(statSync(out).size, size);
    await stopClean(srv);
  } finally {
    await srv.stop();
  }
  assert.ok(original.length > 300);
  const copy = await startServer({ db: out, demo: false });
  try {
    const api = bind(copy.url, await mustLogin(copy.url, 'kt_admin'));
    assert.deepEqual(await allPeople(api), original, 'the copy serves the same people, field for field');
    assert.deepEqual(expectStatus(await api('GET', '/api/households?limit=500'), 200, 'households').items, originalHouseholds);
    const s = expectStatus(await api('GET', '/api/people?q=sau%20sao%20luu'), 200, 'search').total;
    assert.equal(s, 0, 'the write made after the backup is not in it');
    expectStatus(await api('POST', '/api/people', { full_name: 'Trên Bản Sao', unit_code: UNIT.in }), 201, 'the copy is writable');
    await stopClean(copy);
  } finally {
    await copy.stop();
  }
  // The copy is an SQLite file of its own, and the CLI reads it too.
  const bytes = await readFile(out);
  assert.equal(bytes.subarray(0, 16).toString('latin1'), 'SQLite format 3\u0000');
  assert.equal((await cliListing(out)).count, original.length + 1);
});

test('the CLI listings run clean under the sanitizers (exit 0, nothing on stderr)', async () => {
  for (const args of [['people', '--db', db, '--json'], ['people', '--db', db], ['units', '--db', db, '--json', '--parent', '058'],
    ['units', '--db', db, '--search', 'bac kan']]) {
    const r = await run(args);
    assert.equal(r.code, 0, `phongdich ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(0, 300)}`);
    assert.equal(r.stderr, '', `phongdich ${args.join(' ')}`);
  }
});
