// tests/api/import.test.js: imports through POST /api/imports (raw body, job polled until it is no longer
// "running") and through `phongdich import --db X FILE` on the same files: a good file, one with bad rows
// (rejected, errors naming line and field, nothing written), wrong or missing columns, an empty file, a
// UTF-8 BOM, Windows-1258 bytes (refused with a message naming Windows-1258), an .xlsx round trip, and
// a ~50 MB file (imported, or refused clearly, with the database intact either way).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm, readFile, stat } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../lib/server.js';
import { buildWorld, UNIT, expectStatus, importFile, allPeople, callRaw, stopClean } from '../lib/fixture.js';
import http from 'node:http';

// Windows-1258 (the legacy Vietnamese code page): base letters with circumflex, breve and horn are
// precomposed, tones are combining bytes. Enough to encode any Vietnamese text.
const CP1258_BASE = { â: 0xe2, ê: 0xea, ô: 0xf4, ă: 0xe3, ơ: 0xf5, ư: 0xfd, đ: 0xf0, Â: 0xc2, Ê: 0xca, Ô: 0xd4, Ă: 0xc3,
  Ơ: 0xd5, Ư: 0xdd, Đ: 0xd0 };
const CP1258_TONE = { '\u0300': 0xcc, '\u0301': 0xec, '\u0303': 0xde, '\u0309': 0xd2, '\u0323': 0xf2 };
function toCp1258(text) {
  const out = [];
  for (const ch of text.normalize('NFC')) {
    const parts = [...ch.normalize('NFD')];
    const tones = parts.filter((c) => CP1258_TONE[c] !== undefined);
    const base = parts.filter((c) => CP1258_TONE[c] === undefined).join('').normalize('NFC');
    if (base.charCodeAt(0) < 0x80) out.push(base.charCodeAt(0));
    else if (CP1258_BASE[base] !== undefined) out.push(CP1258_BASE[base]);
    else throw new Error(`no Windows-1258 byte for ${base}`);
    for (const t of tones) out.push(CP1258_TONE[t]);
  }
  return Buffer.from(out);
}

const HEADER = 'Họ và tên,Ngày sinh,Giới tính,Số điện thoại,Mã xã,Địa chỉ,Mã hộ,Quan hệ với chủ hộ';
const csv = (lines) => lines.join('\r\n') + '\r\n';

// The files, by name: content (string or Buffer) and what both the API and the CLI must conclude.
// state: done | rejected | failed; errors: [line, field] pairs that must be reported (rejected only);
// message: what the refusal must say (failed only).
const FILES = {
  'good.csv': {
    body: csv([HEADER,
      'Hoàng Văn Nhập,1975-06-01,Nam,0961000001,01834,Tổ 1 phường Nguyễn Thị Minh Khai,H1,Chủ hộ',
      'Lý Thị Nhập,1978-02-03,Nữ,0961000001,01834,Tổ 1 phường Nguyễn Thị Minh Khai,H1,Vợ',
      'Hoàng Minh Nhập,2005-11-20,Nam,,01834,Tổ 1 phường Nguyễn Thị Minh Khai,H1,Con',
      'Triệu Văn Nhập,1990,M,0961000002,01837,"Phường Sông Cầu, Bắc Kạn",,']),
    state: 'done', rows: 4, names: ['Hoàng Văn Nhập', 'Triệu Văn Nhập'],
  },
  'bad-rows.csv': {
    body: csv([HEADER,
      'Nông Văn Hỏng,1980-01-01,Nam,0962000001,01834,Tổ 2,,',
      'Nông Thị Hỏng,1981-01-01,Nữ,0962000002,01834,Tổ 2,,',
      'Nông Văn Sai,1982-01-01,Nam,12345,01834,Tổ 2,,',
      'Nông Văn Đúng,1983-01-01,Nam,0962000004,01834,Tổ 2,,',
      `Nông Văn Tương,${new Date().getFullYear() + 2}-01-01,Nam,0962000005,01834,Tổ 2,,`]),
    state: 'rejected', errors: [[4, 'phone'], [6, 'birth_date']], names: ['Nông Văn Hỏng', 'Nông Văn Đúng'],
  },
  'wrong-columns.csv': {
    body: csv(['Tên,Tuổi,Quê quán', 'An,30,Hà Nội']), state: 'failed', message: /cột/,
  },
  'missing-unit-column.csv': {
    body: csv(['Họ và tên,Ngày sinh', 'Phan Văn Thiếu,1970-01-01']), state: 'failed', message: /Mã xã/,
  },
  'header-only.csv': { body: csv([HEADER]), state: 'failed', message: /tiêu đề/ },
  'bom.csv': {
    body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv([HEADER, 'Bế Văn Bom,1960-12-12,Nam,0963000001,01834,Tổ 3,,']))]),
    state: 'done', rows: 1, names: ['Bế Văn Bom'],
  },
  'windows-1258.csv': {
    body: toCp1258(csv([HEADER, 'Đặng Văn Mã,1965-05-05,Nam,0964000001,01834,Tổ dân phố số 4,,',
      'Đỗ Thị Hường,1966-06-06,Nữ,0964000002,01834,Tổ dân phố số 4,,'])),
    state: 'failed', message: /Windows-1258/, names: ['Đặng Văn Mã'],
  },
  'out-of-scope.csv': { // fine for the admin: the API test uploads it as the commune account
    body: csv([HEADER, 'Ma Văn Ngoài,1970-01-01,Nam,0965000001,00001,Phúc Xá,,']), state: 'done', rows: 1,
  },
};

let W;
let dir;

before(async () => {
  W = await buildWorld();
  dir = await mkdtemp(path.join(os.tmpdir(), 'phongdich-import-'));
  for (const [name, f] of Object.entries(FILES)) await writeFile(path.join(dir, name), f.body);
  await writeFile(path.join(dir, 'empty.csv'), '');
});

after(async () => {
  if (W) await W.srv.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const count = async () => expectStatus(await W.api.admin('GET', '/api/stats'), 200, 'stats').people;
const exact = async (name) => (await W.api.admin('GET', `/api/people?limit=500&q=${encodeURIComponent(name)}`)).body.items
  .filter((p) => p.full_name === name.normalize('NFC'));

function checkOutcome(label, f, got) {
  assert.equal(got.state, f.state, `${label}: state ${got.state} (${got.message})`);
  if (f.state === 'done') assert.equal(got.rows_imported, f.rows, `${label}: rows imported`);
  else assert.equal(got.rows_imported, 0, `${label}: nothing imported`);
  if (f.state === 'rejected') {
    assert.equal(got.error_count, f.errors.length, `${label}: ${JSON.stringify(got.errors)}`);
    for (const [line, field] of f.errors) {
      const e = got.errors.find((x) => x.line === line && x.field === field);
      assert.ok(e, `${label}: no error for line ${line} field ${field}: ${JSON.stringify(got.errors)}`);
      assert.ok(e.message.length > 5, `${label}: empty message`);
    }
  }
  if (f.state === 'failed') assert.match(got.message, f.message, `${label}: message`);
}

describe('POST /api/imports', () => {
  for (const [name, f] of Object.entries(FILES)) {
    if (name === 'out-of-scope.csv') continue;
    test(name, async () => {
      const before = await count();
      const r = await importFile(W.api.admin, f.body);
      expectStatus(r, 202, `upload ${name}`);
      const job = r.job;
      checkOutcome(`API ${name}`, f, { ...job, state: job.state, message: job.message });
      assert.equal(job.done >= 0 && job.total >= 0, true);
      assert.equal(await count(), before + (f.state === 'done' ? f.rows : 0), 'people count');
      for (const n of f.names || []) {
        assert.equal((await exact(n)).length, f.state === 'done' ? 1 : 0, `${n} present only if the file was imported`);
      }
    });
  }

  test('the good file made one household of the rows sharing a "Mã hộ", headed by the "Chủ hộ"', async () => {
    const head = (await exact('Hoàng Văn Nhập'))[0];
    assert.ok(head && head.household_id, 'the head has a household');
    const hh = expectStatus(await W.api.admin('GET', `/api/households/${head.household_id}`), 200, 'household').household;
    assert.equal(hh.head_person_id, head.id);
    assert.equal(hh.member_count, 3);
    assert.equal((await exact('Triệu Văn Nhập'))[0].household_id, null);
    assert.equal((await exact('Triệu Văn Nhập'))[0].birth_date, '1990');
  });

  test('an empty upload is refused clearly', async () => {
    const before = await count();
    const r = await W.api.admin('POST', '/api/imports?format=csv', '', { 'Content-Type': 'text/csv' });
    if (r.status === 202) {
      const { job } = await importFile(W.api.admin, '');
      assert.equal(job.state, 'failed');
      assert.match(job.message, /trống|rỗng/);
    } else {
      expectStatus(r, 400, 'empty upload');
      assert.match(r.body.message, /trống|rỗng/);
    }
    assert.equal(await count(), before);
  });

  test('rows outside the caller\'s scope are rejected, by line', async () => {
    const before = await count();
    const r = await importFile(W.api.commune, FILES['out-of-scope.csv'].body);
    expectStatus(r, 202, 'upload as commune');
    assert.equal(r.job.state, 'rejected');
    assert.deepEqual(r.job.errors.map((e) => [e.line, e.field]), [[2, 'unit_code']]);
    assert.equal(await count(), before);
    // ?unit= supplies the commune for files without a unit column; an outside unit is refused.
    const noUnit = csv(['Họ và tên,Ngày sinh', 'Phan Văn Mặc Định,1970-01-01']);
    const ok = await importFile(W.api.commune, noUnit, { query: `format=csv&unit=${UNIT.in}` });
    assert.equal(ok.job.state, 'done', ok.job.message);
    assert.equal((await exact('Phan Văn Mặc Định'))[0].unit_code, UNIT.in);
    const outside = await importFile(W.api.commune, noUnit, { query: `format=csv&unit=${UNIT.dist}` });
    assert.notEqual(outside.job.state, 'done');
    assert.equal((await exact('Phan Văn Mặc Định')).length, 1);
  });

  test('an .xlsx export imports back (format=xlsx), row for row', async () => {
    const before = await count();
    const x = await callRaw(W.url, W.sess.admin, 'GET', `/api/exports/people.xlsx?unit=${UNIT.far}`);
    assert.equal(x.status, 200);
    const rows = (await allPeople(W.api.admin, `unit=${UNIT.far}`)).length;
    assert.ok(rows >= 3);
    const r = await importFile(W.api.admin, x.buf, { query: 'format=xlsx',
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    expectStatus(r, 202, 'xlsx upload');
    assert.equal(r.job.state, 'done', `${r.job.message} ${JSON.stringify(r.job.errors.slice(0, 3))}`);
    assert.equal(r.job.rows_imported, rows);
    assert.equal(await count(), before + rows);
    // Garbage announced as xlsx is refused, not a 500 or a crash.
    const g = await importFile(W.api.admin, Buffer.from('PK\x03\x04 not really a zip file'), { query: 'format=xlsx',
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    assert.equal(g.job.state, 'failed');
    assert.ok(g.job.message.length > 10);
    assert.equal(await count(), before + rows);
  });

  test('an unknown job id, and another user\'s job, are not found', async () => {
    const mine = await importFile(W.api.district, FILES['header-only.csv'].body);
    expectStatus(await W.api.commune('GET', `/api/imports/${mine.body.job.id}`), 404, 'commune reads the district\'s job');
    expectStatus(await W.api.admin('GET', `/api/imports/${mine.body.job.id}`), 200, 'admin reads any job');
    expectStatus(await W.api.district('GET', '/api/imports/424242'), 404, 'unknown job');
  });
});

describe('phongdich import (CLI) on the same files', () => {
  for (const [name, f] of Object.entries(FILES)) {
    test(name, async () => {
      const before = await count();
      const r = await run(['import', '--db', W.srv.db, '--json', path.join(dir, name)]);
      assert.equal(r.code, f.state === 'done' ? 0 : 1, `exit code: ${r.stderr}`);
      const out = JSON.parse(r.stdout);
      checkOutcome(`CLI ${name}`, f, { ...out, state: r.code === 0 ? 'done' : out.error_count > 0 ? 'rejected' : 'failed' });
      assert.equal(await count(), before + (f.state === 'done' ? f.rows : 0), 'people count seen by the server');
      // Without --json the errors are printed for people, naming line and column.
      if (f.state === 'rejected') {
        const t = await run(['import', '--db', W.srv.db, path.join(dir, name)]);
        assert.equal(t.code, 1);
        for (const [line] of f.errors) assert.match(t.stderr, new RegExp(`dòng ${line}, cột `));
      }
      if (f.state === 'failed') {
        const t = await run(['import', '--db', W.srv.db, path.join(dir, name)]);
        assert.equal(t.code, 1);
        assert.match(t.stderr, f.message);
      }
    });
  }

  test('empty file, missing file, bad usage', async () => {
    const before = await count();
    const e = await run(['import', '--db', W.srv.db, path.join(dir, 'empty.csv')]);
    assert.equal(e.code, 1);
    assert.match(e.stderr, /trống|rỗng/);
    const m = await run(['import', '--db', W.srv.db, path.join(dir, 'no-such-file.csv')]);
    assert.equal(m.code, 1);
    assert.ok(m.stderr.length > 10);
    assert.equal((await run(['import', '--db', W.srv.db])).code, 2, 'no file: usage');
    assert.equal((await run(['import', '--db', W.srv.db, '--format', 'pdf', path.join(dir, 'good.csv')])).code, 2);
    assert.equal(await count(), before);
  });
});

// Writes a CSV of about `bytes` bytes: rows in 01834..01843 (Thành phố Bắc Kạn), unique phones.
async function writeBigCsv(file, rows, noteLen) {
  const units = ['01834', '01837', '01840', '01843'];
  const note = 'Ghi chú dài '.padEnd(noteLen, 'x');
  const ws = createWriteStream(file);
  const letters = 'ABCDEGHIKLMNOPQSTUVXY';
  let chunk = [HEADER + ',Ghi chú'];
  for (let i = 0; i < rows; i++) {
    const nm = `Lớn Văn ${letters[i % 21]}${letters[Math.floor(i / 21) % 21].toLowerCase()}${letters[Math.floor(i / 441) % 21].toLowerCase()}`;
    chunk.push(`${nm},1980-01-${String(1 + (i % 28)).padStart(2, '0')},Nam,03${String(i).padStart(8, '0')},${units[i % 4]},Số ${i} đường Trường Chinh,,,${note}`);
    if (chunk.length >= 5000) {
      if (!ws.write(chunk.join('\r\n') + '\r\n')) await new Promise((res) => ws.once('drain', res));
      chunk = [];
    }
  }
  ws.end(chunk.length ? chunk.join('\r\n') + '\r\n' : '');
  await new Promise((res, rej) => { ws.on('finish', res); ws.on('error', rej); });
}

describe('a ~50 MB file', () => {
  test('is imported (or refused clearly) through the API, and the database stays intact', { timeout: 180000 }, async () => {
    const file = path.join(dir, 'big.csv');
    const ROWS = 100000;
    await writeBigCsv(file, ROWS, 380);
    const size = (await stat(file)).size;
    assert.ok(size > 45e6 && size < 60e6, `size ${size}`);
    const before = await count();
    const sample = await allPeople(W.api.admin, `unit=${UNIT.far}`);
    const r = await importFile(W.api.admin, await readFile(file));
    expectStatus(r, 202, 'big upload');
    if (r.job.state === 'done') {
      assert.equal(r.job.rows_imported, ROWS);
      assert.equal(await count(), before + ROWS);
      const found = await W.api.admin('GET', `/api/people?q=${'03' + String(ROWS - 1).padStart(8, '0')}`);
      assert.equal(found.body.total, 1, 'the last row is there');
    } else {
      assert.ok(['failed', 'rejected'].includes(r.job.state));
      assert.ok(r.job.message.length > 10, `clear message: ${r.job.message}`);
      assert.equal(await count(), before);
    }
    // Intact: what was there is unchanged and the API still writes.
    assert.deepEqual(await allPeople(W.api.admin, `unit=${UNIT.far}`), sample);
    expectStatus(await W.api.admin('POST', '/api/people', { full_name: 'Sau Văn Lớn', unit_code: UNIT.in }), 201, 'write after');
  });
});

test('an upload over 200 MiB answers 413 too_large and imports nothing', { timeout: 120000 }, async () => {
  const before = await count();
  const limit = 200 * 1024 * 1024;
  const chunk = Buffer.alloc(1 << 20, 0x41); // 1 MiB of "A"
  const total = limit + chunk.length;
  const u = new URL('/api/imports?format=csv', W.url);
  const res = await new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST',
      headers: { Cookie: W.sess.admin.cookie, 'X-CSRF-Token': W.sess.admin.csrf, 'Content-Type': 'text/csv',
        'Content-Length': total } }, (r) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (d) => { text += d; });
      r.on('end', () => resolve({ status: r.statusCode, text }));
    });
    req.on('error', reject);
    (async () => {
      for (let sent = 0; sent < total; sent += chunk.length) {
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(reject);
  });
  assert.equal(res.status, 413, res.text.slice(0, 200));
  assert.equal(JSON.parse(res.text).error, 'too_large');
  assert.equal(await count(), before);
});

test('the server shuts down cleanly, without sanitizer reports', async () => {
  await stopClean(W.srv);
});
