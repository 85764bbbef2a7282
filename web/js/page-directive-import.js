// page-directive-import.js: "Nhập văn bản" (#/directives/import): paste a dispatch or upload a .docx,
// .md or .txt file; the server reads it without saving (POST /api/directives/parse[-file]); the review
// screen shows the original text beside every field read from it, all editable, and what no field took
// ("unparsed"); "Lưu văn bản" saves the corrected structure with the original text (POST /api/directives).
import { h, mount } from './dom.js';
import { post, getCsrf, ApiError } from './api.js';
import { pageHead, field, alertBox, button, loading, toast, setFieldError, clearFieldErrors } from './ui.js';
import { crumbs, vnDate, typeName } from './page-directive-common.js';

const lines = (a) => (Array.isArray(a) ? a.filter((s) => typeof s === 'string').join('\n') : (a || ''));
const unlines = (s) => s.split('\n').map((x) => x.trim()).filter(Boolean);

async function parseFile(file) {
  const res = await fetch(`/api/directives/parse-file?name=${encodeURIComponent(file.name)}`, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'X-CSRF-Token': getCsrf(), 'Content-Type': 'application/octet-stream' }, body: file,
  });
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

export function renderDirectiveImport(ctx) {
  const { el } = ctx;
  const text = h('textarea', { id: 'dv-text', rows: 14, placeholder: 'Dán toàn văn công văn, thông báo, kế hoạch…' });
  const file = h('input', { type: 'file', id: 'dv-file', accept: '.docx,.md,.txt' });
  const msg = h('div', { id: 'dv-import-msg' });
  const read = async () => {
    mount(msg, loading('Đang đọc văn bản…'));
    try {
      const r = file.files[0] ? await parseFile(file.files[0]) : await post('/api/directives/parse', { text: text.value });
      review(ctx, r.text, r.parsed);
    } catch (e) { mount(msg, alertBox('error', e.message)); }
  };
  mount(el, crumbs('Nhập văn bản'), pageHead('Nhập văn bản chỉ đạo'),
    h('p', { class: 'lead' }, 'Dán nội dung văn bản hoặc chọn tệp. Hệ thống đọc các trường để bạn kiểm tra và sửa trước khi lưu.'),
    h('form', { class: 'form', onsubmit: (e) => { e.preventDefault(); read(); } },
      field({ label: 'Nội dung văn bản', id: 'dv-text', input: text, wide: true }),
      field({ label: 'Hoặc tệp (.docx, .md, .txt)', id: 'dv-file', input: file }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'dv-read' }, 'Đọc văn bản'))),
    msg);
}

function input(id, value) { return h('input', { type: 'text', id, value: value || '' }); }
function area(id, value, rows = 3) { return h('textarea', { id, rows }, value || ''); }

function refRow(r, i) {
  return h('div', { class: 'grid dv-ref', dataset: { index: String(i) } },
    field({ label: 'Loại', id: `dv-ref-${i}-type`, input: input(`dv-ref-${i}-type`, r.type_name || typeName(r.type)) }),
    field({ label: 'Số', id: `dv-ref-${i}-number`, input: input(`dv-ref-${i}-number`, r.number) }),
    field({ label: 'Ngày', id: `dv-ref-${i}-date`, input: input(`dv-ref-${i}-date`, vnDate(r.date)) }),
    field({ label: 'Cơ quan ban hành', id: `dv-ref-${i}-issuer`, input: input(`dv-ref-${i}-issuer`, r.issuer) }));
}

function itemBox(it, i) {
  return h('section', { class: 'dv-item', dataset: { index: String(i) } },
    h('h3', null, `Mục ${it.label || i + 1}`),
    field({ label: 'Nội dung', id: `dv-item-${i}-text`, input: area(`dv-item-${i}-text`, it.text, 4), wide: true }),
    h('div', { class: 'grid' },
      field({ label: 'Cơ quan thực hiện (mỗi dòng một cơ quan)', id: `dv-item-${i}-agencies`, input: area(`dv-item-${i}-agencies`, lines(it.agencies)) }),
      field({ label: 'Chủ trì', id: `dv-item-${i}-lead`, input: area(`dv-item-${i}-lead`, lines(it.lead), 2) }),
      field({ label: 'Hạn hoàn thành', id: `dv-item-${i}-due`, input: input(`dv-item-${i}-due`, vnDate(it.due_date)),
        hint: 'Để trống: đọc từ nội dung (ví dụ "trước ngày 20/11/2021")' })));
}

function unparsedBox(p) {
  const u = p.unparsed;
  const has = Array.isArray(u) ? u.length > 0 : !!u;
  const warn = Array.isArray(p.warnings) && p.warnings.length ? p.warnings : null;
  if (!has && !warn) return h('p', { class: 'muted', id: 'dv-unparsed' }, 'Mọi phần của văn bản đều đã được đọc vào các trường.');
  return h('div', null,
    has ? h('div', { class: 'dv-unparsed', id: 'dv-unparsed' },
      h('strong', null, 'Phần chưa đọc được vào trường nào:'), '\n',
      Array.isArray(u) ? u.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('\n') : String(u)) : null,
    warn ? alertBox('warning', warn.map((w) => (typeof w === 'string' ? w : JSON.stringify(w))).join('; ')) : null);
}

// The corrected structure: the reader's, with every edited field put back.
function collect(root, parsed) {
  const v = (id) => root.querySelector('#' + id).value.trim();
  const c = structuredClone(parsed);
  Object.assign(c, {
    type_name: v('dv-type'), issuer_parent: v('dv-issuer-parent'), issuer: v('dv-issuer'), number: v('dv-number'),
    date: v('dv-date'), place: v('dv-place'), subject: v('dv-subject'), recipients: unlines(v('dv-recipients')),
    noi_nhan: unlines(v('dv-noi-nhan')), signer: { ...(parsed.signer || {}), name: v('dv-signer-name'), title: v('dv-signer-title') },
  });
  c.references = (parsed.references || []).map((r, i) => ({ ...r, type_name: v(`dv-ref-${i}-type`), type: v(`dv-ref-${i}-type`),
    number: v(`dv-ref-${i}-number`), date: v(`dv-ref-${i}-date`), issuer: v(`dv-ref-${i}-issuer`) }));
  c.items = (parsed.items || []).map((it, i) => ({ ...it, text: v(`dv-item-${i}-text`), agencies: unlines(v(`dv-item-${i}-agencies`)),
    lead: unlines(v(`dv-item-${i}-lead`)), due_date: v(`dv-item-${i}-due`) }));
  return c;
}

function review(ctx, text, parsed) {
  const { el, navigate } = ctx;
  const signer = parsed.signer || {};
  const msg = h('div', { id: 'dv-save-msg' });
  const form = h('form', { class: 'form dv-fields', id: 'dv-review-form' },
    h('div', { class: 'grid' },
      field({ label: 'Loại văn bản', id: 'dv-type', input: input('dv-type', parsed.type_name || typeName(parsed.type)) }),
      field({ label: 'Số, ký hiệu', id: 'dv-number', input: input('dv-number', parsed.number) }),
      field({ label: 'Ngày ban hành', id: 'dv-date', input: input('dv-date', vnDate(parsed.date)) }),
      field({ label: 'Địa danh', id: 'dv-place', input: input('dv-place', parsed.place) })),
    h('div', { class: 'grid' },
      field({ label: 'Cơ quan chủ quản', id: 'dv-issuer-parent', input: input('dv-issuer-parent', parsed.issuer_parent) }),
      field({ label: 'Cơ quan ban hành', id: 'dv-issuer', input: input('dv-issuer', parsed.issuer), required: true })),
    field({ label: 'Trích yếu', id: 'dv-subject', input: area('dv-subject', parsed.subject), wide: true }),
    field({ label: 'Kính gửi (mỗi dòng một nơi)', id: 'dv-recipients', input: area('dv-recipients', lines(parsed.recipients)), wide: true }),
    h('h2', null, 'Văn bản căn cứ'),
    (parsed.references || []).length ? (parsed.references || []).map(refRow) : h('p', { class: 'muted' }, 'Không có.'),
    h('h2', null, 'Các mục giao việc'),
    (parsed.items || []).map(itemBox),
    field({ label: 'Nơi nhận (mỗi dòng một nơi)', id: 'dv-noi-nhan', input: area('dv-noi-nhan', lines(parsed.noi_nhan)), wide: true }),
    h('div', { class: 'grid' },
      field({ label: 'Người ký', id: 'dv-signer-name', input: input('dv-signer-name', signer.name) }),
      field({ label: 'Chức vụ', id: 'dv-signer-title', input: input('dv-signer-title', signer.title) })),
    unparsedBox(parsed),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'dv-save' }, 'Lưu văn bản'),
      button('Đọc lại văn bản khác', { class: 'btn btn-light', onclick: () => renderDirectiveImport(ctx) })),
    msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    mount(msg);
    try {
      const r = await post('/api/directives', { text, parsed: collect(form, parsed), reader: parsed });
      toast('Đã lưu văn bản và giao nhiệm vụ');
      navigate(`#/directives/${r.directive.id}`);
    } catch (err) {
      const map = { date: 'dv-date', issuer: 'dv-issuer', number: 'dv-number' };
      if (!(err.body && map[err.body.field] && setFieldError(form, map[err.body.field], err.message))) mount(msg, alertBox('error', err.message));
      else mount(msg, alertBox('error', err.message));
    }
  });
  mount(el, crumbs('Nhập văn bản'), pageHead('Kiểm tra văn bản trước khi lưu'),
    h('p', { class: 'lead' }, 'Bên trái là nguyên văn; bên phải là các trường đã đọc. Sửa trường nào chưa đúng rồi bấm "Lưu văn bản".'),
    h('div', { class: 'dv-review' },
      h('section', { 'aria-label': 'Nguyên văn' }, h('h2', null, 'Nguyên văn'), h('div', { class: 'dv-original', id: 'dv-original' }, text)),
      h('section', { 'aria-label': 'Các trường đã đọc' }, h('h2', null, 'Các trường đã đọc'), form)));
}
