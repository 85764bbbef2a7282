// tests/browser/stays.test.js: stays of foreigners and the data-ingest page on a desktop and a phone,
// over the demo database. The district police (congan) lists the demo's foreign guests, narrows to
// those present today (the count matches the API) and downloads the Excel export; a hotel's staff
// account registers a guest (first with the form's Vietnamese field errors), finds them in the list and
// records their departure; the district official (huyen) sends a file of check-ins, sends it again
// (every row skipped, nothing counted twice) and sends a file with bad rows (line and column shown,
// nothing stored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run, startServer, login, call } from '../lib/server.js';
import { launch, openPage, loginUI, shot, overflowX, settled, openNav, VIEWPORTS, stopServer } from './harness.js';

const HOTEL_USER = 'ks_backan';
const HOTEL_PASSWORD = 'mat-khau-khach-san-1';
let server;
let browser;
let police;
let people; // three demo residents with a CCCD
let market; // the main market's public code

const today = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);

async function cli(args, input) {
  const r = await run(args, { input, timeoutMs: 600000 });
  assert.equal(r.code, 0, `phongdich ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'phongdich-stays-ui-'));
  const db = path.join(dir, 'demo.db');
  const demo = JSON.parse(await cli(['demo', '--db', db, '--seed', '1', '--json']));
  const venues = JSON.parse(await cli(['venue', 'list', '--db', db, '--kind', 'accommodation', '--json'])).items;
  const hotel = venues.find((v) => v.unit_code === '01834');
  assert.ok(hotel, 'the demo has a hotel in 01834');
  await cli(['user', 'add', '--db', db, '--username', HOTEL_USER, '--role', 'venue', '--unit', '01834', '--venue', String(hotel.id),
    '--password-stdin'], HOTEL_PASSWORD + '\n');
  server = await startServer({ db, demo: false });
  server.accounts = Object.fromEntries(demo.accounts.map((a) => [a.username, a]));
  browser = await launch();
  police = await login(server.url, 'congan', server.accounts.congan.password);
  const admin = await login(server.url, 'admin', server.accounts.admin.password);
  people = (await call(server.url, admin, 'GET', '/api/people?q=006&limit=3')).body.items;
  assert.equal(people.length, 3);
  const v = JSON.parse(await cli(['venue', 'list', '--db', db, '--kind', 'market', '--unit', '01834', '--json'])).items[0];
  market = (await call(server.url, admin, 'GET', `/api/venues/${v.id}`)).body?.venue?.public_code || String(v.id);
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

const apiTotal = async (q) => (await call(server.url, police, 'GET', `/api/stays${q}`)).body.total;

for (const vp of VIEWPORTS) {
  test(`police: foreign guests of the district, present today, Excel export (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      await loginUI(page, 'congan', server.accounts.congan.password);
      const nav = await openNav(page);
      assert.ok(await nav.getByText('Lưu trú người nước ngoài').isVisible(), 'police see the stays menu');
      assert.equal(await nav.getByText('Nhận dữ liệu').count(), 0, 'police do not ingest');
      await nav.getByText('Lưu trú người nước ngoài').click(); /* also closes the drawer on a phone */
      await page.locator('#stays-results[data-state="ready"]').waitFor();
      const all = await apiTotal('');
      assert.ok(all >= 4, 'the demo has foreign guests');
      assert.equal(Number(await page.locator('#stays-total').getAttribute('data-total')), all);
      assert.ok(await page.locator('#stays-table tbody tr').count() >= 4);
      await page.locator('#stays-present').check();
      await page.waitForFunction(() => location.hash.includes('present=1'));
      await page.locator('#stays-results[data-state="ready"]').waitFor();
      await settled(page);
      const present = await apiTotal('?present=1');
      assert.equal(Number(await page.locator('#stays-total').getAttribute('data-total')), present);
      assert.match(await page.locator('#stays-export').getAttribute('href'), /^\/api\/exports\/stays\.xlsx\?present=1/);
      assert.ok(await overflowX(page) <= 0, 'no sideways scrolling');
      if (present > 0) {
        const display = await page.locator('#stays-table tbody tr').first().evaluate((tr) => getComputedStyle(tr).display);
        assert.equal(display, vp.isMobile ? 'block' : 'table-row');
        // Police read, they do not record departures.
        assert.equal(await page.locator('[data-leave-save]').count(), 0);
      }
      await shot(page, `stays-police-${vp.name}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#stays-export').click()]);
      assert.equal(download.suggestedFilename(), 'khach-luu-tru.xlsx');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`hotel staff: register a guest, then record the departure (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    const passport = vp.name === 'desktop' ? 'M70000001' : 'M70000002';
    const name = vp.name === 'desktop' ? 'Park Ji-hoon' : 'Choi Soo-ah';
    try {
      await loginUI(page, HOTEL_USER, HOTEL_PASSWORD);
      const nav = await openNav(page);
      assert.ok(await nav.getByText('Đăng ký khách lưu trú').isVisible());
      assert.equal(await nav.getByText('Lưu trú người nước ngoài').count(), 0, 'staff have no district list');
      await nav.getByText('Đăng ký khách lưu trú').click();
      await page.locator('#stay-form').waitFor();
      assert.match(await page.locator('#sf-venue').innerText(), /Khách sạn|Nhà nghỉ/);
      // Sent empty: the errors sit next to their fields, in Vietnamese.
      await page.locator('#sf-arrive_date').fill('');
      await page.locator('#sf-save').click();
      await page.locator('#sf-full_name-error:not([hidden])').waitFor();
      assert.match(await page.locator('#sf-full_name-error').innerText(), /Thiếu họ và tên/);
      assert.match(await page.locator('#sf-passport-error').innerText(), /hộ chiếu/);
      await shot(page, `stays-form-errors-${vp.name}`);
      await page.locator('#sf-full_name').fill(name);
      await page.locator('#sf-nationality').fill('KR');
      await page.locator('#sf-passport').fill(passport);
      await page.locator('#sf-birth_date').fill('1992-06-15');
      await page.locator('#sf-sex').selectOption('M');
      await page.locator('#sf-arrive_date').fill(today());
      await page.locator('#sf-room').fill('305');
      assert.ok(await overflowX(page) <= 0, 'the form fits the screen');
      await page.locator('#sf-save').click();
      await page.waitForFunction(() => location.hash.startsWith('#/stays?present=1'));
      await page.locator('#stays-results[data-state="ready"]').waitFor();
      const row = page.locator('#stays-table tbody tr', { hasText: passport });
      await row.waitFor();
      assert.match(await row.innerText(), /Hàn Quốc/);
      await shot(page, `stays-registered-${vp.name}`);
      // The staff see only their hotel's guests.
      const hotelSession = await login(server.url, HOTEL_USER, HOTEL_PASSWORD);
      const mine = (await call(server.url, hotelSession, 'GET', '/api/stays?limit=500')).body.items;
      assert.ok(mine.length >= 1 && new Set(mine.map((s) => s.venue_id)).size === 1);
      // Departure today: the guest leaves the "present" list tomorrow, the date is shown now.
      await row.locator('[data-leave-save]').click();
      await page.locator('#stays-table tbody tr', { hasText: passport }).filter({ has: page.locator('[data-leave-save]') }).waitFor({ state: 'detached' });
      const leave = (await call(server.url, police, 'GET', `/api/stays?nationality=KR&present=1`)).body.items.find((s) => s.passport === passport);
      assert.equal(leave.leave_date, today());
      // The one console line allowed: the 400 answer to the empty form, shown as field errors.
      assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
    } finally {
      await context.close();
    }
  });

  test(`ingest: a file of check-ins, sent again, and a file with bad rows (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    const tag = vp.name;
    const at = (m) => new Date(Date.now() - m * 60000).toISOString().replace(/\.\d+Z$/, 'Z');
    const rows = people.map((p, i) => `ui-${tag}-${i},${market},${p.id_number},${at(120 - i)},${at(60 - i)}`);
    const csv = (lines) => ({ name: 'quet-ma.csv', mimeType: 'text/csv',
      buffer: Buffer.from(['external_id,venue,person,in_at,out_at', ...lines].join('\r\n') + '\r\n', 'utf8') });
    const send = async (file) => {
      await page.goto('/#/ingest');
      await page.locator('#ingest-form').waitFor();
      await page.locator('#ingest-file').setInputFiles(file);
      await page.locator('#ingest-start:not([disabled])').click();
      await page.locator('#ingest-stage[data-state="done"], #ingest-stage[data-state="rejected"], #ingest-stage[data-state="failed"], #ingest-stage[data-state="error"]').waitFor({ timeout: 60000 });
      return page.locator('#ingest-stage').getAttribute('data-state');
    };
    try {
      await loginUI(page, 'huyen', server.accounts.huyen.password);
      assert.equal(await send(csv(rows)), 'done', await page.locator('#ingest-result').innerText());
      assert.match(await page.locator('#ingest-done').innerText(), /Đã nhận 3 lượt check-in mới/);
      await shot(page, `ingest-done-${vp.name}`);
      assert.equal(await send(csv(rows)), 'done');
      assert.match(await page.locator('#ingest-done').innerText(), /Đã nhận 0 lượt check-in mới/);
      assert.match(await page.locator('#ingest-skipped').innerText(), /3 dòng đã được nhận từ trước/);
      const state = await send(csv([`ui-${tag}-9,${market},${people[0].id_number},${at(5)},`, `ui-${tag}-10,khong-co,${people[0].id_number},ngày mai,`]));
      assert.equal(state, 'rejected');
      assert.match(await page.locator('#ingest-nothing').innerText(), /Không có dòng nào được nhận/);
      const cells = await page.locator('#ingest-errors tbody tr').allInnerTexts();
      assert.ok(cells.some((c) => /3/.test(c) && /venue/.test(c)), cells.join('\n'));
      assert.ok(cells.some((c) => /3/.test(c) && /in_at/.test(c)), cells.join('\n'));
      assert.ok(await overflowX(page) <= 0, 'no sideways scrolling');
      await shot(page, `ingest-rejected-${vp.name}`);
      // The valid row of the rejected file was not stored: sent alone, it is new.
      assert.equal(await send(csv([`ui-${tag}-9,${market},${people[0].id_number},${at(5)},`])), 'done');
      assert.match(await page.locator('#ingest-done').innerText(), /Đã nhận 1 lượt check-in mới/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
