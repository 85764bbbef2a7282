// page-declare.js: the public health declaration form (#/khai-bao, no login), phone first: identity,
// residence picked from the unit tree down to thôn/tổ, travel and places of the last 14 days,
// symptoms, exposure questions, vaccination. POST /api/public/declarations; the answer is a personal
// QR code, kept on this device for the daily re-declaration and for check-ins.
import { h, mount } from './dom.js';
import { get, post } from './api.js';
import { alertBox, field, clearFieldErrors, setFieldError } from './ui.js';
import {
  SYMPTOMS, EXPOSURES, TRAVEL, checkboxGroup, yesNoGroup, cascadePicker, placesEditor,
  qrCard, savedToken, saveToken, applyErrors, errorList,
} from './page-declare-common.js';

const publicChildren = (parent) => get('/api/public/units', { parent }).then((d) => d.items || []);

// The frame of the public pages: a card with a heading, no app shell.
export function publicFrame(el, title, kicker, ...body) {
  document.title = `${title} · Phòng chống dịch COVID-19`;
  mount(el, h('div', { class: 'kb-page' },
    h('div', { class: 'kb-card' },
      h('header', { class: 'kb-head' }, h('p', null, kicker), h('h1', null, title)),
      h('main', { class: 'kb-body', id: 'main' }, body))));
}

const LABELS = { 1: 'Tỉnh/thành phố', 2: 'Quận/huyện', 3: 'Xã/phường/thị trấn', 4: 'Thôn/tổ dân phố' };

export function renderDeclareForm(ctx) {
  const { el } = ctx;
  const inputs = {};
  const text = (name, props = {}) => (inputs[name] = h('input', { type: 'text', id: `kb-${name}`, name, ...props }));
  const sex = h('select', { id: 'kb-sex', name: 'sex' },
    h('option', { value: '' }, '— Chọn —'), h('option', { value: 'M' }, 'Nam'), h('option', { value: 'F' }, 'Nữ'));
  const doses = h('select', { id: 'kb-vaccine_doses' },
    h('option', { value: '' }, 'Không nhớ / không trả lời'), h('option', { value: '0' }, 'Chưa tiêm'),
    [1, 2, 3, 4].map((n) => h('option', { value: String(n) }, `${n} mũi`)));
  const residence = cascadePicker({ id: 'kb-unit', depth: 4, labels: LABELS, required: 3, loadChildren: publicChildren });
  const travel = checkboxGroup('kb-travel', TRAVEL.map((t) => [t, t]));
  const places = placesEditor('kb-places', publicChildren);
  const symptoms = checkboxGroup('kb-symptoms', SYMPTOMS);
  const exposures = yesNoGroup('kb-exposures', EXPOSURES);
  const pledge = h('input', { type: 'checkbox', id: 'kb-pledge' });
  const messages = h('div', { id: 'kb-messages', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'kb-submit' }, 'Gửi tờ khai');
  const f = (name, input, extra = {}) => field({ id: `kb-${name}`, input, ...extra });

  const form = h('form', { class: 'form', id: 'declare-form', novalidate: true },
    h('fieldset', { class: 'panel' }, h('legend', null, 'Thông tin cá nhân'),
      h('div', { class: 'grid' },
        f('full_name', text('full_name', { autocomplete: 'name', maxlength: '100' }), { label: 'Họ và tên', required: true, wide: true }),
        f('birth_year', text('birth_year', { inputmode: 'numeric', maxlength: '4', placeholder: 'Ví dụ: 1985' }), { label: 'Năm sinh', required: true }),
        f('sex', sex, { label: 'Giới tính', required: true }),
        f('id_number', text('id_number', { inputmode: 'text', autocomplete: 'off' }), { label: 'Số CCCD/CMND/hộ chiếu', hint: 'CCCD 12 số, CMND 9 số, hoặc số hộ chiếu.' }),
        f('phone', text('phone', { type: 'tel', autocomplete: 'tel' }), { label: 'Số điện thoại', required: true, hint: 'Trạm y tế sẽ liên hệ qua số này khi cần.' }),
        f('nationality', text('nationality', { value: 'VN', maxlength: '2', autocapitalize: 'characters' }), { label: 'Quốc tịch', hint: 'Mã 2 chữ cái, ví dụ VN.' }))),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Nơi ở hiện nay'),
      h('div', { class: 'grid grid-units' }, residence.el),
      h('div', { class: 'grid' }, f('address', text('address', { placeholder: 'Số nhà, đường/ngõ, xóm…', maxlength: '250' }), { label: 'Địa chỉ', wide: true }))),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Di chuyển trong 14 ngày qua'),
      h('p', { class: 'hint' }, 'Phương tiện đã dùng (chọn nếu có):'), travel.el,
      h('p', { class: 'hint' }, 'Những nơi đã đến (ngoài nơi ở), nếu có:'), places.el),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Trong 14 ngày qua, bạn có thấy dấu hiệu nào sau đây?'),
      symptoms.el, h('p', { class: 'hint' }, 'Không đánh dấu nếu không có dấu hiệu nào.')),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Trong 14 ngày qua, bạn có…'), exposures.el),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Tiêm vắc xin COVID-19'),
      h('div', { class: 'grid' }, f('vaccine_doses', doses, { label: 'Số mũi đã tiêm' }))),
    h('label', { class: 'choice', id: 'kb-pledge-label' }, pledge,
      h('span', null, 'Tôi cam kết những thông tin trên là đúng sự thật. Khai báo sai là vi phạm pháp luật.')),
    h('p', { class: 'group-error', id: 'kb-pledge-error', hidden: true }),
    messages, submit);

  const fieldId = (name) => ({ unit_code: 'kb-unit-3', area_code: 'kb-unit-4', birth_date: 'kb-birth_year' }[name]
    || (inputs[name] || name === 'sex' || name === 'vaccine_doses' ? `kb-${name}` : null));

  function body() {
    const b = {};
    for (const n of ['full_name', 'birth_year', 'id_number', 'phone', 'nationality', 'address']) b[n] = inputs[n].value.trim();
    b.sex = sex.value;
    b.unit_code = residence.codeAt(3);
    b.area_code = residence.codeAt(4);
    b.travel = travel.values();
    b.places = places.values();
    b.symptoms = symptoms.values();
    b.exposures = exposures.answers().yes;
    b.vaccine_doses = doses.value === '' ? null : Number(doses.value);
    b.token = savedToken().token;
    return b;
  }

  // Checks the browser can make before sending: the questions must be answered and the pledge ticked.
  function precheck() {
    const problems = [];
    const { unanswered } = exposures.answers();
    exposures.error(unanswered.length ? 'Hãy trả lời Có hoặc Không cho mỗi câu hỏi.' : '');
    if (unanswered.length) problems.push(form.querySelector(`[data-question="${unanswered[0]}"] input`));
    const pledgeErr = form.querySelector('#kb-pledge-error');
    pledgeErr.hidden = pledge.checked;
    pledgeErr.textContent = pledge.checked ? '' : 'Hãy đánh dấu cam kết trước khi gửi.';
    if (!pledge.checked) problems.push(pledge);
    if (!residence.codeAt(3)) {
      const id = residence.codeAt(2) ? 'kb-unit-3' : residence.codeAt(1) ? 'kb-unit-2' : 'kb-unit-1';
      setFieldError(form, id, 'Hãy chọn nơi ở đến cấp xã, phường, thị trấn.');
      problems.unshift(form.querySelector('#' + id));
    }
    return problems;
  }

  async function onSubmit(e) {
    e.preventDefault();
    clearFieldErrors(form);
    places.clearErrors();
    mount(messages);
    const problems = precheck();
    if (problems.length) {
      mount(messages, alertBox('error', 'Tờ khai chưa đầy đủ. Hãy xem các ô được đánh dấu.'));
      if (problems[0]) problems[0].focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Đang gửi…';
    const sent = body();
    try {
      const res = await post('/api/public/declarations', sent);
      saveToken(res.token, sent.full_name);
      showDone(res, sent);
    } catch (err) {
      submit.disabled = false;
      submit.textContent = 'Gửi tờ khai';
      if (err.status === 400) {
        const rest = applyErrors(form, errorList(err), fieldId, places);
        mount(messages, alertBox('error', 'Tờ khai chưa được gửi. Hãy sửa các ô được đánh dấu.',
          rest.length ? h('ul', null, rest.map((x) => h('li', null, x.message))) : null));
      } else {
        mount(messages, alertBox('error', err.message)); // 429: "thử lại sau ít phút", and the rest
      }
    }
  }

  function showDone(res, sent) {
    const sick = sent.symptoms.length > 0 || sent.exposures.includes('contact');
    publicFrame(el, 'Đã gửi tờ khai y tế', 'Khai báo y tế',
      alertBox('success', h('strong', null, 'Cảm ơn bạn đã khai báo.'), ' Tờ khai đã được ghi nhận lúc ',
        String(res.declared_at || '').slice(11, 16), ' ngày ', String(res.declared_at || '').slice(0, 10).split('-').reverse().join('/'), '.'),
      sick ? alertBox('warning', h('p', { id: 'kb-advice' }, 'Bạn đã khai có dấu hiệu bệnh hoặc tiếp xúc gần ca bệnh. Hãy ở nhà, đeo khẩu trang, hạn chế tiếp xúc; trạm y tế xã, phường sẽ liên hệ với bạn. Khi khó thở hãy gọi ngay 115.')) : null,
      qrCard({ svg: res.qr_svg, token: res.token, display: res.token_display, name: sent.full_name }),
      h('p', { class: 'kb-intro' }, 'Mã QR và mã số trên đã được lưu trên máy này. Hãy chụp màn hình hoặc in ra để dùng khi khai báo hằng ngày và khi đến các địa điểm công cộng.'),
      h('div', { class: 'kb-links' },
        h('a', { class: 'btn btn-primary', href: '#/khai-bao/hang-ngay', id: 'kb-go-daily' }, 'Khai báo hằng ngày'),
        h('a', { class: 'btn btn-light', href: '#/khai-bao', onclick: (ev) => { ev.preventDefault(); renderDeclareForm(ctx); } }, 'Khai báo cho người khác')));
    window.scrollTo(0, 0);
  }

  form.addEventListener('submit', onSubmit);
  const saved = savedToken();
  publicFrame(el, 'Tờ khai y tế', 'Phòng, chống dịch COVID-19',
    h('p', { class: 'kb-intro' }, 'Khai báo y tế giúp trạm y tế phát hiện sớm và hỗ trợ kịp thời. Thông tin của bạn chỉ dùng cho công tác phòng, chống dịch. Các ô có dấu * là bắt buộc.'),
    saved.token ? alertBox('info', 'Máy này đã có mã QR cá nhân', saved.name ? ` của ${saved.name}` : '', '. ',
      h('a', { href: '#/khai-bao/hang-ngay' }, 'Khai báo hằng ngày nhanh'), ' (chỉ triệu chứng), hoặc điền tờ khai đầy đủ dưới đây.') : null,
    form,
    h('p', { class: 'kb-foot' }, 'Cán bộ UBND, trạm y tế: ', h('a', { href: '#/login' }, 'đăng nhập hệ thống'), '.'));
  if (!('ontouchstart' in window)) inputs.full_name.focus();
}
