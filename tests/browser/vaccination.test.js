// tests/browser/vaccination.test.js: the vaccination pages over the demo database, as the commune official (xa):
// the coverage table, recording a dose for someone not yet vaccinated (then the coverage count of the commune
// goes up by one, checked against the API), the import of a file with one bad row (the row and column shown,
// nothing stored), and a viewer who sees the figures but not the personal tabs; on a desktop and a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startServer, login, call } from '../lib/server.js';
import { launch, openPage, loginUI, shot, overflowX, settled, VIEWPORTS, stopServer } from './harness.js';

let server;
let browser;
let xa;
let tmp;

const today = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);

before(async () => {
  server = await startServer({ demo: true, seed: 1 });
  browser = await launch();
  xa = await login(server.url, 'xa', server.accounts.xa.password);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'phongdich-vacc-ui-'));
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const apiOneDose = async () => (await call(server.url, xa, 'GET', '/api/vaccination/coverage?unit=01834')).body.total.bands.all.one_dose;
const unvaccinated = async (n) => (await call(server.url, xa, 'GET', `/api/vaccination/lists/unvaccinated?limit=${n}`)).body.items;

async function shownOneDose(page) {
  await page.goto('/#/vaccination?unit=01834');
  await page.locator('#cov-table').waitFor();
  await settled(page);
  const text = await page.locator('#cov-table tbody tr').last().locator('[data-count="one"]').innerText();
  return Number(text.replace(/\D/g, ''));
}

for (const vp of VIEWPORTS) {
  test(`record a dose and see it in coverage; import with a bad row (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      await loginUI(page, 'xa', server.accounts.xa.password);
      const before = await shownOneDose(page);
      assert.equal(before, await apiOneDose(), 'the table shows the API figure');
      assert.ok(await overflowX(page) <= 1 || vp.name === 'desktop', 'no sideways scroll on a phone');
      await shot(page, `vaccination-coverage-${vp.name}`);

      // Record a first dose for someone not yet vaccinated.
      const [person] = await unvaccinated(1);
      await page.goto(`/#/vaccination/record?person=${person.person_id}`);
      await page.locator('#dose-form').waitFor();
      assert.equal(await page.locator('#vacc-person-name').innerText(), person.full_name);
      // A date in the future is refused with the field's message.
      await page.locator('#dose-product').selectOption('PF');
      await page.locator('#dose-date').fill('2099-01-01');
      await page.locator('#dose-save').click();
      await page.locator('#dose-date-error:not([hidden])').waitFor();
      assert.match(await page.locator('#dose-date-error').innerText(), /sau hôm nay/);
      await page.locator('#dose-date').fill('2021-11-10');
      await page.locator('#dose-save').click();
      await page.locator('#vacc-doses tbody tr').first().waitFor();
      assert.equal(await page.locator('#vacc-doses tbody tr').count(), 1);
      assert.match(await page.locator('#vacc-next').innerText(), /mũi 2/);
      await shot(page, `vaccination-record-${vp.name}`);
      const after = await shownOneDose(page);
      assert.equal(after, before + 1, 'coverage counts the new dose');

      // Import: one good row, one bad (unknown vaccine): nothing stored, the bad row named.
      const [a, b] = (await unvaccinated(50)).filter((p) => p.phone).slice(0, 2);
      const csv = 'Họ và tên,Ngày sinh,Giới tính,CCCD/CMND,SĐT,Mũi tiêm,Tên vắc xin,Số lô,Ngày tiêm,Nơi tiêm\n'
        + `${a.full_name},,,,${a.phone},1,Vero Cell,VC9,01/10/2021,Trạm Y tế\n`
        + `${b.full_name},,,,${b.phone},1,Vắc xin Lạ,X1,01/10/2021,Trạm Y tế\n`;
      const file = path.join(tmp, `tiem-${vp.name}.csv`);
      await writeFile(file, csv);
      await page.goto('/#/vaccination/import');
      await page.locator('#vimport-file').setInputFiles(file);
      await page.locator('#vimport-go').click();
      await page.locator('#vimport-errors').waitFor();
      const rows = await page.locator('#vimport-errors tbody tr').allInnerTexts();
      assert.equal(rows.length, 1);
      assert.match(rows[0], /3/);
      assert.match(rows[0], /Tên vắc xin/);
      assert.match(await page.locator('#vimport-failed').innerText(), /Không có mũi tiêm nào được ghi/);
      const doses = (await call(server.url, xa, 'GET', `/api/vaccination/people/${a.person_id}`)).body.doses;
      assert.equal(doses.length, 0, 'the good row was not stored either');
      await shot(page, `vaccination-import-${vp.name}`);

      // The lists page shows the due list with its invitations.
      await page.goto(`/#/vaccination/lists?list=unvaccinated&date=${today()}`);
      await page.locator('#vl-table').waitFor();
      assert.ok(await page.locator('#vacc-invitations .vacc-invite').count() >= 1);
      assert.match(await page.locator('#vl-export').getAttribute('href'), /^\/api\/vaccination\/invitations\.xlsx\?list=unvaccinated/);
      // The refused dose and the refused import answer 400 on purpose; nothing else may fail.
      assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
      assert.equal(errors.length, 2);
    } finally {
      await context.close();
    }
  });
}

test('a viewer sees coverage but not the personal tabs', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    await loginUI(page, 'xem', server.accounts.xem.password);
    await page.goto('/#/vaccination');
    await page.locator('#cov-table').waitFor();
    assert.equal(await page.locator('.vacc-tabs a').count(), 1);
    const names = await page.locator('#cov-table tbody tr').count();
    assert.ok(names >= 9, 'eight communes and the total');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
