// page-lab-import.js: the "Nhập kết quả từ phòng xét nghiệm" tab of #/testing: upload a lab's result file
// (CSV or XLSX: "Mã mẫu", "Kết quả" with "Âm tính"/"Dương tính", optionally "Ngày trả kết quả"). The file
// is taken whole or not at all: when a row is refused the page lists every bad row by line and column and
// says that nothing was saved.
import { h, mount } from './dom.js';
import { getCsrf, qs } from './api.js';
import { can } from './session.js';
import { fmtNumber } from './format.js';
import { alertBox, button, emptyState } from './ui.js';

const COLUMN_LABELS = { label: 'Mã mẫu', id: 'Mã số mẫu', result: 'Kết quả', date: 'Ngày trả kết quả', file: 'Tệp' };

function formatOf(file) {
  const n = file.name.toLowerCase();
  return n.endsWith('.xlsx') ? 'xlsx' : n.endsWith('.csv') || n.endsWith('.txt') ? 'csv' : '';
}

async function upload(file, signal) {
  const res = await fetch('/api/lab/imports' + qs({ format: formatOf(file) }), {
    method: 'POST', body: file, signal, credentials: 'same-origin',
    headers: { 'X-CSRF-Token': getCsrf(), 'Content-Type': 'application/octet-stream', Accept: 'application/json' },
  });
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  return { status: res.status, body: body || {} };
}

function errorReport(body) {
  const errors = body.errors || [];
  const count = (body.report && body.report.error_count) || errors.length;
  return h('div', { class: 'alert alert-error', role: 'alert', id: 'lab-import-errors' },
    h('p', null, h('strong', null, `Tệp có ${fmtNumber(count)} dòng lỗi. Chưa ghi kết quả nào; hãy sửa tệp rồi tải lên lại.`)),
    h('ul', { class: 'lab-errors' }, errors.map((e) => h('li', { class: 'lab-error', dataset: { line: String(e.line), field: e.field } },
      `Dòng ${e.line}, cột ${COLUMN_LABELS[e.field] || e.field}: ${e.message}`))),
    count > errors.length ? h('p', null, `… và ${fmtNumber(count - errors.length)} dòng lỗi khác.`) : null);
}

export function renderImportTab(ctx) {
  const { el, signal } = ctx;
  if (!can('lab.write')) {
    mount(el, emptyState('Tài khoản không được nhập kết quả xét nghiệm.'));
    return;
  }
  const fileInput = h('input', { type: 'file', id: 'lab-import-file', class: 'file-input', accept: '.csv,.xlsx,.txt' });
  const info = h('span', { class: 'drop-file', id: 'lab-import-file-info' }, 'Chưa chọn tệp.');
  const drop = h('label', { for: 'lab-import-file', class: 'drop-zone' }, h('span', { class: 'btn' }, 'Chọn tệp…'),
    h('span', { class: 'drop-text' }, 'tệp .csv hoặc .xlsx của phòng xét nghiệm'), info);
  const out = h('div', { id: 'lab-import-result', 'aria-live': 'polite', dataset: { state: 'idle' } });
  const send = button('Nhập kết quả', { id: 'lab-import-submit', disabled: true, onclick: async () => {
    const file = fileInput.files[0];
    if (!file) return;
    send.disabled = true;
    out.dataset.state = 'sending';
    mount(out, h('p', { class: 'muted' }, 'Đang kiểm tra và ghi kết quả…'));
    try {
      const r = await upload(file, signal);
      if (r.status === 200) {
        const rep = r.body.report;
        mount(out, alertBox('success', h('span', { id: 'lab-import-ok' },
          `Đã nhập ${fmtNumber(rep.rows)} dòng: ${fmtNumber(rep.samples)} kết quả mẫu, ${fmtNumber(rep.pools)} kết quả mẫu gộp`,
          rep.unchanged ? `, ${fmtNumber(rep.unchanged)} dòng trùng kết quả đã có.` : '.')));
        out.dataset.state = 'done';
      } else if (r.body.errors && r.body.errors.length) {
        mount(out, errorReport(r.body));
        out.dataset.state = 'rejected';
      } else {
        mount(out, alertBox('error', r.body.message || 'Không nhập được tệp.'));
        out.dataset.state = 'failed';
      }
    } catch (e) {
      mount(out, alertBox('error', e.message));
      out.dataset.state = 'failed';
    }
    send.disabled = false;
  } });
  fileInput.addEventListener('change', () => {
    const f = fileInput.files[0];
    info.textContent = f ? `${f.name} — ${fmtNumber(Math.ceil(f.size / 1024))} KB` : 'Chưa chọn tệp.';
    send.disabled = !f || !formatOf(f);
    if (f && !formatOf(f)) mount(out, alertBox('error', 'Chỉ nhận tệp .csv hoặc .xlsx'));
  });
  mount(el,
    h('p', null, 'Tệp cần có cột ', h('strong', null, 'Mã mẫu'), ' (mã ống in trên nhãn, hoặc mã mẫu gộp), cột ',
      h('strong', null, 'Kết quả'), ' (Âm tính, Dương tính, Không xác định) và có thể có cột ', h('strong', null, 'Ngày trả kết quả'),
      ' (ngày/tháng/năm). Toàn bộ tệp được kiểm tra trước: chỉ cần một dòng lỗi thì không ghi dòng nào.'),
    h('div', { class: 'field field-wide drop-field' }, fileInput, drop), send, out);
}
