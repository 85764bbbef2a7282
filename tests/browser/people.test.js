// tests/browser/people.test.js: the people list on a desktop and a phone: first page renders quickly,
// typing "nguyen" finds "Nguyễn" (debounced search, total count), keyset paging, cards on a phone,
// and opening a person's record and household.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, call } from '../lib/server.js';
import { launch, openPage, loginUI, shot, settled, overflowX, fold, VIEWPORTS, stopServer } from './harness.js';

let server;
let browser;
let allTotal;

before(async () => {
  server = await startServer({ demo: true, seed: 1 });
  browser = await launch();
  const s = await login(server.url, 'admin', server.accounts.admin.password);
  allTotal = (await call(server.url, s, 'GET', '/api/people?limit=1')).body.total;
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

const ready = (page, q) => page.locator(`#people-results[data-state="ready"][data-q="${q}"]`).waitFor();

for (const vp of VIEWPORTS) {
  test(`people list: first page, search "nguyen" finds "Nguyễn", paging (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      await loginUI(page, 'admin', server.accounts.admin.password);
      // A full page load of #/people (signed in): modules, /api/me, then one page of /api/people.
      await page.goto('about:blank');
      await page.goto('/#/people');
      await ready(page, '');
      const firstMs = await page.evaluate(() => {
        const m = performance.getEntriesByName('people:first-render')[0];
        return m ? Math.round(m.startTime) : null;
      });
      console.log(`# people list first render (${vp.name}, ${allTotal} people): ${firstMs} ms from navigation start`);
      assert.ok(firstMs !== null && firstMs < 5000, `first page within 5 s (took ${firstMs} ms)`);
      const rows = page.locator('#people-table tbody tr');
      assert.ok(allTotal > 50, 'the demo has more than one page of people');
      assert.equal(await rows.count(), 50, 'one page of 50 rows, not everything');
      assert.equal(Number(await page.locator('#people-total').getAttribute('data-total')), allTotal);
      assert.ok(await overflowX(page) <= 0, 'no sideways scrolling');
      await shot(page, `people-list-${vp.name}`);

      // Type "nguyen" (no diacritics): every row has a name word starting with "nguyen", and "Nguyễn" is there.
      await page.locator('#people-search').click();
      await page.locator('#people-search').pressSequentially('nguyen', { delay: 40 });
      await ready(page, 'nguyen');
      assert.match(page.url(), /#\/people\?q=nguyen/);
      const names = await page.locator('#people-table tbody .person-link').allInnerTexts();
      assert.ok(names.length > 0, 'results');
      for (const n of names) assert.ok(fold(n).split(/\s+/).some((w) => w.startsWith('nguyen')), `${n} matches "nguyen"`);
      assert.ok(names.some((n) => n.includes('Nguyễn')), 'finds "Nguyễn" with diacritics');
      const nguyenTotal = Number(await page.locator('#people-total').getAttribute('data-total'));
      assert.ok(nguyenTotal > 0 && nguyenTotal < allTotal, `total narrowed (${nguyenTotal} of ${allTotal})`);
      assert.match(await page.locator('#people-total').innerText(), /Tìm thấy .* người/);
      await shot(page, `people-search-nguyen-${vp.name}`);

      // On a phone each row is a card (cells stacked, labelled), on a desktop a table row.
      const display = await page.locator('#people-table tbody tr').first().evaluate((tr) => getComputedStyle(tr).display);
      assert.equal(display, vp.isMobile ? 'block' : 'table-row');

      // Keyset paging: the next page holds other people, and the previous one comes back.
      if (nguyenTotal > 50) {
        const firstIds = await page.locator('#people-table tbody .person-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        await page.locator('[data-pager="next"]').first().click();
        await page.locator('.pager-label', { hasText: 'Trang 2' }).first().waitFor();
        await ready(page, 'nguyen');
        const secondIds = await page.locator('#people-table tbody .person-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        assert.ok(secondIds.length > 0 && secondIds.every((id) => !firstIds.includes(id)), 'page 2 has other people');
        assert.equal(Number(await page.locator('#people-total').getAttribute('data-total')), nguyenTotal, 'total kept on page 2');
        await page.locator('[data-pager="prev"]').first().click();
        await page.locator('.pager-label', { hasText: 'Trang 1' }).first().waitFor();
      }

      // Clear the search: back to everyone.
      await page.locator('#people-search').fill('');
      await ready(page, '');
      assert.equal(Number(await page.locator('#people-total').getAttribute('data-total')), allTotal);

      // A search that finds nobody says so.
      await page.locator('#people-search').fill('zzzzqqq');
      await ready(page, 'zzzzqqq');
      assert.equal(await page.locator('#people-table').count(), 0);
      assert.match(await page.locator('#people-results').innerText(), /Không tìm thấy/);

      // Open a record from the search.
      await page.locator('#people-search').fill('nguyen');
      await ready(page, 'nguyen');
      const first = page.locator('#people-table tbody .person-link').first();
      const name = await first.innerText();
      await first.click();
      await page.locator('#person-detail').waitFor();
      assert.equal(await page.locator('#main h1').innerText(), name);
      await settled(page);
      assert.ok(await overflowX(page) <= 0, 'record fits');
      await shot(page, `person-detail-${vp.name}`);
      const hh = page.locator('#person-household');
      if (await hh.count()) {
        await hh.click();
        await page.locator('#members-table').waitFor();
        assert.ok(await page.locator('#members-table .member-row').count() >= 1);
        assert.ok((await page.locator('#members-table').innerText()).includes(name), 'the person is a member');
        await shot(page, `household-${vp.name}`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}

test('unit filter narrows the people list (desktop)', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    await loginUI(page, 'huyen', server.accounts.huyen.password);
    await page.goto('/#/people');
    await ready(page, '');
    const total = Number(await page.locator('#people-total').getAttribute('data-total'));
    await page.locator('.filters summary').click();
    const commune = page.locator('#people-unit-3');
    await page.waitForFunction(() => document.querySelector('#people-unit-3').options.length > 1);
    const code = await commune.evaluate((s) => s.options[1].value);
    await commune.selectOption(code);
    await page.locator(`#people-results[data-state="ready"][data-unit="${code}"]`).waitFor();
    const narrowed = Number(await page.locator('#people-total').getAttribute('data-total'));
    assert.ok(narrowed > 0 && narrowed < total, `commune filter narrows (${narrowed} of ${total})`);
    assert.match(page.url(), new RegExp(`unit=${code}`));
    await shot(page, 'people-unit-filter-desktop');
    // The export links follow the search and the filter.
    await page.locator('#people-search').fill('nguyen');
    await page.locator(`#people-results[data-state="ready"][data-q="nguyen"][data-unit="${code}"]`).waitFor();
    const csvHref = await page.locator('#export-csv').getAttribute('href');
    assert.match(csvHref, new RegExp(`^/api/exports/people\\.csv\\?q=nguyen&unit=${code}$`));
    const csv = await page.request.get(csvHref);
    assert.equal(csv.status(), 200);
    const text = await csv.text();
    assert.match(text, /Nguyễn/);
    const lines = text.trim().split(/\r?\n/).length - 1;
    const shown = Number(await page.locator('#people-total').getAttribute('data-total'));
    assert.equal(lines, shown, 'the CSV holds the people found');
    assert.match(await page.locator('#export-xlsx').getAttribute('href'), /^\/api\/exports\/people\.xlsx\?q=nguyen&unit=/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
