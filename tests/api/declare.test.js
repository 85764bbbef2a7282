// tests/api/declare.test.js: health declarations against a live server: the public form (happy path,
// bad input of every kind, nothing about a matched person in the answer, registry left untouched),
// the daily re-declaration (revoked and unknown tokens refused alike), staff declaring for someone and
// issuing a QR, outbreak areas raising alerts, the alert worklist's scope and actions, the dashboard
// figures, and the per-client rate limit (`serve --declare-rate`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, run } from '../lib/server.js';
import { buildWorld, UNIT, MISSING_ID, expectStatus, uniquePhone, uniqueName, stopClean } from '../lib/fixture.js';

let W;
const nfc = (s) => String(s).normalize('NFC');

// A plain public request (no session): {status, body, text, headers}.
async function pub(method, path, body, headers = {}) {
  const h = { Accept: 'application/json', ...headers };
  let payload = body;
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    payload = JSON.stringify(body);
    h['Content-Type'] = h['Content-Type'] || 'application/json';
  } else if (body !== undefined && !h['Content-Type']) {
    h['Content-Type'] = 'application/json';
  }
  const res = await fetch(new URL(path, W.url), { method, headers: h, body: payload });
  const text = await res.text();
  let parsed = null;
  try { parsed = JSON.parse(text); } catch { parsed = null; }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

function today() {
  return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

function form(extra = {}) {
  return {
    full_name: uniqueName('Khai Báo'), birth_year: 1990, sex: 'M', phone: uniquePhone('0916'), nationality: 'VN',
    unit_code: UNIT.in, address: 'Số 9 đường Thử Nghiệm', travel: ['Xe máy'], places: [], symptoms: [], exposures: [],
    vaccine_doses: 2, ...extra,
  };
}

const PUBLIC_KEYS = ['declared_at', 'qr_svg', 'token', 'token_display'];

before(async () => {
  W = await buildWorld({ serveArgs: ['--declare-rate', '100000'] });
});

after(async () => {
  if (W) await W.srv.stop();
});

test('public form: a declaration gives a personal QR and is seen by staff in scope', async () => {
  const body = form({ symptoms: ['fever', 'cough'], places: [{ unit_code: UNIT.dist, place: 'Chợ Sông Cầu', date: today() }] });
  const r = await pub('POST', '/api/public/declarations', body);
  expectStatus(r, 201, 'public declaration');
  assert.deepEqual(Object.keys(r.body).sort(), PUBLIC_KEYS);
  assert.match(r.body.token, /^[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.equal(r.body.token_display.replace(/-/g, ''), r.body.token);
  assert.match(r.body.qr_svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>.*<path fill="#000" d="M/);
  assert.match(r.body.declared_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);

  const list = expectStatus(await W.api.commune('GET', `/api/declarations?symptoms=1&from=${today()}`), 200, 'commune list');
  const d = list.items.find((x) => nfc(x.full_name) === nfc(body.full_name));
  assert.ok(d, 'the commune sees the declaration of its resident');
  assert.equal(d.via, 'self');
  assert.equal(d.kind, 'full');
  assert.equal(d.unit_code, UNIT.in);
  assert.deepEqual(d.symptoms, ['fever', 'cough']);
  assert.equal(d.travel, 'Xe máy');
  assert.equal(d.vaccine_doses, 2);
  assert.equal(d.places.length, 1);
  assert.equal(d.places[0].unit_code, UNIT.dist);
  assert.equal(nfc(d.places[0].unit_name), nfc('Phường Sông Cầu'));
  // Staff of another commune do not; the person was added to the registry of 01834.
  const other = expectStatus(await W.api.admin('GET', `/api/declarations?unit=${UNIT.dist}`), 200, 'dist list');
  assert.ok(!other.items.some((x) => x.id === d.id));
  const person = expectStatus(await W.api.commune('GET', `/api/people/${d.person_id}`), 200, 'person').person;
  assert.equal(nfc(person.full_name), nfc(body.full_name));
  assert.equal(person.phone, body.phone);
  expectStatus(await W.api.team('GET', `/api/declarations/${d.id}`), 200, 'team reads');
  // The symptoms raised an alert for the commune.
  const alerts = expectStatus(await W.api.commune('GET', '/api/alerts'), 200, 'alerts').items;
  const a = alerts.find((x) => x.person_id === d.person_id);
  assert.ok(a, 'alert raised');
  assert.deepEqual(a.reasons, ['symptoms']);
  assert.match(nfc(a.detail), new RegExp(nfc('Có triệu chứng: sốt, ho')));
  assert.equal(a.phone, body.phone);
});

test('public form: bad input is refused with Vietnamese messages naming the field', async () => {
  const post = (body, headers) => pub('POST', '/api/public/declarations', body, headers);
  // Malformed JSON, not an object, invalid UTF-8, wrong content type.
  let r = await post('{"full_name": "Nguyễn', {});
  expectStatus(r, 400, 'malformed');
  assert.equal(r.body.error, 'invalid');
  assert.match(r.body.message, /JSON không hợp lệ/);
  expectStatus(await post('[1,2]'), 400, 'array');
  r = await post(Buffer.concat([Buffer.from('{"full_name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]));
  expectStatus(r, 400, 'invalid utf-8');
  assert.match(r.body.message, /UTF-8/);
  r = await post(JSON.stringify(form()), { 'Content-Type': 'text/plain' });
  expectStatus(r, 415, 'text/plain');
  // Too large: over the public limit (32 KiB) and over the server's (1 MiB).
  r = await post(form({ note: 'x'.repeat(40000) }));
  expectStatus(r, 413, '40 kB');
  assert.equal(r.body.error, 'too_large');
  r = await post(form({ note: 'x'.repeat(1200000) }));
  expectStatus(r, 413, '1.2 MB');
  // Missing fields: every one named, in Vietnamese.
  r = await post({ full_name: '', symptoms: [] });
  expectStatus(r, 400, 'empty');
  const fields = r.body.errors.map((e) => e.field);
  for (const f of ['full_name', 'birth_year', 'sex', 'phone', 'unit_code']) assert.ok(fields.includes(f), `error for ${f}: ${fields}`);
  for (const e of r.body.errors) assert.match(e.message, /[àáảãạăâđèéêìíòóôơùúưỳý]/i, `Vietnamese message: ${e.message}`);
  // Wrong values.
  const cases = [
    [{ birth_year: 1850 }, 'birth_year'],
    [{ birth_year: 'năm' }, 'birth_year'],
    [{ sex: 'X' }, 'sex'],
    [{ phone: '12345' }, 'phone'],
    [{ id_number: '12345678901' }, 'id_number'],
    [{ id_number: '006085000001' }, 'id_number'], // a CCCD of someone born in 1985, not 1990
    [{ unit_code: '99999' }, 'unit_code'],
    [{ symptoms: ['sneezing'] }, 'symptoms'],
    [{ symptoms: 'fever' }, 'symptoms'],
    [{ exposures: ['flying'] }, 'exposures'],
    [{ places: 'Hà Nội' }, 'places'],
    [{ places: Array.from({ length: 21 }, () => ({ unit_code: UNIT.dist, place: 'x', date: today() })) }, 'places'],
    [{ places: [{ unit_code: UNIT.dist, place: 'Chợ', date: '2001-01-01' }] }, 'places[0]'],
    [{ places: [{ unit_code: '', place: '', date: today() }] }, 'places[0]'],
    [{ vaccine_doses: 'hai' }, 'vaccine_doses'],
    [{ full_name: 'Nguyễn Văn <b>' }, 'full_name'],
    [{ full_name: 42 }, 'full_name'],
  ];
  for (const [extra, field] of cases) {
    const res = await post(form(extra));
    assert.equal(res.status, 400, `${JSON.stringify(extra).slice(0, 80)}: ${res.text.slice(0, 200)}`);
    const named = [res.body.field, ...(res.body.errors || []).map((e) => e.field)];
    assert.ok(named.includes(field), `${JSON.stringify(extra).slice(0, 80)} names ${field}: ${res.text.slice(0, 300)}`);
  }
});

test('public form: someone else\'s CCCD tells nothing about them and leaves their record alone', async () => {
  const secret = { full_name: 'Bí Mật Chủ Nhân', birth_date: '1990-06-01', sex: 'M', id_number: '006090777001',
    phone: uniquePhone('0917'), unit_code: UNIT.dist, address: 'Nhà riêng bí mật' };
  const owner = expectStatus(await W.api.admin('POST', '/api/people', secret), 201, 'registry person').person;
  const stranger = form({ full_name: 'Người Lạ Mặt', id_number: secret.id_number });
  const fresh = form({ full_name: 'Người Mới Tinh', id_number: '006090777002' });
  const a = await pub('POST', '/api/public/declarations', stranger);
  const b = await pub('POST', '/api/public/declarations', fresh);
  expectStatus(a, 201, 'declaring with someone else\'s CCCD');
  expectStatus(b, 201, 'declaring with an unknown CCCD');
  // Same status, same members, nothing of the owner in the answer.
  assert.deepEqual(Object.keys(a.body).sort(), Object.keys(b.body).sort());
  const text = nfc(JSON.stringify({ ...a.body, qr_svg: '' })); // the QR's path is full of digits
  for (const leak of [secret.full_name, secret.phone, secret.address, 'Sông Cầu', 'person', 'id_number', 'review']) {
    assert.ok(!text.includes(nfc(leak)), `answer mentions ${leak}`);
  }
  assert.ok(Object.values(a.body).every((v) => typeof v === 'string' && v !== String(owner.id)), 'no ids in the answer');
  assert.equal(a.text.length - a.body.qr_svg.length, b.text.length - b.body.qr_svg.length, 'answers differ only by the QR');
  // The registry record is unchanged.
  const now = expectStatus(await W.api.admin('GET', `/api/people/${owner.id}`), 200, 'owner').person;
  assert.equal(now.version, owner.version);
  assert.equal(nfc(now.full_name), nfc(secret.full_name));
  assert.equal(now.phone, secret.phone);
  // The declaration sits on the owner, filed under the typed residence, flagged for review.
  const decl = expectStatus(await W.api.admin('GET', `/api/declarations?person=${owner.id}`), 200, 'owner declarations').items;
  assert.equal(decl.length, 1);
  assert.equal(decl[0].unit_code, UNIT.in);
  assert.match(nfc(decl[0].note), new RegExp(nfc('Người Lạ Mặt')));
  const alerts = expectStatus(await W.api.admin('GET', '/api/alerts?reason=review'), 200, 'review alerts').items;
  assert.ok(alerts.some((x) => x.person_id === owner.id && x.reasons.includes('review')), 'flagged for review');
  // Daily re-declaration with that token answers nothing about the owner either.
  const d = await pub('POST', '/api/public/declarations/daily', { token: a.body.token, symptoms: [] });
  expectStatus(d, 201, 'daily');
  assert.deepEqual(Object.keys(d.body), ['declared_at']);
});

test('daily re-declaration: works with the token, refuses revoked and unknown tokens alike', async () => {
  const r = expectStatus(await pub('POST', '/api/public/declarations', form()), 201, 'declare');
  const token = r.token;
  const ok = await pub('POST', '/api/public/declarations/daily', { token: r.token_display.toLowerCase(), symptoms: ['cough'], exposures: ['contact'], note: 'Sốt nhẹ buổi tối' });
  expectStatus(ok, 201, 'daily with the token (typed in lower case, with dashes)');
  const list = expectStatus(await W.api.commune('GET', '/api/declarations'), 200, 'list').items;
  const daily = list.find((x) => x.kind === 'daily' && x.note === 'Sốt nhẹ buổi tối');
  assert.ok(daily, 'the daily declaration is listed');
  assert.deepEqual(daily.symptoms, ['cough']);
  assert.deepEqual(daily.exposures, ['contact']);
  // Staff revoke every token of the person.
  const rev = expectStatus(await W.api.commune('DELETE', `/api/people/${daily.person_id}/token`), 200, 'revoke');
  assert.equal(rev.revoked, 1);
  const revoked = await pub('POST', '/api/public/declarations/daily', { token, symptoms: [] });
  expectStatus(revoked, 404, 'revoked token');
  assert.equal(revoked.body.error, 'invalid_token');
  assert.equal(revoked.body.field, 'token');
  assert.match(revoked.body.message, /thu hồi/);
  const unknown = await pub('POST', '/api/public/declarations/daily', { token: '0000-0000-0000-0000-0000-0000-00', symptoms: [] });
  assert.equal(unknown.text, revoked.text, 'unknown and revoked tokens answer alike');
  const missing = await pub('POST', '/api/public/declarations/daily', { symptoms: [] });
  assert.equal(missing.text, revoked.text);
  const before = expectStatus(await W.api.commune('GET', `/api/declarations?person=${daily.person_id}`), 200, 'count').items.length;
  assert.equal(before, 2, 'refused re-declarations stored nothing');
  // A bad answer is still a 400 naming the field.
  expectStatus(await pub('POST', '/api/public/declarations/daily', { token, symptoms: ['hiccups'] }), 400, 'bad symptom');
});

test('staff declare for someone in scope and issue a new QR, which revokes the old one', async () => {
  const p = W.people.in.member;
  const first = expectStatus(await W.api.team('POST', '/api/declarations', { person_id: p.id, symptoms: [], issue_token: true }), 201, 'team declares');
  assert.equal(first.person_id, p.id);
  assert.equal(first.person_created, false);
  assert.match(first.token, /^[0-9A-Z]{26}$/);
  const second = expectStatus(await W.api.commune('POST', `/api/people/${p.id}/token`), 201, 'commune issues');
  assert.notEqual(second.token, first.token);
  expectStatus(await pub('POST', '/api/public/declarations/daily', { token: first.token }), 404, 'old token');
  expectStatus(await pub('POST', '/api/public/declarations/daily', { token: second.token }), 201, 'new token');
  const status = expectStatus(await W.api.team('GET', `/api/people/${p.id}/token`), 200, 'status');
  assert.equal(status.live, 1);
  // Declared via staff, by the account.
  const d = expectStatus(await W.api.admin('GET', `/api/declarations/${first.declaration_id}`), 200, 'get').declaration;
  assert.equal(d.via, 'staff');
  assert.ok(d.created_by > 0);
  // A typed identity that is not in the registry creates the person in scope.
  const typed = { full_name: uniqueName('Khai Hộ'), birth_year: '1950', sex: 'F', unit_code: UNIT.in, symptoms: ['breath'] };
  const t = expectStatus(await W.api.commune('POST', '/api/declarations', typed), 201, 'new identity');
  assert.equal(t.person_created, true);
  assert.ok(t.alert_id > 0);
  // Outside scope: the person and the residence.
  const out = await W.api.commune('POST', '/api/declarations', { person_id: W.people.dist.member.id });
  const none = await W.api.commune('POST', '/api/declarations', { person_id: MISSING_ID });
  expectStatus(out, 404, 'outside person');
  assert.equal(out.text, none.text);
  const res = await W.api.commune('POST', '/api/declarations', { ...typed, full_name: uniqueName('Ngoài'), unit_code: UNIT.dist });
  expectStatus(res, 400, 'outside residence');
  assert.equal(res.body.field, 'unit_code');
  expectStatus(await W.api.viewer('POST', '/api/declarations', typed), 403, 'viewer');
});

test('outbreak areas: marking a commune raises alerts for people who were there', async () => {
  expectStatus(await W.api.commune('POST', '/api/outbreak-areas', { unit_code: UNIT.in }), 403, 'commune may not mark');
  const mark = expectStatus(await W.api.district('POST', '/api/outbreak-areas', { unit_code: UNIT.dist, from_date: today(), note: 'Thử nghiệm' }), 201, 'district marks').outbreak_area;
  assert.equal(mark.unit_code, UNIT.dist);
  assert.equal(mark.active, true);
  assert.equal(mark.to_date, null);
  assert.match(nfc(mark.path_names), new RegExp(nfc('Phường Sông Cầu, Thành phố Bắc Kạn, Tỉnh Bắc Kạn')));
  const visitor = form({ full_name: uniqueName('Khách Vùng Dịch'), places: [{ unit_code: UNIT.dist, place: 'Chợ', date: today() }] });
  expectStatus(await pub('POST', '/api/public/declarations', visitor), 201, 'visitor declares');
  const alerts = expectStatus(await W.api.commune('GET', '/api/alerts?reason=outbreak_area'), 200, 'alerts').items;
  const a = alerts.find((x) => nfc(x.full_name) === nfc(visitor.full_name));
  assert.ok(a, 'alert for the visitor');
  assert.equal(a.unit_code, UNIT.in, 'filed for the visitor\'s commune');
  assert.match(nfc(a.detail), new RegExp(nfc('khi đó thuộc vùng dịch Phường Sông Cầu')));
  const listed = expectStatus(await W.api.viewer('GET', '/api/outbreak-areas?active=1'), 200, 'viewer list').items;
  assert.ok(listed.some((x) => x.id === mark.id));
  // The command line enters the same functions (as the country-wide CLI admin).
  const cli = await run(['declare', 'outbreak-list', '--db', W.srv.db, '--active', '--json']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.ok(cli.stdout.trim().split('\n').map((l) => JSON.parse(l)).some((x) => x.id === mark.id), 'listed by the CLI');
  const ended = expectStatus(await W.api.district('POST', `/api/outbreak-areas/${mark.id}/end`, {}), 200, 'end').outbreak_area;
  assert.equal(ended.to_date, today());
  expectStatus(await W.api.commune('POST', `/api/outbreak-areas/${mark.id}/end`, {}), 403, 'commune may not end');
});

test('alert worklist: a commune sees its residents only and records the action taken', async () => {
  const mine = form({ full_name: uniqueName('Cảnh Báo Trong'), symptoms: ['fever'] });
  const theirs = form({ full_name: uniqueName('Cảnh Báo Ngoài'), symptoms: ['fever'], unit_code: UNIT.dist });
  expectStatus(await pub('POST', '/api/public/declarations', mine), 201, 'mine');
  expectStatus(await pub('POST', '/api/public/declarations', theirs), 201, 'theirs');
  const own = expectStatus(await W.api.commune('GET', '/api/alerts?limit=200'), 200, 'commune').items;
  assert.ok(own.length > 0 && own.every((x) => x.unit_code === UNIT.in), 'only 01834');
  const a = own.find((x) => nfc(x.full_name) === nfc(mine.full_name));
  assert.ok(a);
  assert.equal(a.phone, mine.phone);
  const district = expectStatus(await W.api.district('GET', '/api/alerts?limit=200'), 200, 'district').items;
  const b = district.find((x) => nfc(x.full_name) === nfc(theirs.full_name));
  assert.ok(b, 'the district sees 01837');
  // Acting outside scope answers like a missing alert, and changes nothing.
  const out = await W.api.commune('POST', `/api/alerts/${b.id}/action`, { action: 'called' });
  const none = await W.api.commune('POST', `/api/alerts/${MISSING_ID}/action`, { action: 'called' });
  expectStatus(out, 404, 'outside alert');
  assert.equal(out.text.replace(/\d+/g, '#'), none.text.replace(/\d+/g, '#'));
  assert.equal((await W.api.district('GET', '/api/alerts?limit=200')).body.items.find((x) => x.id === b.id).status, 'open');
  expectStatus(await W.api.team('POST', `/api/alerts/${a.id}/action`, { action: 'called' }), 403, 'team may not act');
  const bad = await W.api.commune('POST', `/api/alerts/${a.id}/action`, { action: 'other' });
  expectStatus(bad, 400, 'other without a note');
  assert.equal(bad.body.field, 'note');
  const done = expectStatus(await W.api.commune('POST', `/api/alerts/${a.id}/action`, { action: 'told_to_isolate', note: 'Cách ly tại nhà 7 ngày' }), 200, 'act').alert;
  assert.equal(done.status, 'done');
  assert.equal(done.action, 'told_to_isolate');
  assert.equal(nfc(done.action_label), nfc('Đã yêu cầu tự cách ly'));
  assert.equal(done.acted_by, 'kt_xa');
  expectStatus(await W.api.commune('POST', `/api/alerts/${a.id}/action`, { action: 'called' }), 409, 'twice');
  const open = expectStatus(await W.api.commune('GET', '/api/alerts?limit=200'), 200, 'open').items;
  assert.ok(!open.some((x) => x.id === a.id), 'closed alerts leave the open list');
  const closed = expectStatus(await W.api.commune('GET', '/api/alerts?status=done'), 200, 'done').items;
  assert.ok(closed.some((x) => x.id === a.id));
  expectStatus(await W.api.commune('GET', '/api/alerts?status=whatever'), 400, 'bad status');
  expectStatus(await W.api.viewer('GET', '/api/alerts'), 403, 'viewer');
});

test('dashboard figures follow the scope', async () => {
  const c = expectStatus(await W.api.commune('GET', '/api/declarations/stats'), 200, 'commune stats');
  const open = expectStatus(await W.api.commune('GET', '/api/alerts?limit=200'), 200, 'alerts').items.length;
  assert.equal(c.open_alerts, open);
  const todays = expectStatus(await W.api.commune('GET', `/api/declarations?from=${today()}&limit=200`), 200, 'today').items;
  assert.equal(c.declarations_today, todays.length);
  assert.equal(c.symptoms_today, todays.filter((d) => d.symptoms.length > 0).length);
  const v = expectStatus(await W.api.viewer('GET', '/api/declarations/stats'), 200, 'viewer stats');
  assert.ok(v.declarations_today >= c.declarations_today, 'the district viewer counts more');
  const p = expectStatus(await W.api.province('GET', '/api/declarations/stats'), 200, 'province');
  assert.ok(p.declarations_today >= v.declarations_today);
});

test('public unit tree: names and codes only', async () => {
  const r = expectStatus(await pub('GET', `/api/public/units?parent=${UNIT.in}`), 200, 'areas of 01834');
  assert.ok(r.items.length >= 1);
  for (const u of r.items) assert.deepEqual(Object.keys(u).sort(), ['child_count', 'code', 'level', 'name']);
  const provinces = expectStatus(await pub('GET', '/api/public/units'), 200, 'provinces').items;
  assert.equal(provinces.length, 63);
  expectStatus(await pub('GET', '/api/public/units?parent=' + '9'.repeat(40)), 400, 'long code');
});

test('the server shuts down cleanly', async () => {
  await stopClean(W.srv);
});

test('rate limit: --declare-rate N declarations a minute per client, then 429 with Retry-After', async () => {
  const srv = await startServer({ demo: false, serveArgs: ['--declare-rate', '3'] });
  try {
    const send = (path, body) => fetch(new URL(path, srv.url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send('/api/public/declarations', { full_name: '' })).status);
    assert.deepEqual(statuses, [400, 400, 400], 'refused declarations count too');
    const limited = await send('/api/public/declarations', { full_name: 'Ai Đó' });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '20');
    const body = await limited.json();
    assert.equal(body.error, 'rate_limited');
    assert.match(body.message, /thử lại/);
    assert.equal((await send('/api/public/declarations/daily', { token: 'x' })).status, 429, 'daily shares the bucket');
    const units = await fetch(new URL('/api/public/units', srv.url));
    assert.equal(units.status, 200, 'the unit tree has its own bucket');
  } finally {
    await stopClean(srv);
  }
});
