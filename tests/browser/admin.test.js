// tests/browser/admin.test.js: the admin pages on a desktop and a phone: creating an account on
// "Tài khoản" (and signing in with it), and "Nhật ký truy cập" recording a record being opened, with
// filters, paging and CSV/XLSX export links that download.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.js';
import { launch, openPage, loginUI, shot, overflowX, VIEWPORTS, stopServer } from './harness.js';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true, seed: 1 });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

for (const vp of VIEWPORTS) {
  test(`users page: list and create an account (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    const username = `canbo_${vp.name}`;
    try {
      await loginUI(page, 'admin', server.accounts.admin.password);
      await page.goto('/#/users');
      await page.locator('#users-table').waitFor();
      const names = await page.locator('#users-table .user-row td:first-child').allInnerTexts();
      for (const u of ['admin', 'tinh', 'huyen', 'xa', 'todoi', 'xem']) assert.ok(names.map((x) => x.trim()).includes(u), `lists ${u}`);
      await page.locator('#uf-username').fill(username);
      await page.locator('#uf-display_name').fill('Cán bộ Trạm y tế');
      await page.locator('#uf-password').fill('Mat-khau-rat-dai-2021');
      await page.locator('#uf-role').selectOption('team');
      await page.waitForFunction(() => document.querySelector('#uf-unit-1').options.length > 1);
      await page.locator('#uf-unit-1').selectOption('06');
      await page.waitForFunction(() => document.querySelector('#uf-unit-2').options.length > 1);
      await page.locator('#uf-unit-2').selectOption('058');
      await page.waitForFunction(() => document.querySelector('#uf-unit-3').options.length > 1);
      await page.locator('#uf-unit-3').selectOption('01834');
      await page.locator('#uf-save').click();
      await page.locator('#users-table .user-row', { hasText: username }).waitFor();
      assert.match(await page.locator('#users-table .user-row', { hasText: username }).innerText(), /Tổ COVID cộng đồng/);
      assert.ok(await overflowX(page) <= 0);
      await shot(page, `users-created-${vp.name}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
    // The new account signs in and sees its role.
    const s = await openPage(browser, vp, server.url);
    try {
      await loginUI(s.page, username, 'Mat-khau-rat-dai-2021');
      assert.match(await s.page.locator('#main .lead').innerText(), /Tổ COVID cộng đồng/);
    } finally {
      await s.context.close();
    }
  });

  test(`audit log: a record opened is logged; filters and exports (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      await loginUI(page, 'admin', server.accounts.admin.password);
      await page.goto('/#/people');
      await page.locator('#people-results[data-state="ready"]').waitFor();
      const link = page.locator('#people-table .person-link').nth(3);
      const href = await link.getAttribute('href');
      const id = href.split('/').pop();
      await link.click();
      await page.locator('#person-detail').waitFor();

      await page.goto('/#/audit');
      await page.locator('#audit-results[data-state="ready"]').waitFor();
      await page.locator('#af-action').selectOption('read');
      await page.locator('#af-entity').selectOption('person');
      await page.locator('#af-entity_id').fill(id);
      await page.locator('#audit-filters button[type="submit"]').click();
      await page.waitForFunction(() => location.hash.includes('action=read'));
      await page.locator('#audit-results[data-state="ready"]').waitFor();
      const rows = await page.locator('#audit-table .audit-row').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.innerText.trim())));
      assert.ok(rows.length >= 1, 'the read is in the log');
      for (const r of rows) {
        assert.equal(r[2], 'Xem');
        assert.equal(r[3], 'Nhân khẩu');
        assert.equal(r[4], id);
      }
      assert.ok(rows.some((r) => r[1] === 'admin'));
      await shot(page, `audit-filtered-${vp.name}`);

      // Export links carry the filters and download files.
      const csvHref = await page.locator('#audit-csv').getAttribute('href');
      assert.match(csvHref, /^\/api\/audit\.csv\?.*action=read/);
      const csv = await page.request.get(csvHref);
      assert.equal(csv.status(), 200);
      assert.match(csv.headers()['content-type'] || '', /csv/);
      const xlsx = await page.request.get(await page.locator('#audit-xlsx').getAttribute('href'));
      assert.equal(xlsx.status(), 200);
      assert.equal((await xlsx.body()).subarray(0, 2).toString('latin1'), 'PK', 'an XLSX (zip) file');

      // Without filters there is more than one page: the next page has older entries.
      await page.locator('#audit-filters button[type="reset"]').click();
      await page.waitForFunction(() => !location.hash.includes('action='));
      await page.locator('#audit-results[data-state="ready"]').waitFor();
      const next = page.locator('#audit-results [data-pager="next"]').first();
      if (await next.isEnabled()) {
        const firstTime = await page.locator('#audit-table .audit-row td').first().innerText();
        await next.click();
        await page.locator('.pager-label', { hasText: 'Trang 2' }).first().waitFor();
        await page.locator('#audit-results[data-state="ready"]').waitFor();
        assert.ok(await page.locator('#audit-table .audit-row').count() > 0);
        assert.ok(firstTime.length > 0);
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
