// page-login.js: the sign-in page (POST /api/login), with the server's Vietnamese message on a wrong
// password (401) or after too many attempts (429).
import { h, mount } from './dom.js';
import { login } from './session.js';
import { alertBox } from './ui.js';

function safeNext(next) {
  return next && next.startsWith('/') && !next.startsWith('/login') ? next : '/';
}

export function renderLogin(ctx) {
  const { el, query } = ctx;
  document.title = 'Đăng nhập · Phòng chống dịch COVID-19';
  const msg = h('div', { class: 'login-msg', id: 'login-msg', 'aria-live': 'assertive' });
  if (query.expired) mount(msg, alertBox('info', 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.'));
  const user = h('input', { id: 'login-username', name: 'username', type: 'text', autocomplete: 'username',
    autocapitalize: 'none', spellcheck: 'false', required: true });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'login-submit' }, 'Đăng nhập');
  const form = h('form', { class: 'login-form', novalidate: true, onsubmit: onSubmit },
    h('div', { class: 'field' }, h('label', { for: 'login-username' }, 'Tên đăng nhập'), user),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, 'Mật khẩu'), pass),
    msg, submit);

  async function onSubmit(e) {
    e.preventDefault();
    if (!user.value.trim() || !pass.value) {
      mount(msg, alertBox('error', 'Vui lòng nhập tên đăng nhập và mật khẩu.'));
      (user.value.trim() ? pass : user).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Đang đăng nhập…';
    mount(msg);
    try {
      await login(user.value.trim(), pass.value);
      location.hash = '#' + safeNext(query.next);
    } catch (err) {
      let text = err.message;
      if (err.status === 401) text = err.body.message || 'Tên đăng nhập hoặc mật khẩu không đúng.';
      if (err.status === 429) {
        text = err.body.message || 'Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau.';
        if (err.retryAfter) text += ` (thử lại sau khoảng ${Math.max(1, Math.ceil(err.retryAfter / 60))} phút)`;
        else if (!/thử lại/i.test(text)) text += ' Vui lòng thử lại sau.';
      }
      mount(msg, alertBox('error', text));
      pass.value = '';
      pass.focus();
      submit.disabled = false;
      submit.textContent = 'Đăng nhập';
    }
  }

  mount(el, h('div', { class: 'login-page' },
    h('div', { class: 'login-card' },
      h('div', { class: 'login-brand' },
        h('img', { src: '/favicon.svg', alt: '', width: '48', height: '48' }),
        h('div', null,
          h('p', { class: 'login-kicker' }, 'Phòng, chống dịch ', h('span', { class: 'nowrap' }, 'COVID-19')),
          h('h1', null, 'Hệ thống quản lý dân cư địa phương'))),
      form,
      h('p', { class: 'login-foot' }, 'Dành cho cán bộ UBND, trung tâm y tế, trạm y tế, công an và tổ COVID cộng đồng. ',
        'Mọi thao tác truy cập dữ liệu cá nhân đều được ghi nhật ký.'))));
  user.focus();
}
