// tests/api/venues-world.js: helpers shared by the venue and check-in API tests (not a test file itself):
// personal QR tokens written straight into the database (as the declaration module stores them: the
// SHA-256 of the 26-character canonical token), venues created through the API, venue staff accounts
// made with `phongdich user add --venue`, and a plain fetch for the public endpoints.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { run, login } from '../lib/server.js';
import { PASSWORD, expectStatus, bind } from '../lib/fixture.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// Random canonical tokens (Crockford base32, 26 characters).
export function newToken() {
  const bytes = randomBytes(26);
  return [...bytes].map((b) => ALPHABET[b & 31]).join('');
}

// Issues tokens for people: pairs [[personId, token], ...] written in one transaction with python3's
// sqlite3 (WAL: fine while the server runs).
export function insertTokens(db, pairs) {
  const script = `
import sqlite3, hashlib, sys, json
pairs = json.load(sys.stdin)
con = sqlite3.connect(sys.argv[1], timeout=30)
con.executemany("INSERT INTO person_tokens(token_hash, person_id, created_at) VALUES (?, ?, 1)",
    [(hashlib.sha256(t.encode()).hexdigest(), p) for p, t in pairs])
con.commit()
`;
  execFileSync('python3', ['-c', script, db], { input: JSON.stringify(pairs) });
}

// One SQL query's rows (read-only), as arrays.
export function sqlRows(db, sql, params = []) {
  const script = `
import sqlite3, sys, json
con = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True, timeout=30)
print(json.dumps(con.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall()))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, db, sql, JSON.stringify(params)]).toString());
}

export function tokenFor(db, personId) {
  const t = newToken();
  insertTokens(db, [[personId, t]]);
  return t;
}

export async function createVenue(api, unit, name, kind = 'market', extra = {}) {
  return expectStatus(await api('POST', '/api/venues', { name, kind, unit_code: unit, address: `Địa chỉ ${name}`, ...extra }),
    201, `create venue ${name}`).venue;
}

// A venue staff account attached to venueId (in commune unit), logged in: {sess, api}.
export async function venueAccount(srv, username, unit, venueId) {
  const r = await run(['user', 'add', '--db', srv.db, '--username', username, '--role', 'venue', '--unit', unit,
    '--venue', String(venueId), '--password-stdin'], { input: `${PASSWORD}\n` });
  assert.equal(r.code, 0, `user add --venue: ${r.stderr}`);
  const sess = await login(srv.url, username, PASSWORD);
  assert.equal(sess.status, 200, `login ${username}`);
  return { sess, api: bind(srv.url, sess) };
}

// A public (no session) JSON call: {status, body, headers, text}.
export async function pub(url, method, path, body, headers = {}) {
  const res = await fetch(new URL(path, url), {
    method,
    headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed = null;
  try { parsed = JSON.parse(text); } catch { parsed = null; }
  return { status: res.status, body: parsed, headers: res.headers, text };
}

// zbarimg's reading of a QR code image ('' if none).
export function decodeQr(file) {
  try {
    return execFileSync('zbarimg', ['--quiet', '--raw', file], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '';
  }
}
