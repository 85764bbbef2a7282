// page-venue-scan.js: staff at a venue check visitors in and out by their personal QR code
// (#/venues/ID/scan; #/scan picks the venue). Uses the camera with the BarcodeDetector API when the
// browser has it, and a text field otherwise (typed code, or a hardware scanner that types). The
// answer shows who it was and whether they came in or went out; the last scans are listed.
import { h, mount } from './dom.js';
import { get, post } from './api.js';
import { fmtDateTime } from './format.js';
import { pageHead, loading, showError, alertBox, button, emptyState, linkButton } from './ui.js';
import { fmtClock } from './page-venue-common.js';

const ACTION_TEXT = { in: 'ĐÃ VÀO', out: 'ĐÃ RA', already_in: 'ĐANG Ở TRONG' };

// #/scan: the venue of a venue account, or a choice among the venues in scope.
export async function renderScanChoice(ctx) {
  const { el, signal } = ctx;
  mount(el, pageHead('Quét mã khách'), loading());
  try {
    const data = await get('/api/venues', { open: 1, limit: 100 }, { signal });
    const items = data.items || [];
    if (items.length === 1) { location.replace(`#/venues/${items[0].id}/scan`); return; }
    mount(el, pageHead('Quét mã khách'),
      items.length ? h('section', { class: 'panel' }, h('p', null, 'Chọn địa điểm đang làm việc:'),
        h('ul', { class: 'pick-list', id: 'scan-venues' }, items.map((v) => h('li', null,
          h('a', { href: `#/venues/${v.id}/scan` }, v.name), h('span', { class: 'cell-sub' }, v.unit_name)))))
        : emptyState('Không có địa điểm nào đang hoạt động trong phạm vi của tài khoản.'));
  } catch (e) {
    showError(el, e);
  }
}

export async function renderVenueScan(ctx) {
  const { el, params, signal } = ctx;
  mount(el, pageHead('Quét mã khách'), loading());
  let v;
  try {
    v = (await get('/api/venues/' + encodeURIComponent(params.id), null, { signal })).venue;
  } catch (e) {
    showError(el, e);
    return;
  }
  const token = h('input', { type: 'text', id: 'scan-token', autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', placeholder: 'VD: ABCD-EFGH-…', 'aria-label': 'Mã QR cá nhân của khách' });
  const result = h('div', { id: 'scan-result', class: 'scan-result', 'aria-live': 'assertive' });
  const log = h('ol', { id: 'scan-log', class: 'scan-log' });
  let busy = false;
  let last = { text: '', at: 0 };

  async function send(action, text) {
    const value = (text || token.value).trim();
    if (!value) { mount(result, alertBox('error', 'Hãy quét hoặc nhập mã QR cá nhân của khách.')); token.focus(); return; }
    if (busy) return;
    busy = true;
    result.dataset.state = 'busy';
    mount(result, loading('Đang ghi nhận…'));
    try {
      const r = await post(`/api/venues/${v.id}/scan`, { token: value, action }, { signal });
      const who = `${r.person.full_name}${r.person.birth_year ? ` (${r.person.birth_year})` : ''}`;
      const when = r.action === 'out' ? fmtClock(r.checkin.out_at) : fmtClock(r.checkin.in_at);
      mount(result, alertBox(r.action === 'out' ? 'info' : 'success',
        h('strong', null, `${ACTION_TEXT[r.action]}: ${who}`), h('br'),
        r.action === 'already_in' ? `Đã vào lúc ${when}; bấm "Ra" khi khách rời đi.` : `Lúc ${when}.`));
      result.dataset.state = r.action;
      log.prepend(h('li', null, `${fmtDateTime(r.action === 'out' ? r.checkin.out_at : r.checkin.in_at)} — ${ACTION_TEXT[r.action]} — ${who}`));
      token.value = '';
    } catch (e) {
      result.dataset.state = 'error';
      showError(result, e);
    } finally {
      busy = false;
      token.focus();
    }
  }

  token.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); send('toggle'); } });

  const camera = h('div', { id: 'scan-camera' });
  let stream = null;
  let timer = 0;
  async function startCamera() {
    try {
      const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      const video = h('video', { class: 'scan-video', autoplay: true, muted: true, playsinline: true });
      video.srcObject = stream;
      mount(camera, video);
      timer = setInterval(async () => {
        if (busy || video.readyState < 2) return;
        const codes = await detector.detect(video).catch(() => []);
        const text = codes.length ? codes[0].rawValue : '';
        if (!text || (text === last.text && Date.now() - last.at < 4000)) return;
        last = { text, at: Date.now() };
        send('toggle', text);
      }, 300);
    } catch (e) {
      mount(camera, alertBox('warning', 'Không bật được máy ảnh. Hãy nhập mã bằng tay.'));
    }
  }
  const stopCamera = () => {
    clearInterval(timer);
    if (stream) stream.getTracks().forEach((t) => t.stop());
  };
  signal.addEventListener('abort', stopCamera);
  if ('BarcodeDetector' in window && navigator.mediaDevices) {
    mount(camera, button('Bật máy ảnh để quét', { class: 'btn btn-primary', id: 'scan-camera-start', onclick: startCamera }));
  }

  mount(el,
    h('p', { class: 'crumbs' }, h('a', { href: `#/venues/${v.id}` }, v.name), ' › Quét mã khách'),
    pageHead(`Quét mã khách — ${v.name}`),
    v.closed ? alertBox('warning', 'Địa điểm đã đóng; không nhận check-in.') : null,
    h('section', { class: 'panel scan-box' },
      camera,
      h('label', { for: 'scan-token' }, 'Mã QR cá nhân của khách'),
      token,
      h('div', { class: 'form-actions' },
        button('Vào', { class: 'btn btn-in', id: 'scan-in', onclick: () => send('in') }),
        button('Ra', { class: 'btn btn-out', id: 'scan-out', onclick: () => send('out') })),
      h('p', { class: 'hint' }, 'Nhấn Enter: khách chưa vào thì ghi vào, đang ở trong thì ghi ra.'),
      result),
    h('section', { class: 'panel' }, h('h2', null, 'Vừa quét'), log),
    h('p', null, linkButton('← Về trang địa điểm', `#/venues/${v.id}`, 'btn btn-light')));
  token.focus();
  return stopCamera;
}
