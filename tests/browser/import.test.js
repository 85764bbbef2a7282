// tests/browser/import.test.js: the import wizard on a desktop and a phone. A CSV with one bad row is
// rejected as a whole: the error table names the line and the column, the page says nothing was
// imported, and the people total is unchanged. A clean CSV is imported and its people can be found.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, call } from '../lib/server.js';
import { launch, openPage, loginUI, shot, overflowX, VIEWPORTS, stopServer } from './harness.js';

let server;
let browser;
let api;

before(async () => {
  server = await startServer({ demo: true, seed: 1 });
  browser = await launch();
  api = await login(server.url, 'xa', server.accounts.xa.password);
  assert.equal(api.status, 200);
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

const total = async (q = '') => (await call(server.url, api, 'GET', `/api/people?limit=1&q=${encodeURIComponent(q)}`)).body.total;

function csvFile(name, rows) {
  const text = ['full_name,birth_date,phone,address', ...rows].join('\r\n') + '\r\n';
  return { name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') };
}

async function startImport(page, file) {
  await page.goto('/#/import');
  await page.locator('#import-form').waitFor();
  // The commune user's default commune is fixed to their own.
  await page.waitForFunction(() => document.querySelector('#import-unit-3').value !== '');
  await page.locator('#import-file').setInputFiles(file);
  await page.locator('#import-start:not([disabled])').waitFor();
  await page.locator('#import-start').click();
  await page.locator('#import-stage[data-state="done"], #import-stage[data-state="rejected"], #import-stage[data-state="failed"], #import-stage[data-state="error"]').waitFor({ timeout: 60000 });
  return page.locator('#import-stage').getAttribute('data-state');
}

for (const vp of VIEWPORTS) {
  test(`import with one bad row: rejected with line and column, nothing imported (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      const before = await total();
      await loginUI(page, 'xa', server.accounts.xa.password);
      await page.goto('/#/import');
      await page.locator('#import-form').waitFor();
      await shot(page, `import-form-${vp.name}`);
      const state = await startImport(page, csvFile('loi-mot-dong.csv', [
        'Lò Văn Thửnghiệm,12/03/1985,0912345670,Thôn Nà Cà',
        'Hoàng Thị Thửnghiệm,1990,0987654320,Thôn Nà Cà',
        'Nông Văn Thửnghiệm,31/02/1990,0911222330,Thôn Nà Cà',
      ]));
      assert.equal(state, 'rejected');
      // Both bars finished; the result names line 4 (header is line 1) and the birth date column.
      assert.equal(await page.locator('#upload-progress').getAttribute('aria-valuenow'), '100');
      const rows = await page.locator('#import-errors tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.innerText.trim())));
      assert.ok(rows.length >= 1, 'rejected rows listed');
      const bad = rows.find((r) => r[0] === '4');
      assert.ok(bad, `line 4 reported, got ${JSON.stringify(rows)}`);
      assert.match(bad[1], /Ngày sinh|birth_date/, 'column named');
      assert.ok(bad[2].length > 3, 'error message shown');
      assert.ok(rows.every((r) => r[0] === '4'), 'only the bad line is reported');
      assert.match(await page.locator('#import-nothing').innerText(), /Không có dòng nào được nhập/);
      const headers = await page.locator('#import-errors thead th').allInnerTexts();
      assert.deepEqual(headers.map((x) => x.trim()), ['Dòng', 'Cột', 'Lỗi']);
      assert.ok(await overflowX(page) <= 0, 'fits the viewport');
      await shot(page, `import-rejected-${vp.name}`);

      // Nothing was written: the total is the same, in the API and on the people page.
      assert.equal(await total(), before);
      assert.equal(await total('thunghiem'), 0);
      await page.goto('/#/people');
      await page.locator('#people-results[data-state="ready"]').waitFor();
      assert.equal(Number(await page.locator('#people-total').getAttribute('data-total')), before);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`import of a clean file: rows imported and searchable (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      const before = await total();
      const tag = vp.name === 'desktop' ? 'Bàn' : 'Điện';
      await loginUI(page, 'xa', server.accounts.xa.password);
      const state = await startImport(page, csvFile('sach.csv', [
        `Lò Văn Nhập ${tag},12/03/1985,,Thôn Nà Cà`,
        `Hoàng Thị Nhập ${tag},1990,,Thôn Nà Cà`,
      ]));
      assert.equal(state, 'done', await page.locator('#import-result').innerText());
      assert.match(await page.locator('#import-result').innerText(), /Đã nhập thành công 2 dòng/);
      await shot(page, `import-done-${vp.name}`);
      assert.equal(await total(), before + 2);
      await page.goto(`/#/people?q=${encodeURIComponent('nhap ' + tag)}`);
      await page.locator('#people-results[data-state="ready"]').waitFor();
      assert.equal(await page.locator('#people-table tbody tr').count(), 2);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
