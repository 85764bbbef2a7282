// page-import.js: "Nhập dữ liệu": import people from a CSV/XLSX file. Upload with XMLHttpRequest (upload
// progress bar), then poll GET /api/imports/ID (processing progress bar), then the result: rows
// imported, or the rejected rows (Dòng, Cột, Lỗi) and the statement that nothing was imported.
import { h, mount } from './dom.js';
import { get, getCsrf, qs, ApiError, notifyUnauthorized, isAbort } from './api.js';
import { fmtNumber, fieldLabel } from './format.js';
import { pageHead, alertBox, progressBar, dataTable, button } from './ui.js';
import { unitPicker } from './unitpicker.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const POLL_MS = 400;

function formatOf(file) {
  const n = file.name.toLowerCase();
  if (n.endsWith('.xlsx')) return 'xlsx';
  if (n.endsWith('.csv') || n.endsWith('.txt')) return 'csv';
  return '';
}

function fmtSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1).replace('.', ',')} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}

// POSTs the file; onProgress(loaded, total). Resolves with the JSON answer or rejects with ApiError.
function upload(file, format, unit, onProgress, signal) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/imports' + qs({ format, unit }));
    xhr.setRequestHeader('Content-Type', format === 'xlsx' ? XLSX_TYPE : 'text/csv');
    xhr.setRequestHeader('X-CSRF-Token', getCsrf());
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size));
    xhr.addEventListener('load', () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(data || {}); return; }
      if (xhr.status === 401) notifyUnauthorized();
      reject(new ApiError(xhr.status, data, xhr.getResponseHeader('Retry-After')));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, null)));
    xhr.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    if (signal) signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(t); reject(new DOMException('aborted', 'AbortError')); }, { once: true });
});

export function renderImport(ctx) {
  const { el, signal } = ctx;
  // The native file button speaks the browser's language; a labelled drop zone speaks Vietnamese.
  const fileInput = h('input', { type: 'file', id: 'import-file', class: 'file-input', accept: '.csv,.xlsx,text/csv,' + XLSX_TYPE });
  const fileInfo = h('span', { class: 'drop-file', id: 'import-file-info' }, 'Chưa chọn tệp.');
  const drop = h('label', { for: 'import-file', class: 'drop-zone' },
    h('span', { class: 'btn' }, 'Chọn tệp…'),
    h('span', { class: 'drop-text' }, 'hoặc kéo thả tệp .csv / .xlsx vào đây'),
    fileInfo);
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('is-over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('is-over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('is-over');
    if (e.dataTransfer && e.dataTransfer.files.length && !fileInput.disabled) {
      fileInput.files = e.dataTransfer.files;
      fileInput.dispatchEvent(new Event('change'));
    }
  });
  const picker = unitPicker({ id: 'import-unit', depth: 3, mode: 'choice',
    labels: { 3: 'Xã/phường/thị trấn mặc định' } });
  const start = h('button', { type: 'submit', class: 'btn btn-primary', id: 'import-start', disabled: true }, 'Tải lên và nhập');
  const stage = h('section', { class: 'panel', id: 'import-stage', hidden: true, dataset: { state: 'idle' } });
  const form = h('form', { class: 'form', id: 'import-form' },
    h('fieldset', { class: 'panel' }, h('legend', null, 'Bước 1. Chọn tệp'),
      h('div', { class: 'field field-wide drop-field' }, h('span', { class: 'field-label' }, 'Tệp dữ liệu (CSV hoặc Excel .xlsx, tối đa 200 MB)'),
        fileInput, drop)),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Bước 2. Xã/phường mặc định (không bắt buộc)'),
      h('p', { class: 'hint' }, 'Dùng cho các dòng không có cột đơn vị. Nếu tệp đã có cột mã xã thì có thể bỏ qua bước này.'),
      h('div', { class: 'grid grid-units' }, picker.el)),
    h('div', { class: 'form-actions' }, start));

  fileInput.addEventListener('change', () => {
    const f = fileInput.files[0];
    if (!f) { fileInfo.textContent = 'Chưa chọn tệp.'; start.disabled = true; return; }
    const fmt = formatOf(f);
    fileInfo.textContent = fmt ? `${f.name} — ${fmtSize(f.size)} — định dạng ${fmt.toUpperCase()}`
      : `${f.name}: chỉ nhận tệp .csv hoặc .xlsx.`;
    fileInfo.classList.toggle('field-error', !fmt);
    drop.classList.toggle('has-file', !!fmt);
    start.disabled = !fmt;
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = fileInput.files[0];
    if (!file || !formatOf(file)) return;
    const unit = picker.codeAt(3);
    fileInput.disabled = true;
    start.disabled = true;
    stage.hidden = false;
    stage.dataset.state = 'uploading';
    const up = progressBar('upload-progress', 'Tải tệp lên máy chủ');
    const proc = progressBar('process-progress', 'Kiểm tra và ghi dữ liệu');
    const result = h('div', { id: 'import-result', 'aria-live': 'polite' });
    mount(stage, h('h2', null, 'Bước 3. Tiến trình nhập'), up.el, proc.el, result);
    proc.el.hidden = true;
    up.set(0, file.size);
    try {
      const res = await upload(file, formatOf(file), unit, (loaded, total) => {
        const pct = up.set(loaded, total);
        up.text(`${fmtSize(loaded)} / ${fmtSize(total)} (${pct}%)`);
      }, signal);
      up.set(1, 1);
      up.text(`Đã tải lên ${fmtSize(file.size)}.`);
      proc.el.hidden = false;
      stage.dataset.state = 'processing';
      let job = res.job;
      for (;;) {
        showProgress(proc, job);
        if (job.state !== 'running') break;
        await sleep(POLL_MS, signal);
        job = (await get('/api/imports/' + encodeURIComponent(job.id), null, { signal })).job;
      }
      stage.dataset.state = job.state;
      mount(result, renderResult(job));
    } catch (err) {
      if (isAbort(err)) return;
      stage.dataset.state = 'error';
      mount(result, alertBox('error', h('strong', null, 'Không nhập được tệp. '), err.message,
        ' Không có dòng nào được nhập.'));
    }
    mount(stage.querySelector('.stage-actions') || stage.appendChild(h('div', { class: 'form-actions stage-actions' })),
      button('Nhập tệp khác', { class: 'btn', onclick: () => renderImport(ctx) }),
      h('a', { class: 'btn btn-light', href: '#/people' }, 'Xem danh sách dân cư'));
  });

  mount(el,
    pageHead('Nhập dữ liệu dân cư'),
    alertBox('info', 'Tệp được kiểm tra toàn bộ trước khi ghi: ', h('strong', null, 'nếu có bất kỳ dòng nào sai thì không dòng nào được nhập'),
      '. Hãy sửa các dòng bị báo lỗi rồi nhập lại cả tệp. Cột tiêu đề có thể viết tiếng Việt (ví dụ “Họ và tên”, “Ngày sinh”, “Số CCCD”) hoặc tiếng Anh (full_name, birth_date, id_number).'),
    form, stage);
}

function showProgress(proc, job) {
  const total = Number(job.total || 0);
  const done = Number(job.done || 0);
  const pct = proc.set(done, total);
  const phase = job.phase === 'write' ? 'Đang ghi dữ liệu' : 'Đang kiểm tra dữ liệu';
  if (job.state === 'running') proc.text(`${phase}: ${fmtNumber(done)}${total ? ' / ' + fmtNumber(total) + ` dòng (${pct}%)` : ' dòng'}`);
  else { proc.set(1, 1); proc.text(`Đã xử lý ${fmtNumber(job.rows_total || done)} dòng.`); }
}

function renderResult(job) {
  if (job.state === 'done') {
    return alertBox('success', h('strong', null, `Đã nhập thành công ${fmtNumber(job.rows_imported)} dòng`),
      ` (trên tổng số ${fmtNumber(job.rows_total)} dòng của tệp).`);
  }
  if (job.state === 'rejected') {
    const errors = job.errors || [];
    const count = Number(job.error_count || errors.length);
    return h('div', null,
      alertBox('error', h('p', { id: 'import-nothing' }, h('strong', null, 'Không có dòng nào được nhập. '),
        `Tệp có ${fmtNumber(count)} lỗi trong ${fmtNumber(job.rows_total)} dòng dữ liệu, nên toàn bộ tệp bị từ chối và cơ sở dữ liệu không thay đổi.`),
        h('p', null, 'Hãy sửa các lỗi dưới đây trong tệp rồi nhập lại cả tệp.')),
      dataTable([
        { label: 'Dòng', class: 'num', cell: (x) => (x.line ? String(x.line) : 'Cả tệp') },
        { label: 'Cột', cell: (x) => (x.field ? fieldLabel(x.field) + (fieldLabel(x.field) !== x.field ? ` (${x.field})` : '') : '') },
        { label: 'Lỗi', cell: (x) => x.message || '' },
      ], errors, { id: 'import-errors', rowClass: 'import-error-row', caption: 'Các dòng bị từ chối' }),
      count > errors.length ? h('p', { class: 'hint' }, `Chỉ hiển thị ${fmtNumber(errors.length)} lỗi đầu tiên trong tổng số ${fmtNumber(count)} lỗi.`) : null);
  }
  return alertBox('error', h('strong', null, 'Không nhập được tệp. '), job.message || 'Lỗi không xác định.',
    ' Không có dòng nào được nhập.');
}
