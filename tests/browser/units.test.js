// tests/browser/units.test.js: the unit tree on a desktop and a phone: lazy expansion province ->
// district -> commune -> thôn/tổ, the folded search ("bac kan" finds "Bắc Kạn"), and a commune
// official adding a thôn to their commune (the form is absent where the user may not add one).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.js';
import { launch, openPage, loginUI, shot, settled, overflowX, VIEWPORTS, stopServer } from './harness.js';

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
  test(`unit tree and search (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      await loginUI(page, 'xa', server.accounts.xa.password);
      await page.goto('/#/units');
      const province = page.locator('#units-tree > li[data-code="06"]');
      await province.waitFor();
      assert.ok(await page.locator('#units-tree > li').count() >= 60, 'all provinces listed');
      // Only the provinces are loaded until a node is opened.
      assert.equal(await page.locator('#units-tree li[data-level="2"]').count(), 0);
      await province.locator(':scope > .tree-row .tree-toggle').click();
      const district = province.locator('li[data-code="058"]');
      await district.waitFor();
      await district.locator(':scope > .tree-row .tree-toggle').click();
      const commune = district.locator('li[data-code="01834"]');
      await commune.waitFor();
      await commune.locator(':scope > .tree-row .tree-toggle').click();
      await commune.locator('li[data-level="4"]').first().waitFor();
      assert.ok(await commune.locator('li[data-level="4"]').count() >= 1, 'areas under the commune');
      assert.ok(await overflowX(page) <= 0, 'tree fits');
      await shot(page, `units-tree-${vp.name}`);
      // Collapse hides the children again.
      await province.locator(':scope > .tree-row .tree-toggle').click();
      assert.equal(await district.isVisible(), false);

      await page.locator('#units-search').fill('bac kan');
      await page.locator('#units-found[data-state="ready"][data-q="bac kan"]').waitFor();
      const found = await page.locator('#units-results li a').allInnerTexts();
      assert.ok(found.includes('Tỉnh Bắc Kạn'), `"bac kan" finds "Bắc Kạn": ${found.join(', ')}`);
      await shot(page, `units-search-${vp.name}`);
      await page.locator('#units-results li a', { hasText: 'Tỉnh Bắc Kạn' }).click();
      await page.locator('#main h1', { hasText: 'Tỉnh Bắc Kạn' }).waitFor();
      await settled(page);
      assert.equal(await page.locator('#area-form').count(), 0, 'no area form on a province');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`a commune official adds a thôn (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      await loginUI(page, 'xa', server.accounts.xa.password);
      await page.goto('/#/units/01834');
      await page.locator('#area-form').waitFor();
      const before = await page.locator('#unit-children > li').count();
      const name = `Thôn Thử ${vp.name === 'desktop' ? 'Một' : 'Hai'}`;
      await page.locator('#area-kind').selectOption('Thôn');
      await page.locator('#area-name').fill(name);
      await page.locator('#area-save').click();
      await page.locator('#unit-children > li', { hasText: name }).waitFor();
      assert.equal(await page.locator('#unit-children > li').count(), before + 1);
      await shot(page, `unit-area-added-${vp.name}`);
      // The new area is offered by the unit picker of the person form.
      await page.goto('/#/people/new');
      await page.waitForFunction((n) => [...document.querySelectorAll('#pf-unit-4 option')].some((o) => o.textContent.includes(n)), name);
      // Another commune of the district is outside this user's scope: no form there.
      await page.goto('/#/units/01837');
      await page.locator('#main h1').waitFor();
      await settled(page);
      assert.equal(await page.locator('#area-form').count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
