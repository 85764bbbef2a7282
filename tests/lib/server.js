// tests/lib/server.js: shared by the API and browser tests. Starts a throwaway `phongdich serve` on a
// free port over a fresh database in a temp dir (demo data and/or extra accounts), waits for the
// listening line, and stops it again; plus login()/call() helpers for fetch-based tests.
// The binary comes from the PHONGDICH_BIN environment variable (the Makefile sets it).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const BIN = process.env.PHONGDICH_BIN || '';

function requireBin() {
  if (!BIN) throw new Error('PHONGDICH_BIN is not set: point it at the phongdich binary (e.g. build/check/phongdich)');
  if (!existsSync(BIN)) throw new Error(`PHONGDICH_BIN=${BIN} does not exist: build it first`);
  return BIN;
}

// Runs `phongdich ...args`; resolves to {code, stdout, stderr}. input is written to stdin.
export function run(args, { input, timeoutMs = 120000, env } = {}) {
  const bin = requireBin();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`phongdich ${args.join(' ')}: timed out`)); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
    // A command that exits before reading its input (bad usage) closes the pipe: not an error here.
    child.stdin.on('error', (e) => { if (e.code !== 'EPIPE') reject(e); });
    child.stdin.end(input === undefined ? '' : input);
  });
}

async function runOk(args, opts) {
  const r = await run(args, opts);
  if (r.code !== 0) throw new Error(`phongdich ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
  return r;
}

// A port nobody listens on right now.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const live = new Set();
process.on('exit', () => { for (const c of live) try { c.kill('SIGKILL'); } catch { /* gone */ } });

function serveOnce(db, port, { web, env, startTimeoutMs, serveArgs = [] }) {
  const args = ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, ...serveArgs];
  if (web) args.push('--web', web);
  const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  live.add(child);
  const out = { stdout: '', stderr: '' };
  const exited = new Promise((resolve) => child.on('close', (code, signal) => { live.delete(child); resolve({ code, signal }); }));
  const ready = new Promise((resolve, reject) => {
    const want = `http://127.0.0.1:${port}/`;
    const timer = setTimeout(() => reject(new Error(`phongdich serve did not print ${want} within ${startTimeoutMs} ms\n${out.stderr}`)), startTimeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out.stdout += d;
      if (out.stdout.includes(want)) { clearTimeout(timer); resolve(); }
    });
    child.stderr.setEncoding('utf8').on('data', (d) => { out.stderr += d; });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`phongdich serve exited (${code ?? signal}) before listening:\n${out.stderr}${out.stdout}`)); });
  });
  return { child, out, exited, ready };
}

/**
 * Starts a server over a fresh database.
 * options: demo (default true: `demo --seed`), seed (1), scale, users ([{username, role, unit, password,
 *   name}] added with `user add`), db (use this existing database file instead of creating one),
 *   web (serve web/ from this folder; default $PHONGDICH_WEB), env, startTimeoutMs, serveArgs (more
 *   `phongdich serve` options, e.g. ['--checkin-rate', '100000']).
 * Returns {url, port, db, dir, accounts, stdout(), stderr(), stop(), pid, kill(signal)}. accounts maps the demo usernames
 * (admin, tinh, huyen, xa, todoi, xem) and the extra users to {username, password, role, unit_code}.
 */
export async function startServer(options = {}) {
  requireBin();
  const { demo = true, seed = 1, scale, users = [], env, startTimeoutMs = 30000 } = options;
  // PHONGDICH_WEB=web serves the UI from the working tree instead of the copy in the binary.
  const web = options.web || process.env.PHONGDICH_WEB || undefined;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'phongdich-test-'));
  const db = options.db || path.join(dir, 'test.db');
  const accounts = {};
  try {
    if (!options.db) {
      if (demo) {
        const args = ['demo', '--db', db, '--seed', String(seed), '--json'];
        if (scale) args.push('--scale', String(scale));
        const r = await runOk(args, { env, timeoutMs: 600000 });
        let summary = null;
        try { summary = JSON.parse(r.stdout); } catch { summary = null; }
        for (const a of (summary && summary.accounts) || []) accounts[a.username] = a;
        if (!summary) {
          // Older output without --json support: the demo passwords follow one pattern.
          for (const u of ['admin', 'tinh', 'huyen', 'xa', 'todoi', 'xem']) accounts[u] = { username: u, password: `demo@${u}2021` };
        }
      } else {
        await runOk(['init', '--db', db], { env });
      }
    }
    for (const u of users) {
      const args = ['user', 'add', '--db', db, '--username', u.username, '--role', u.role, '--password-stdin'];
      if (u.unit) args.push('--unit', u.unit);
      if (u.name) args.push('--name', u.name);
      await runOk(args, { input: u.password + '\n', env });
      accounts[u.username] = { username: u.username, password: u.password, role: u.role, unit_code: u.unit || null };
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }

  let srv = null;
  let port = 0;
  let lastErr = null;
  for (let attempt = 0; attempt < 3 && !srv; attempt++) {
    port = await freePort();
    const s = serveOnce(db, port, { web, env, startTimeoutMs, serveArgs: options.serveArgs });
    try {
      await s.ready;
      srv = s;
    } catch (e) {
      lastErr = e;
      s.child.kill('SIGKILL');
      await s.exited;
    }
  }
  if (!srv) {
    await rm(dir, { recursive: true, force: true });
    throw lastErr;
  }

  let stopped = null;
  const stop = async () => {
    if (stopped) return stopped;
    stopped = (async () => {
      const { child, exited } = srv;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10000);
      const res = await exited;
      clearTimeout(t);
      if (!process.env.PHONGDICH_KEEP_TMP) await rm(dir, { recursive: true, force: true });
      return { ...res, stdout: srv.out.stdout, stderr: srv.out.stderr };
    })();
    return stopped;
  };

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    db,
    dir,
    accounts,
    stdout: () => srv.out.stdout,
    stderr: () => srv.out.stderr,
    stop,
    pid: srv.child.pid,
    // Sends a signal (default SIGKILL, for crash tests) and resolves when the process has gone.
    kill: (signal = 'SIGKILL') => { srv.child.kill(signal); return srv.exited; },
  };
}

/**
 * Logs in with fetch. Resolves to {status, cookie, csrf, user, body, headers}; cookie is the
 * "pd_session=..." pair to send back in a Cookie header (empty on failure).
 */
export async function login(url, username, password) {
  const res = await fetch(new URL('/api/login', url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  const setCookies = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [res.headers.get('set-cookie') || ''];
  const pair = setCookies.map((c) => c.split(';')[0]).find((c) => c.startsWith('pd_session=')) || '';
  return { status: res.status, cookie: pair, csrf: (body && body.csrf) || '', user: body && body.user, body, headers: res.headers };
}

/**
 * One API call with a session from login(): call(url, s, 'GET', '/api/people?q=x') or
 * call(url, s, 'POST', '/api/people', {...}). Resolves to {status, body, headers, text}.
 */
export async function call(url, sess, method, apiPath, body, extraHeaders = {}) {
  const headers = { Accept: 'application/json', ...extraHeaders };
  if (sess && sess.cookie) headers.Cookie = sess.cookie;
  if (sess && sess.csrf && method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = sess.csrf;
  let payload;
  if (body !== undefined) {
    if (typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer) payload = body;
    else { payload = JSON.stringify(body); headers['Content-Type'] = headers['Content-Type'] || 'application/json'; }
  }
  const res = await fetch(new URL(apiPath, url), { method, headers, body: payload });
  const text = await res.text();
  let parsed = null;
  try { parsed = JSON.parse(text); } catch { parsed = null; }
  return { status: res.status, body: parsed, headers: res.headers, text };
}
