// api.js: JSON fetch wrapper for /api. Adds the CSRF header to state-changing requests, turns error
// answers into ApiError (with a Vietnamese message) and reports 401 so the app returns to login.

let csrf = '';
let unauthorized = () => {};

export function setCsrf(token) { csrf = token || ''; }
export function getCsrf() { return csrf; }
export function onUnauthorized(fn) { unauthorized = fn; }
export function notifyUnauthorized() { unauthorized(); }

const MESSAGES = {
  0: 'Không kết nối được tới máy chủ. Hãy kiểm tra mạng rồi thử lại.',
  400: 'Dữ liệu không hợp lệ.',
  401: 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.',
  403: 'Bạn không có quyền thực hiện thao tác này.',
  404: 'Không tìm thấy dữ liệu, hoặc dữ liệu nằm ngoài phạm vi quản lý của bạn.',
  409: 'Dữ liệu bị xung đột.',
  413: 'Tệp hoặc dữ liệu gửi lên quá lớn.',
  415: 'Định dạng tệp không được hỗ trợ.',
  429: 'Thao tác quá nhiều lần. Vui lòng thử lại sau.',
  500: 'Máy chủ gặp lỗi. Vui lòng thử lại sau.',
};

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    const b = body && typeof body === 'object' ? body : {};
    let msg = b.message || MESSAGES[status] || MESSAGES[status >= 500 ? 500 : 400];
    if (status === 403 && b.error === 'csrf' && !b.message) msg = 'Phiên làm việc không hợp lệ. Hãy tải lại trang.';
    super(msg);
    this.name = 'ApiError';
    this.status = status;
    this.code = b.error || '';
    this.body = b;
    this.retryAfter = Number(retryAfter) || 0;
  }
}

// {a: 1, b: '', c: null} -> '?a=1' (empty values left out).
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    u.set(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

async function send(method, path, body, signal) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrf;
  try {
    return await fetch(path, {
      method, headers, signal, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, null);
  }
}

async function parse(res) {
  const type = res.headers.get('Content-Type') || '';
  if (!type.includes('json')) return null;
  try { return await res.json(); } catch { return null; }
}

// Sends a request; resolves with the parsed JSON body, rejects with ApiError (or AbortError).
export async function request(method, path, { body, signal } = {}) {
  let res = await send(method, path, body, signal);
  let data = await parse(res);
  if (res.status === 403 && data && data.error === 'csrf' && method !== 'GET') {
    // The token may have been rotated: fetch the current one and try once more.
    const me = await send('GET', '/api/me', undefined, signal);
    const meData = await parse(me);
    if (me.ok && meData && meData.csrf) {
      setCsrf(meData.csrf);
      res = await send(method, path, body, signal);
      data = await parse(res);
    }
  }
  if (res.ok) return data || {};
  if (res.status === 401 && path !== '/api/login') unauthorized();
  throw new ApiError(res.status, data, res.headers.get('Retry-After'));
}

export const get = (path, params, opts) => request('GET', path + qs(params), opts);
export const post = (path, body, opts) => request('POST', path, { ...opts, body: body || {} });
export const put = (path, body, opts) => request('PUT', path, { ...opts, body: body || {} });
export const del = (path, opts) => request('DELETE', path, opts);

export function isAbort(e) { return e && e.name === 'AbortError'; }
