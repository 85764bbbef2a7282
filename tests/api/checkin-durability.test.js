// tests/api/checkin-durability.test.js: a check-in answered with success is on disk. Many clients check
// distinct people in at the same time (the group-commit path: the writer thread commits batches and
// the answers wait for their batch's COMMIT); the server is killed with SIGKILL in the middle of the
// load, then restarted on the same file. Every check-in that got a 201 must be there, with its person
// and venue, and none twice; requests cut off by the kill may or may not be there, never duplicated.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run, startServer } from '../lib/server.js';
import { PASSWORD, mustLogin, bind, expectStatus, stopClean } from '../lib/fixture.js';
import { insertTokens, newToken, sqlRows, pub } from './venues-world.js';

const PEOPLE = 3000;
const VENUES = 4;
const CLIENTS = 24;

let dir;
let db;
const venues = []; // {id, code}
const tokens = []; // index -> [personId, token]

async function runOk(args, input) {
  const r = await run(args, { input });
  assert.equal(r.code, 0, `phongdich ${args.join(' ')}: ${r.stderr}`);
  return r;
}

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'phongdich-ckdur-'));
  db = path.join(dir, 'checkins.db');
  await runOk(['init', '--db', db]);
  await runOk(['user', 'add', '--db', db, '--username', 'kt_admin', '--role', 'admin', '--password-stdin'], `${PASSWORD}\n`);
  for (let i = 0; i < VENUES; i++) {
    const r = await runOk(['venue', 'add', '--db', db, '--name', `Chợ Bền Vững ${i + 1}`, '--kind', 'market', '--unit', '01834', '--json']);
    const v = JSON.parse(r.stdout);
    venues.push({ id: v.id, code: v.public_code });
  }
  // People and their personal tokens, written straight into the file.
  const { execFileSync } = await import('node:child_process');
  execFileSync('python3', ['-c', `
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.executemany("INSERT INTO people(full_name, name_folded, unit_code, district_code, province_code, created_at, updated_at)"
    " VALUES (?, ?, '01834', '058', '06', 1, 1)", [("Khách Bền Vững", "khach ben vung")] * int(sys.argv[2]))
con.commit()`, db, String(PEOPLE)]);
  const ids = sqlRows(db, 'SELECT id FROM people ORDER BY id').map((r) => r[0]);
  assert.equal(ids.length, PEOPLE);
  for (const id of ids) tokens.push([id, newToken()]);
  insertTokens(db, tokens);
});

after(async () => {
  if (dir && !process.env.PHONGDICH_KEEP_TMP) await rm(dir, { recursive: true, force: true });
});

test('every check-in answered with success survives SIGKILL of the server, none twice', { timeout: 240000 }, async (t) => {
  const srv = await startServer({ db, demo: false, serveArgs: ['--checkin-rate', '10000000', '--threads', '4'] });
  const acked = [];   // {id, person, venue}
  let next = 0;
  let errors = 0;
  let stop = false;
  const client = async () => {
    while (!stop && next < PEOPLE) {
      const i = next++;
      const [person, token] = tokens[i];
      const venue = venues[i % VENUES];
      try {
        const r = await pub(srv.url, 'POST', '/api/public/checkins', { code: venue.code, token });
        if (r.status === 201) acked.push({ id: r.body.checkin.id, person, venue: venue.id });
        else if (!stop) throw new Error(`unexpected answer ${r.status} ${r.text}`);
      } catch (e) {
        if (e.message.startsWith('unexpected')) throw e;
        errors++; // the connection died with the server
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, client);
  // Kill once a good part of the load is acknowledged, while requests are still in flight.
  const started = Date.now();
  while (acked.length < PEOPLE / 3 && Date.now() - started < 60000) await new Promise((res) => setTimeout(res, 5));
  const ackedAtKill = acked.length;
  const exit = await srv.kill('SIGKILL');
  stop = true;
  await Promise.all(clients);
  await srv.stop(); // already gone: removes its temporary folder (the database lives elsewhere)
  assert.equal(exit.signal, 'SIGKILL');
  t.diagnostic(`killed after ${Date.now() - started} ms with ${ackedAtKill} acknowledged, ${acked.length} acknowledged in all, ${errors} requests cut off, ${next} sent`);
  assert.ok(acked.length >= 100, `enough load before the kill (${acked.length})`);
  assert.ok(next < PEOPLE, 'killed in the middle of the load');

  // Restart on the same file; read everything back through the API and the file.
  const again = await startServer({ db, demo: false });
  try {
    const api = bind(again.url, await mustLogin(again.url, 'kt_admin'));
    const stored = new Map(); // id -> row
    for (const v of venues) {
      let before = '';
      for (;;) {
        const page = expectStatus(await api('GET', `/api/venues/${v.id}/checkins?limit=500${before ? `&before=${before}` : ''}`), 200, 'list');
        for (const c of page.items) {
          assert.ok(!stored.has(c.id), `check-in ${c.id} listed twice`);
          stored.set(c.id, c);
        }
        if (!page.next) break;
        before = page.next;
      }
    }
    for (const a of acked) {
      const c = stored.get(a.id);
      assert.ok(c, `acknowledged check-in ${a.id} (person ${a.person}) is missing after the crash`);
      assert.equal(c.person_id, a.person);
      assert.equal(c.venue_id, a.venue);
    }
    const pairs = sqlRows(db, 'SELECT person_id, venue_id, count(*) FROM checkins GROUP BY 1, 2 HAVING count(*) > 1');
    assert.deepEqual(pairs, [], 'no visit recorded twice');
    const total = sqlRows(db, 'SELECT count(*) FROM checkins')[0][0];
    assert.equal(total, stored.size);
    assert.ok(total >= acked.length && total <= next, `${total} rows for ${acked.length} acknowledged of ${next} sent`);
    t.diagnostic(`${total} check-ins on disk: ${acked.length} acknowledged + ${total - acked.length} cut off before their answer`);
    // The file keeps working: a new check-in, and a replay of an acknowledged one returns it.
    const [person, token] = tokens[PEOPLE - 1];
    const fresh = await pub(again.url, 'POST', '/api/public/checkins', { code: venues[0].code, token });
    expectStatus(fresh, 201, 'check-in after the restart');
    assert.equal(sqlRows(db, 'SELECT person_id FROM checkins WHERE id = ?', [fresh.body.checkin.id])[0][0], person);
    const a = acked[0];
    const replay = await pub(again.url, 'POST', '/api/public/checkins', { code: venues.find((v) => v.id === a.venue).code,
      token: tokens.find(([p]) => p === a.person)[1] });
    expectStatus(replay, 200, 'replay of an acknowledged check-in');
    assert.equal(replay.body.checkin.id, a.id);
    await stopClean(again);
  } finally {
    await again.stop();
  }
});
