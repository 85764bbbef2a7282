// tests/api/households.test.js: rules of households beyond the authorization matrix. A household with
// members cannot move to another commune until they have moved (409 naming unit_code, nothing changed);
// listing households shows the head's name without writing a "read" of the head's record to the audit
// log (only opening a person's record is such a read); /api/me answers the account's display name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildWorld, UNIT, PASSWORD, expectStatus, mustLogin, bind, stopClean } from '../lib/fixture.js';

let W;
let a; // admin api()

before(async () => {
  W = await buildWorld();
  a = W.api.admin;
});
after(async () => { if (W) await stopClean(W.srv); });

test('a household with members cannot move to another commune until they have moved', async () => {
  const member = W.people.in.dweller;
  const hh = expectStatus(await a('POST', '/api/households', { unit_code: UNIT.in, address: 'Hộ sắp chuyển' }),
    201, 'create household').household;
  expectStatus(await a('POST', `/api/households/${hh.id}/members`, { person_id: member.id, relation: 'Chủ hộ' }),
    200, 'add member');
  const before = expectStatus(await a('GET', `/api/households/${hh.id}`), 200, 'read').household;

  const res = await a('PUT', `/api/households/${hh.id}`, { unit_code: UNIT.dist, address: 'Hộ đã chuyển' });
  assert.equal(res.status, 409, JSON.stringify(res.body));
  assert.equal(res.body.field, 'unit_code');
  assert.match(res.body.message, /nhân khẩu/);
  const after = expectStatus(await a('GET', `/api/households/${hh.id}`), 200, 'read again').household;
  assert.deepEqual(after, before, 'the refused move changed nothing');

  expectStatus(await a('DELETE', `/api/households/${hh.id}/members/${member.id}`), 200, 'remove member');
  const moved = expectStatus(await a('PUT', `/api/households/${hh.id}`, { unit_code: UNIT.dist, address: 'Hộ đã chuyển' }),
    200, 'move the empty household').household;
  assert.equal(moved.unit_code, UNIT.dist);
});

test("listing households shows the head's name but audits no read of the head's record", async () => {
  const head = W.people.far.head;
  const readsOfHead = async () => expectStatus(
    await a('GET', `/api/audit?entity=person&action=read&entity_id=${head.id}&limit=500`), 200, 'audit').items.length;
  const list = expectStatus(await a('GET', `/api/households?unit=${UNIT.far}&limit=500`), 200, 'list').items;
  const row = list.find((h) => h.id === W.households.far.id);
  assert.ok(row, 'the fixture household is listed');
  assert.equal(row.head_name, head.full_name);
  const baseline = await readsOfHead();

  for (let i = 0; i < 3; i++) expectStatus(await a('GET', `/api/households?unit=${UNIT.far}&limit=500`), 200, 'list');
  // Opening the record is a read: once it shows up, every earlier queued read entry has been written too.
  expectStatus(await a('GET', `/api/people/${head.id}`), 200, 'open the head');
  const until = Date.now() + 10000;
  let n = await readsOfHead();
  while (n < baseline + 1 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    n = await readsOfHead();
  }
  assert.equal(n, baseline + 1, 'only opening the record was audited as a read');
});

test('/api/me answers the display name given when the account was made', async () => {
  expectStatus(await a('POST', '/api/users', { username: 'ten_hien_thi', password: PASSWORD, role: 'viewer',
    unit_code: '058', display_name: 'Nguyễn Thị Hiển' }), 201, 'create account');
  const sess = await mustLogin(W.url, 'ten_hien_thi');
  const me = expectStatus(await bind(W.url, sess)('GET', '/api/me'), 200, 'me');
  assert.equal(me.user.display_name, 'Nguyễn Thị Hiển');
});
