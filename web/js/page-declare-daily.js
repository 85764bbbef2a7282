// page-declare-daily.js: the quick daily re-declaration (#/khai-bao/hang-ngay, no login) for people in
// quarantine or under monitoring: the personal code kept on this device (or typed from the QR card),
// symptoms and two exposure questions. POST /api/public/declarations/daily; a revoked or unknown
// code gets a clear message and a way to start again.
import { h, mount } from './dom.js';
import { post } from './api.js';
import { alertBox, field, button } from './ui.js';
import { SYMPTOMS, EXPOSURES, checkboxGroup, yesNoGroup, savedToken, saveToken, forgetToken, displayToken } from './page-declare-common.js';
import { publicFrame } from './page-declare.js';

export function renderDeclareDaily(ctx) {
  const { el } = ctx;
  const saved = savedToken();
  const codeInput = h('input', { type: 'text', id: 'kd-token', autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', placeholder: 'XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XX', value: saved.token ? displayToken(saved.token) : '' });
  const symptoms = checkboxGroup('kd-symptoms', SYMPTOMS);
  const exposures = yesNoGroup('kd-exposures', EXPOSURES.slice(0, 2));
  const note = h('textarea', { id: 'kd-note', rows: '2', maxlength: '500', placeholder: 'Ví dụ: nhiệt độ sáng nay 37,2 °C' });
  const messages = h('div', { id: 'kd-messages', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'kd-submit' }, 'Gửi khai báo hôm nay');

  const who = saved.token
    ? h('div', { class: 'panel', id: 'kd-who' },
      h('p', null, 'Khai báo cho: ', h('strong', null, saved.name || 'người có mã QR đã lưu trên máy này')),
      h('p', { class: 'qr-code' }, displayToken(saved.token)),
      button('Dùng mã khác', { class: 'btn btn-light btn-small', id: 'kd-other', onclick: () => {
        forgetToken();
        renderDeclareDaily(ctx);
      } }))
    : h('fieldset', { class: 'panel' }, h('legend', null, 'Mã cá nhân'),
      field({ label: 'Mã số in dưới mã QR cá nhân', id: 'kd-token', input: codeInput, required: true,
        hint: 'Mã gồm 26 chữ và số, nhận được sau khi khai báo đầy đủ hoặc do trạm y tế cấp.' }));

  const form = h('form', { class: 'form', id: 'daily-form', novalidate: true },
    who,
    h('fieldset', { class: 'panel' }, h('legend', null, 'Hôm nay bạn có dấu hiệu nào sau đây?'),
      symptoms.el, h('p', { class: 'hint' }, 'Không đánh dấu nếu không có dấu hiệu nào.')),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Từ lần khai báo trước, bạn có…'), exposures.el),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Ghi chú'), field({ label: 'Ghi chú thêm (nếu có)', id: 'kd-note', input: note })),
    messages, submit);

  function badToken(message) {
    mount(messages, alertBox('error', h('p', { id: 'kd-token-error' }, message),
      h('div', { class: 'kb-links' },
        h('a', { class: 'btn btn-primary', href: '#/khai-bao', onclick: () => forgetToken() }, 'Khai báo đầy đủ để nhận mã mới'),
        saved.token ? button('Nhập mã khác', { class: 'btn btn-light', onclick: () => { forgetToken(); renderDeclareDaily(ctx); } }) : null)));
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(messages);
    const token = saved.token || codeInput.value.trim();
    if (!token) {
      mount(messages, alertBox('error', 'Hãy nhập mã cá nhân in dưới mã QR.'));
      codeInput.focus();
      return;
    }
    const { yes, unanswered } = exposures.answers();
    exposures.error(unanswered.length ? 'Hãy trả lời Có hoặc Không cho mỗi câu hỏi.' : '');
    if (unanswered.length) {
      mount(messages, alertBox('error', 'Hãy trả lời đủ các câu hỏi.'));
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Đang gửi…';
    try {
      const res = await post('/api/public/declarations/daily', { token, symptoms: symptoms.values(), exposures: yes, note: note.value.trim() });
      if (!saved.token) saveToken(token.replace(/[\s-]/g, '').toUpperCase(), '');
      const when = String(res.declared_at || '');
      publicFrame(el, 'Đã ghi nhận khai báo hôm nay', 'Khai báo y tế hằng ngày',
        alertBox('success', h('p', { id: 'kd-done' }, h('strong', null, 'Cảm ơn bạn.'),
          ` Khai báo lúc ${when.slice(11, 16)} ngày ${when.slice(0, 10).split('-').reverse().join('/')} đã được ghi nhận.`)),
        symptoms.values().length ? alertBox('warning', 'Bạn có dấu hiệu bệnh: hãy ở nhà, hạn chế tiếp xúc; trạm y tế sẽ liên hệ với bạn. Khi khó thở hãy gọi ngay 115.') : null,
        h('div', { class: 'kb-links' }, h('a', { class: 'btn btn-light', href: '#/khai-bao' }, 'Tờ khai đầy đủ')));
    } catch (err) {
      submit.disabled = false;
      submit.textContent = 'Gửi khai báo hôm nay';
      if (err.status === 404) badToken(err.message);
      else mount(messages, alertBox('error', err.message));
    }
  });

  publicFrame(el, 'Khai báo y tế hằng ngày', 'Người đang cách ly, theo dõi sức khỏe',
    h('p', { class: 'kb-intro' }, 'Khai báo nhanh mỗi ngày bằng mã QR cá nhân. Chưa có mã? ',
      h('a', { href: '#/khai-bao' }, 'Điền tờ khai đầy đủ'), '.'),
    form);
}
