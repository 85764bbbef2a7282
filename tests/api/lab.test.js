// tests/api/lab.test.js: testing (/api/lab/...) over HTTP on the shared fixture world (a commune account
// of 01834, a district account of 058, people in 01834, in 01837 and in Hà Nội): who may use which endpoint
// (401, 403 for team and viewer), a commune never seeing or touching another commune's samples, pools or
// campaigns (404 like a missing record), results, pools (negative clears members; positive blocks them and
// raises re-tests), the pool-size advisor checked against an independent Dorfman computation and capped by
// the setting, the all-or-nothing result import naming line and field, F0 proposals confirmed through the
// cases API, and a campaign's coverage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, run } from '../lib/server.js';
import { buildWorld, expectStatus, stopClean, MISSING_ID, UNIT } from '../lib/fixture.js';

// Today in Viet Nam (UTC+7) as YYYY-MM-DD: the day samples are taken on.
const localDay = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);

let world;
let api;
let people;

before(async () => {
  world = await buildWorld();
  api = world.api;
  people = world.people;
});

after(async () => { if (world) await stopClean(world.srv); });

async function take(who, person, extra = {}) {
  return expectStatus(await api[who]('POST', '/api/lab/samples', { person_id: person.id, kind: 'pcr',
    reason: 'screening', ...extra }), 201, `${who} takes a sample of ${person.full_name}`).sample;
}

// Dorfman's expected tests per person, computed independently of the server (binomial sum).
function dorfman(k, p) {
  if (k === 1) return 1;
  let positive = 0;
  let choose = 1;
  for (let j = 1; j <= k; j++) {
    choose = (choose * (k - j + 1)) / j;
    positive += choose * p ** j * (1 - p) ** (k - j);
  }
  return 1 / k + positive;
}

test('401 without a session; team and viewer accounts get 403 everywhere', async () => {
  const endpoints = [
    ['GET', '/api/lab/samples'], ['POST', '/api/lab/samples'], ['GET', '/api/lab/samples/1'],
    ['POST', '/api/lab/samples/1/result'], ['GET', '/api/lab/pool-size?prevalence=0.05'],
    ['GET', '/api/lab/pools'], ['POST', '/api/lab/pools'], ['GET', '/api/lab/pools/1'],
    ['POST', '/api/lab/pools/1/result'], ['GET', '/api/lab/retests'], ['GET', '/api/lab/proposals'],
    ['POST', '/api/lab/proposals/1/confirm'], ['POST', '/api/lab/proposals/1/dismiss'],
    ['GET', '/api/lab/campaigns'], ['POST', '/api/lab/campaigns'], ['GET', '/api/lab/campaigns/1'],
    ['GET', '/api/lab/settings'], ['PUT', '/api/lab/settings'],
  ];
  for (const [m, p] of endpoints) {
    const r = await call(world.url, null, m, p, m === 'GET' ? undefined : {});
    assert.equal(r.status, 401, `${m} ${p} without a session`);
    for (const who of ['team', 'viewer']) {
      const d = await api[who](m, p, m === 'GET' ? undefined : {});
      assert.equal(d.status, 403, `${who} ${m} ${p}: ${d.text.slice(0, 200)}`);
      assert.equal(d.body.error, 'denied');
    }
  }
  const up = await call(world.url, null, 'POST', '/api/lab/imports', 'a,b\n', { 'Content-Type': 'text/csv' });
  assert.equal(up.status, 401);
  const denied = await api.team('POST', '/api/lab/imports', 'a,b\n', { 'Content-Type': 'text/csv' });
  assert.equal(denied.status, 403);
});

test('samples: taking, validation by field, and a commune kept to its own samples', async () => {
  const mine = await take('commune', people.in.head, { sampled_on: '' });
  assert.equal(mine.unit_code, UNIT.in);
  assert.equal(mine.result, 'pending');
  assert.match(mine.label, /^S\d{7}$/);
  const bad = await api.commune('POST', '/api/lab/samples', { person_id: people.in.member.id, kind: 'elisa',
    reason: 'why', sampled_on: '31/02/2021' });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.errors.map((e) => e.field).sort(), ['kind', 'reason', 'sampled_on']);
  // Another commune's person: 404 naming person_id, nothing written.
  const before = expectStatus(await api.admin('GET', '/api/lab/samples?limit=1000'), 200, 'admin list').items.length;
  const out = await api.commune('POST', '/api/lab/samples', { person_id: people.dist.head.id, kind: 'pcr', reason: 'screening' });
  assert.equal(out.status, 404);
  assert.equal(out.body.field, 'person_id');
  assert.equal(expectStatus(await api.admin('GET', '/api/lab/samples?limit=1000'), 200, 'admin list').items.length, before);
  // A sample of 01837 reads, and answers writes, exactly like a missing one.
  const theirs = await take('admin', people.dist.head);
  const r = await api.commune('GET', `/api/lab/samples/${theirs.id}`);
  const missing = await api.commune('GET', `/api/lab/samples/${MISSING_ID}`);
  assert.equal(r.status, 404);
  assert.equal(r.text, missing.text);
  const w = await api.commune('POST', `/api/lab/samples/${theirs.id}/result`, { result: 'positive' });
  assert.equal(w.status, 404);
  assert.equal(expectStatus(await api.admin('GET', `/api/lab/samples/${theirs.id}`), 200, 'admin').sample.result, 'pending');
  // Lists: the commune sees 01834 only; the district both.
  const list = expectStatus(await api.commune('GET', '/api/lab/samples?limit=1000'), 200, 'commune list').items;
  assert.ok(list.some((s) => s.id === mine.id));
  assert.ok(list.every((s) => s.unit_code === UNIT.in), 'only 01834 in the commune list');
  const dist = expectStatus(await api.district('GET', '/api/lab/samples?limit=1000'), 200, 'district list').items;
  assert.ok(dist.some((s) => s.id === theirs.id) && dist.some((s) => s.id === mine.id));
  // A result, then a different one conflicts.
  const res = expectStatus(await api.commune('POST', `/api/lab/samples/${mine.id}/result`, { result: 'negative' }), 200, 'result');
  assert.equal(res.sample.result, 'negative');
  const again = await api.commune('POST', `/api/lab/samples/${mine.id}/result`, { result: 'positive' });
  assert.equal(again.status, 409);
  const junk = await api.commune('POST', `/api/lab/samples/${mine.id}/result`, { result: 'maybe' });
  assert.equal(junk.status, 400);
  assert.equal(junk.body.field, 'result');
});

test('pool-size advisor: Dorfman optimum, checked independently, capped by the configured maximum', async () => {
  for (const p of [0.02, 0.05, 0.1, 0.2]) {
    const r = expectStatus(await api.commune('GET', `/api/lab/pool-size?prevalence=${p}`), 200, `p=${p}`);
    let best = 1;
    for (let k = 2; k <= 10; k++) if (dorfman(k, p) < dorfman(best, p) - 1e-12) best = k;
    assert.equal(r.pool_size, best, `p=${p}`);
    assert.ok(Math.abs(r.tests_per_person - dorfman(best, p)) < 1e-6);
  }
  const five = expectStatus(await api.commune('GET', '/api/lab/pool-size?prevalence=0.05'), 200, '5%');
  assert.equal(five.pool_size, 5); // published: Dorfman 1943
  assert.ok(Math.abs(five.tests_per_person - 0.4262) < 0.0001);
  const one = expectStatus(await api.commune('GET', '/api/lab/pool-size?prevalence=0.01'), 200, '1%');
  assert.equal(one.pool_size, 10, 'capped to the default maximum of 10 (the optimum is 11)');
  assert.equal((await api.commune('GET', '/api/lab/pool-size?prevalence=1.5')).body.field, 'prevalence');
  // The setting: 1..20, not by a commune.
  assert.equal((await api.commune('PUT', '/api/lab/settings', { pool_max: 20 })).status, 403);
  const over = await api.district('PUT', '/api/lab/settings', { pool_max: 21 });
  assert.equal(over.status, 400);
  assert.equal(over.body.field, 'pool_max');
  expectStatus(await api.district('PUT', '/api/lab/settings', { pool_max: 20 }), 200, 'set 20');
  assert.equal(expectStatus(await api.commune('GET', '/api/lab/pool-size?prevalence=0.01'), 200, '1%').pool_size, 11);
  expectStatus(await api.district('PUT', '/api/lab/settings', { pool_max: 10 }), 200, 'back to 10');
});

test('pools: negative clears members, positive blocks them and raises re-tests; size and scope enforced', async () => {
  const trio = [people.in.head, people.in.member, people.in.dweller];
  const neg = [];
  const pos = [];
  for (const p of trio) neg.push((await take('commune', p)).id);
  for (const p of trio) pos.push((await take('commune', p)).id);
  const a = expectStatus(await api.commune('POST', '/api/lab/pools', { sample_ids: neg }), 201, 'pool a');
  assert.equal(a.pool.size, 3);
  assert.match(a.qr_svg, /^<svg/);
  assert.equal(a.members.length, 3);
  const b = expectStatus(await api.commune('POST', '/api/lab/pools', { sample_ids: pos }), 201, 'pool b');
  // Too large: 11 samples with the default maximum of 10.
  const many = [];
  for (let i = 0; i < 11; i++) many.push((await take('commune', trio[i % 3])).id);
  const big = await api.commune('POST', '/api/lab/pools', { sample_ids: many });
  assert.equal(big.status, 400);
  assert.equal(big.body.field, 'sample_ids');
  // Results.
  const ra = expectStatus(await api.commune('POST', `/api/lab/pools/${a.pool.id}/result`, { result: 'negative' }), 200, 'neg');
  assert.deepEqual(ra.members.map((m) => m.result), ['negative', 'negative', 'negative']);
  const rb = expectStatus(await api.commune('POST', `/api/lab/pools/${b.pool.id}/result`, { result: 'positive' }), 200, 'pos');
  assert.deepEqual(rb.members.map((m) => m.result), ['pending', 'pending', 'pending']);
  assert.ok(rb.members.every((m) => m.pool_blocked));
  const blocked = await api.commune('POST', `/api/lab/samples/${pos[0]}/result`, { result: 'negative' });
  assert.equal(blocked.status, 400, 'a negative cannot be entered for a member of a positive pool');
  const retests = expectStatus(await api.commune('GET', '/api/lab/retests'), 200, 'retests').items.filter((t) => t.pool_id === b.pool.id);
  assert.deepEqual(retests.map((t) => t.person_id).sort(), trio.map((p) => p.id).sort());
  const t0 = retests[0];
  const re = expectStatus(await api.commune('POST', '/api/lab/samples', { person_id: t0.person_id, kind: 'pcr', retest_id: t0.id }), 201, 'retest');
  assert.equal(re.sample.reason, 'retest');
  const open = expectStatus(await api.commune('GET', '/api/lab/retests'), 200, 'retests').items.filter((t) => t.pool_id === b.pool.id);
  assert.equal(open.length, 2);
  // A pool of another commune: 404.
  const theirs = await take('admin', people.dist.member);
  const pc = expectStatus(await api.admin('POST', '/api/lab/pools', { sample_ids: [theirs.id] }), 201, 'their pool');
  assert.equal((await api.commune('GET', `/api/lab/pools/${pc.pool.id}`)).status, 404);
  assert.equal((await api.commune('POST', `/api/lab/pools/${pc.pool.id}/result`, { result: 'negative' })).status, 404);
  assert.ok(!expectStatus(await api.commune('GET', '/api/lab/pools'), 200, 'pools').items.some((p) => p.id === pc.pool.id));
  // Pools for a list of people.
  const made = expectStatus(await api.commune('POST', '/api/lab/pools', { person_ids: trio.map((p) => p.id), size: 2 }), 201, 'for people');
  assert.deepEqual(made.pools.map((p) => p.size), [2, 1]);
});

test('import: one bad row names line and field and nothing is saved; then the good file', async () => {
  const s1 = await take('commune', people.in.head);
  const s2 = await take('commune', people.in.member);
  const theirs = await take('admin', people.dist.dweller);
  const bad = `Mã mẫu,Kết quả,Ngày trả kết quả\n${s1.label},Âm tính,${localDay()}\n`
    + `${s2.label},Chưa rõ,\n${theirs.label},Dương tính,\n`;
  const r = await api.commune('POST', '/api/lab/imports?format=csv', bad, { 'Content-Type': 'text/csv' });
  assert.equal(r.status, 400, r.text);
  assert.deepEqual(r.body.errors.map((e) => [e.line, e.field]), [[3, 'result'], [4, 'label']]);
  assert.equal(expectStatus(await api.commune('GET', `/api/lab/samples/${s1.id}`), 200, 's1').sample.result, 'pending');
  const good = `Mã mẫu;Kết quả\n${s1.label};Âm tính\n${s2.label};Dương tính\n`;
  const ok = expectStatus(await api.commune('POST', '/api/lab/imports', good, { 'Content-Type': 'text/csv' }), 200, 'good');
  assert.equal(ok.report.samples, 2);
  assert.equal(expectStatus(await api.commune('GET', `/api/lab/samples/${s1.id}`), 200, 's1').sample.result, 'negative');
  assert.equal(expectStatus(await api.commune('GET', `/api/lab/samples/${s2.id}`), 200, 's2').sample.result, 'positive');
  assert.equal(expectStatus(await api.admin('GET', `/api/lab/samples/${theirs.id}`), 200, 'theirs').sample.result, 'pending');
});

test('F0 proposals: a positive result proposes its basis; confirming makes a case, dismissing needs a reason', async () => {
  const pcr = await take('commune', people.in.dweller, { reason: 'symptoms' });
  expectStatus(await api.commune('POST', `/api/lab/samples/${pcr.id}/result`, { result: 'positive' }), 200, 'positive');
  const ag = await take('commune', people.in.head, { kind: 'antigen' });
  expectStatus(await api.commune('POST', `/api/lab/samples/${ag.id}/result`, { result: 'positive' }), 200, 'positive');
  const theirs = await take('admin', people.dist.head);
  expectStatus(await api.admin('POST', `/api/lab/samples/${theirs.id}/result`, { result: 'positive' }), 200, 'positive');
  const list = expectStatus(await api.commune('GET', '/api/lab/proposals'), 200, 'proposals').items;
  const p = list.find((x) => x.sample.id === pcr.id);
  assert.ok(p, 'the PCR positive is proposed');
  assert.equal(p.basis, 'pcr');
  assert.ok(p.rule.length > 0);
  assert.ok(!list.some((x) => x.sample.id === theirs.id), 'another commune\'s positive is not listed');
  const q = list.find((x) => x.sample.id === ag.id);
  if (q.basis === null) assert.equal(q.needs, 'pcr');
  assert.equal((await api.commune('POST', `/api/lab/proposals/${theirs.id}/confirm`, {})).status, 404);
  const made = expectStatus(await api.commune('POST', `/api/lab/proposals/${pcr.id}/confirm`, {}), 201, 'confirm');
  assert.equal(made.case.person_id, people.in.dweller.id);
  assert.equal(made.case.basis, 'pcr');
  assert.equal(made.case.sample_date, pcr.sampled_on);
  const c = expectStatus(await api.commune('GET', `/api/cases/${made.case.id}`), 200, 'the case').case;
  assert.equal(c.status, 'active');
  assert.equal(expectStatus(await api.commune('GET', `/api/lab/samples/${pcr.id}`), 200, 'sample').sample.case_id, made.case.id);
  const after1 = expectStatus(await api.commune('GET', '/api/lab/proposals'), 200, 'proposals').items;
  assert.ok(!after1.some((x) => x.sample.id === pcr.id));
  const noReason = await api.commune('POST', `/api/lab/proposals/${ag.id}/dismiss`, { note: '' });
  assert.equal(noReason.status, 400);
  assert.equal(noReason.body.field, 'note');
  expectStatus(await api.commune('POST', `/api/lab/proposals/${ag.id}/dismiss`, { note: 'Đã làm RT-PCR âm tính' }), 200, 'dismiss');
  assert.ok(!expectStatus(await api.commune('GET', '/api/lab/proposals'), 200, 'proposals').items.some((x) => x.sample.id === ag.id));
});

test('campaigns: residents of a commune are due, coverage counts samples, scope enforced', async () => {
  const total = expectStatus(await api.commune('GET', `/api/people?unit=${UNIT.in}&limit=1`), 200, 'people').total;
  const c = expectStatus(await api.commune('POST', '/api/lab/campaigns', { name: 'Sàng lọc toàn phường', target: 'area',
    target_unit: UNIT.in, kind: 'antigen' }), 201, 'campaign');
  assert.equal(c.campaign.due, total);
  assert.equal(c.campaign.sampled, 0);
  assert.equal(c.due.length, total);
  await take('commune', people.in.member, { kind: 'antigen', campaign_id: c.campaign.id });
  const got = expectStatus(await api.commune('GET', `/api/lab/campaigns/${c.campaign.id}`), 200, 'campaign').campaign;
  assert.equal(got.sampled, 1);
  const other = await api.commune('POST', '/api/lab/campaigns', { name: 'Bên', target: 'area', target_unit: UNIT.dist });
  assert.equal(other.status, 400);
  assert.equal(other.body.field, 'target_unit');
  const theirs = expectStatus(await api.district('POST', '/api/lab/campaigns', { name: 'Sông Cầu', target: 'area',
    target_unit: UNIT.dist }), 201, 'district campaign');
  assert.equal((await api.commune('GET', `/api/lab/campaigns/${theirs.campaign.id}`)).status, 404);
  const mine = expectStatus(await api.commune('GET', '/api/lab/campaigns'), 200, 'list').items.map((x) => x.id);
  assert.ok(mine.includes(c.campaign.id) && !mine.includes(theirs.campaign.id));
});

test('CLI: lab pool-size prints the contract JSON; lab import is all or nothing', async () => {
  for (const [p, k] of [[0.02, 8], [0.05, 5], [0.1, 4], [0.5, 1]]) {
    const r = await run(['lab', 'pool-size', '--prevalence', String(p), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(j).sort(), ['pool_size', 'tests_per_person']);
    assert.equal(j.pool_size, k, `p=${p}`);
    assert.ok(Math.abs(j.tests_per_person - dorfman(k, p)) < 1e-5);
  }
  const capped = JSON.parse((await run(['lab', 'pool-size', '--prevalence', '0.01', '--max', '20', '--json'])).stdout);
  assert.equal(capped.pool_size, 11);
  assert.ok(Math.abs(capped.tests_per_person - 0.1956) < 0.0001);
  assert.equal((await run(['lab', 'pool-size', '--prevalence', '2', '--json'])).code, 2);
});
