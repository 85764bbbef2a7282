// tests/api/venues.test.js: the venue registry and its QR posters over HTTP and the CLI: create with
// per-field errors, read, search without diacritics, edit with versions, close; the poster as SVG, PNG
// and PDF, whose QR code (decoded by zbarimg) leads to the venue's public check-in page; and the CLI
// contracts `venue list --json` and `venue poster --out FILE.png|svg|pdf [--base-url]`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run } from '../lib/server.js';
import { buildWorld, expectStatus, UNIT, callRaw, stopClean } from '../lib/fixture.js';
import { createVenue, decodeQr, pub } from './venues-world.js';

let W;
let tmp;
let market;

before(async () => {
  W = await buildWorld();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'phongdich-venues-'));
  market = await createVenue(W.api.commune, UNIT.in, 'Chợ Phường Nguyễn Thị Minh Khai', 'market',
    { responsible_name: 'Hoàng Văn Chợ', responsible_phone: '0912 111 222' });
});

after(async () => {
  if (W) await stopClean(W.srv);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('create: the VENUE answer, with the kind label, the commune and a random public code', () => {
  assert.equal(market.name, 'Chợ Phường Nguyễn Thị Minh Khai');
  assert.equal(market.kind, 'market');
  assert.equal(market.kind_label, 'Chợ');
  assert.equal(market.unit_code, UNIT.in);
  assert.equal(market.unit_name, 'Phường Nguyễn Thị Minh Khai');
  assert.equal(market.district_code, '058');
  assert.equal(market.responsible_phone, '0912111222');
  assert.equal(market.default_stay_minutes, null);
  assert.equal(market.stay_minutes, 60);
  assert.match(market.public_code, /^[a-km-np-z2-9]{12}$/);
  assert.equal(market.checkin_path, `/#/c/${market.public_code}`);
  assert.equal(market.closed, false);
  assert.equal(market.version, 1);
});

test('create: every invalid field is named, in Vietnamese; nothing is written', async () => {
  const before = (await W.api.admin('GET', '/api/venues?limit=500')).body.items.length;
  const r = await W.api.admin('POST', '/api/venues', { name: '', kind: 'casino', unit_code: '99999',
    responsible_phone: '123', default_stay_minutes: 3 });
  expectStatus(r, 400, 'invalid venue');
  assert.deepEqual(r.body.errors.map((e) => e.field), ['name', 'kind', 'unit_code', 'responsible_phone', 'default_stay_minutes']);
  assert.match(r.body.errors[0].message, /Tên địa điểm/);
  assert.match(r.body.errors[1].message, /loại địa điểm/);
  const wrongType = await W.api.admin('POST', '/api/venues', { name: 'X', kind: 'market', unit_code: UNIT.in, default_stay_minutes: 'lâu' });
  expectStatus(wrongType, 400, 'stay as text');
  assert.equal((await W.api.admin('GET', '/api/venues?limit=500')).body.items.length, before);
});

test('read, search without diacritics, filter by kind and unit, page by id', async () => {
  const school = await createVenue(W.api.admin, UNIT.in, 'Trường THCS Đội Cấn', 'school');
  await createVenue(W.api.admin, UNIT.dist, 'Bến xe khách Bắc Kạn', 'bus_station');
  const got = expectStatus(await W.api.team('GET', `/api/venues/${market.id}`), 200, 'team reads').venue;
  assert.deepEqual(got, market);
  const found = expectStatus(await W.api.district('GET', `/api/venues?q=${encodeURIComponent('truong doi can')}`), 200, 'search').items;
  assert.deepEqual(found.map((v) => v.id), [school.id]);
  const byCode = expectStatus(await W.api.district('GET', `/api/venues?q=${market.public_code}`), 200, 'by code').items;
  assert.deepEqual(byCode.map((v) => v.id), [market.id]);
  const buses = expectStatus(await W.api.district('GET', '/api/venues?kind=bus_station'), 200, 'kind').items;
  assert.ok(buses.length >= 1 && buses.every((v) => v.kind === 'bus_station'));
  const commune = expectStatus(await W.api.commune('GET', '/api/venues?limit=500'), 200, 'commune list').items;
  assert.ok(commune.length >= 2 && commune.every((v) => v.unit_code === UNIT.in), 'a commune lists its own venues only');
  expectStatus(await W.api.admin('GET', '/api/venues?kind=casino'), 400, 'unknown kind');
  // Keyset paging covers the list once.
  const all = expectStatus(await W.api.admin('GET', '/api/venues?limit=500'), 200, 'all').items.map((v) => v.id);
  const paged = [];
  let after = 0;
  for (;;) {
    const page = expectStatus(await W.api.admin('GET', `/api/venues?limit=1&after=${after}`), 200, 'page');
    paged.push(...page.items.map((v) => v.id));
    if (!page.next) break;
    after = page.next;
  }
  assert.deepEqual(paged, all);
  const kinds = expectStatus(await W.api.team('GET', '/api/venues/kinds'), 200, 'kinds').items;
  assert.equal(kinds.length, 12);
  assert.deepEqual(kinds.find((k) => k.code === 'school'), { code: 'school', label: 'Trường học', stay_minutes: 480 });
});

test('edit: versions, a per-venue stay, closing keeps the poster code and stops check-ins', async () => {
  const v = await createVenue(W.api.commune, UNIT.in, 'Nhà văn hóa tổ 5', 'other');
  const body = { ...v, default_stay_minutes: 45, address: 'Tổ 5, phường Nguyễn Thị Minh Khai' };
  const upd = expectStatus(await W.api.commune('PUT', `/api/venues/${v.id}`, body), 200, 'update').venue;
  assert.equal(upd.version, 2);
  assert.equal(upd.stay_minutes, 45);
  assert.equal(upd.default_stay_minutes, 45);
  expectStatus(await W.api.commune('PUT', `/api/venues/${v.id}`, body), 409, 'stale version');
  const closed = expectStatus(await W.api.commune('PUT', `/api/venues/${v.id}`, { ...upd, closed: true }), 200, 'close').venue;
  assert.equal(closed.closed, true);
  assert.ok(closed.closed_at);
  assert.equal(closed.public_code, v.public_code);
  const info = expectStatus(await pub(W.url, 'GET', `/api/public/venues/${v.public_code}`), 200, 'public info').venue;
  assert.equal(info.closed, true);
  const r = await pub(W.url, 'POST', '/api/public/checkins', { code: v.public_code, phone: '0912345678' });
  expectStatus(r, 409, 'check-in at a closed venue');
  assert.equal(r.body.error, 'closed');
  assert.match(r.body.message, /ngừng hoạt động/);
  const open = expectStatus(await W.api.commune('PUT', `/api/venues/${v.id}`, { ...closed, closed: false }), 200, 'reopen').venue;
  assert.equal(open.closed, false);
  assert.equal(open.closed_at, null);
  // The commune cannot move its venue out of its scope.
  const moved = await W.api.commune('PUT', `/api/venues/${v.id}`, { ...open, unit_code: UNIT.dist });
  expectStatus(moved, 400, 'move outside scope');
  assert.equal(moved.body.field, 'unit_code');
});

test('poster: SVG, PNG and PDF; the PNG\'s QR code leads to the venue\'s check-in page', async () => {
  const base = 'https://phongdich.backan.gov.vn';
  const q = `?base=${encodeURIComponent(base)}`;
  const svg = await callRaw(W.url, W.sess.commune, 'GET', `/api/venues/${market.id}/poster.svg${q}`);
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
  assert.match(svg.headers.get('content-disposition'), /attachment; filename="ma-qr-dia-diem-\d+\.svg"/);
  const text = svg.buf.toString('utf8');
  assert.ok(text.includes('Chợ Phường Nguyễn Thị Minh Khai'));
  assert.ok(text.includes('Quét mã QR để khai báo khi vào/ra'));
  assert.ok(text.includes(`${base}/#/c/${market.public_code}`));
  const png = await callRaw(W.url, W.sess.commune, 'GET', `/api/venues/${market.id}/poster.png${q}`);
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  assert.equal(png.buf.subarray(0, 8).toString('hex'), '89504e470d0a1a0a');
  assert.equal(png.buf.readUInt32BE(16), 1240, 'A4 at 150 dpi: 1240 px wide');
  assert.equal(png.buf.readUInt32BE(20), 1754);
  const file = path.join(tmp, 'poster.png');
  await writeFile(file, png.buf);
  assert.equal(decodeQr(file), `${base}/#/c/${market.public_code}`);
  const pdf = await callRaw(W.url, W.sess.commune, 'GET', `/api/venues/${market.id}/poster.pdf${q}`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(pdf.buf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(pdf.buf.toString('latin1'), /MediaBox \[ ?0 0 595\.2\d* 841\.8\d* ?\]/);
  // Without ?base the Host header the browser used names the server.
  const plain = await callRaw(W.url, W.sess.commune, 'GET', `/api/venues/${market.id}/poster.svg?download=0`);
  assert.equal(plain.headers.get('content-disposition'), null);
  assert.ok(plain.buf.toString('utf8').includes(`http://127.0.0.1:${W.srv.port}/#/c/${market.public_code}`));
  // A base that is not an http(s) URL is not written into the poster.
  const bad = await callRaw(W.url, W.sess.commune, 'GET', `/api/venues/${market.id}/poster.svg?base=${encodeURIComponent('javascript:alert(1)')}`);
  assert.ok(!bad.buf.toString('utf8').includes('javascript:'));
  // Outside scope: 404, like a missing venue.
  const far = await createVenue(W.api.admin, UNIT.far, 'Chợ Hà Nội', 'market');
  const outside = await callRaw(W.url, W.sess.commune, 'GET', `/api/venues/${far.id}/poster.png`);
  assert.equal(outside.status, 404);
});

test('CLI: venue list --json and venue poster (PNG decoded by zbarimg, SVG, PDF, --base-url)', async () => {
  const list = await run(['venue', 'list', '--db', W.srv.db, '--json']);
  assert.equal(list.code, 0, list.stderr);
  const items = JSON.parse(list.stdout).items;
  const mine = items.find((v) => v.id === market.id);
  assert.deepEqual({ id: mine.id, name: mine.name, unit_code: mine.unit_code, kind: mine.kind },
    { id: market.id, name: market.name, unit_code: UNIT.in, kind: 'market' });
  const png = path.join(tmp, 'cli.png');
  const r = await run(['venue', 'poster', '--db', W.srv.db, '--venue', String(market.id), '--out', png]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(decodeQr(png), `http://127.0.0.1:8080/#/c/${market.public_code}`, 'default base URL: the serve address');
  const png2 = path.join(tmp, 'cli2.png');
  await run(['venue', 'poster', '--db', W.srv.db, '--venue', String(market.id), '--out', png2, '--base-url', W.url]);
  const url = decodeQr(png2);
  assert.equal(url, `${W.url.replace(/\/$/, '')}/#/c/${market.public_code}`);
  // That URL is the public check-in page: the hash route answers with the app, the code with the venue.
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /js\/main\.js/);
  const code = url.split('/#/c/')[1];
  const info = expectStatus(await pub(W.url, 'GET', `/api/public/venues/${code}`), 200, 'the QR\'s venue').venue;
  assert.equal(info.name, market.name);
  for (const ext of ['svg', 'pdf']) {
    const out = path.join(tmp, `cli.${ext}`);
    const x = await run(['venue', 'poster', '--db', W.srv.db, '--venue', String(market.id), '--out', out]);
    assert.equal(x.code, 0, x.stderr);
    const head = (await readFile(out)).subarray(0, 5).toString('latin1');
    assert.equal(head, ext === 'pdf' ? '%PDF-' : '<?xml');
  }
  const badExt = await run(['venue', 'poster', '--db', W.srv.db, '--venue', String(market.id), '--out', path.join(tmp, 'x.jpg')]);
  assert.equal(badExt.code, 2);
  const missing = await run(['venue', 'poster', '--db', W.srv.db, '--venue', '999999', '--out', path.join(tmp, 'y.png')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Không tìm thấy địa điểm/);
});

test('CLI: user add --venue attaches a venue account to a venue of its commune only', async () => {
  const far = (await W.api.admin('GET', `/api/venues?unit=${UNIT.far}`)).body.items[0];
  const r = await run(['user', 'add', '--db', W.srv.db, '--username', 'nv_sai', '--role', 'venue', '--unit', UNIT.in,
    '--venue', String(far.id), '--password-stdin'], { input: 'mat-khau-dai-du\n' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Không có địa điểm/);
  const users = (await W.api.admin('GET', '/api/users')).body.items.map((u) => u.username);
  assert.ok(!users.includes('nv_sai'), 'the account was not created either');
  const ok = await run(['user', 'add', '--db', W.srv.db, '--username', 'nv_dung', '--role', 'venue', '--unit', UNIT.in,
    '--venue', String(market.id), '--password-stdin'], { input: 'mat-khau-dai-du\n' });
  assert.equal(ok.code, 0, ok.stderr);
});
