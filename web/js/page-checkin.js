// page-checkin.js: the public check-in page a venue's poster leads to (#/c/CODE), no login, phone first.
// Shows the venue, then checks in with the personal QR token kept by the declaration page
// (localStorage 'phongdich.personalToken') or with a phone number, and checks out. The server's clock
// decides every time. A phone check-in answers the same whether or not the number is known, and gives
// a receipt (kept here) to check out with; nothing on this page shows who a number belongs to.
import { h, mount } from './dom.js';
import { get, post } from './api.js';
import { fmtDateTime } from './format.js';
import { alertBox, loading } from './ui.js';
import { fmtMinutes, fmtClock, TOKEN_KEY } from './page-venue-common.js';

const visitKey = (code) => `phongdich.checkin.${code}`;

function storage(key, value) {
  try {
    if (value === undefined) return JSON.parse(localStorage.getItem(key) || 'null');
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch { /* private mode: nothing is kept */ }
  return null;
}

function savedToken() {
  try { return localStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}

function problem(e) {
  if (e.status === 429) return 'Bạn thao tác quá nhanh. Vui lòng đợi một chút rồi thử lại.';
  return e.message;
}

export function renderCheckin(ctx) {
  const { el, params, signal } = ctx;
  const code = params.code;
  document.title = 'Check-in địa điểm · Phòng chống dịch COVID-19';
  const head = h('div', { class: 'ci-head' }, h('p', null, 'Khai báo vào/ra địa điểm'), h('h1', { id: 'ci-venue' }, 'Đang tải…'));
  const body = h('div', { class: 'ci-body', id: 'ci-body', dataset: { state: 'loading' } }, loading());
  mount(el, h('main', { class: 'ci-page' }, h('div', { class: 'ci-card' }, head, body,
    h('p', { class: 'ci-foot' }, 'Thông tin chỉ dùng cho công tác phòng, chống dịch COVID-19. Không cần đăng nhập.'))));

  let venue = null;
  const msg = h('div', { id: 'ci-msg', 'aria-live': 'assertive' });

  function visit() {
    const v = storage(visitKey(code));
    // A visit ends by itself after the venue's stay.
    if (v && v.state === 'in' && Date.now() - v.saved > venue.stay_minutes * 60000) { storage(visitKey(code), null); return null; }
    return v;
  }

  async function act(kind, payload) {
    mount(msg);
    for (const b of body.querySelectorAll('button')) b.disabled = true;
    try {
      const r = await post(kind === 'in' ? '/api/public/checkins' : '/api/public/checkouts', { code, ...payload });
      const c = r.checkin;
      if (c.state === 'in') storage(visitKey(code), { state: 'in', via: payload.token ? 'token' : 'phone', receipt: r.receipt || '', in_at: c.in_at || '', auto_out_at: c.auto_out_at || '', saved: Date.now() });
      else storage(visitKey(code), { state: 'out', out_at: c.out_at || '', saved: Date.now() });
      show(r.replayed ? 'Bạn đã check-in ở đây rồi.' : '');
    } catch (e) {
      if (e.status === 409 && e.code === 'not_checked_in') storage(visitKey(code), null);
      show();
      mount(msg, alertBox('error', problem(e)));
    }
  }

  function stateBox(v) {
    if (!v) return null;
    if (v.state === 'in') {
      return h('div', { class: 'ci-state ci-state-in', id: 'ci-state', dataset: { state: 'in' } },
        h('strong', null, 'Bạn đang ở địa điểm này'),
        v.in_at ? `Vào lúc ${fmtClock(v.in_at)}. ` : 'Đã ghi nhận lượt vào. ',
        `Nhớ bấm «Ra» khi rời đi; nếu quên, hệ thống tự ghi giờ ra sau ${fmtMinutes(venue.stay_minutes)}.`);
    }
    return h('div', { class: 'ci-state ci-state-out', id: 'ci-state', dataset: { state: 'out' } },
      h('strong', null, 'Đã ghi nhận lượt ra'), v.out_at ? `Lúc ${fmtDateTime(v.out_at)}. ` : '', 'Cảm ơn bạn!');
  }

  function show(note) {
    const v = visit();
    const token = savedToken();
    const phone = h('input', { type: 'tel', id: 'ci-phone', inputmode: 'tel', autocomplete: 'tel', placeholder: '09xx xxx xxx', 'aria-label': 'Số điện thoại' });
    const inside = v && v.state === 'in';
    const checkout = () => act('out', token && (!inside || v.via === 'token') ? { token } : { receipt: v ? v.receipt : '' });
    const actions = [];
    if (token) {
      actions.push(h('p', null, 'Dùng mã QR cá nhân đã lưu trên điện thoại này:'),
        h('div', { class: 'ci-actions' },
          inside ? null : h('button', { type: 'button', class: 'btn btn-in', id: 'ci-in-token', onclick: () => act('in', { token }) }, 'Vào'),
          h('button', { type: 'button', class: 'btn btn-out', id: 'ci-out', onclick: checkout }, 'Ra')));
    } else if (inside) {
      actions.push(h('div', { class: 'ci-actions' }, h('button', { type: 'button', class: 'btn btn-out', id: 'ci-out', onclick: checkout }, 'Ra')));
    }
    if (!inside && !token) {
      const submit = (e) => {
        e.preventDefault();
        if (!phone.value.trim()) { mount(msg, alertBox('error', 'Hãy nhập số điện thoại.')); phone.focus(); return; }
        act('in', { phone: phone.value.trim() });
      };
      actions.push(h('p', null, 'Nhập số điện thoại để check-in:'),
        h('form', { class: 'ci-phone', id: 'ci-phone-form', onsubmit: submit }, phone,
          h('button', { type: 'submit', class: 'btn btn-in', id: 'ci-in-phone' }, 'Vào')),
        h('p', { class: 'hint' }, h('a', { href: '#/khai-bao', id: 'ci-declare' }, 'Khai báo y tế'),
          ' trên điện thoại này để lần sau check-in nhanh bằng mã QR cá nhân.'));
    }
    mount(body,
      h('p', { class: 'ci-where' }, [venue.kind_label, venue.address, venue.unit_name].filter(Boolean).join(' · ')),
      note ? alertBox('info', note) : null,
      stateBox(v), msg, actions);
    body.dataset.state = inside ? 'in' : v ? 'out' : 'ready';
  }

  (async () => {
    try {
      venue = (await get('/api/public/venues/' + encodeURIComponent(code), null, { signal })).venue;
    } catch (e) {
      if (e.name === 'AbortError') return;
      head.lastChild.textContent = 'Không tìm thấy địa điểm';
      body.dataset.state = 'error';
      mount(body, alertBox('error', e.status === 404 ? 'Mã QR không đúng hoặc địa điểm không còn trong hệ thống. Hãy quét lại mã trên áp phích.' : problem(e)));
      return;
    }
    head.lastChild.textContent = venue.name;
    document.title = `${venue.name} · Check-in`;
    if (venue.closed) {
      body.dataset.state = 'closed';
      mount(body, alertBox('warning', 'Địa điểm này đã ngừng hoạt động, không nhận check-in.'));
      return;
    }
    show();
  })();
}
