// page-ingest.js: "Nhận dữ liệu từ hệ thống khác": upload a file of check-ins or health declarations
// exported by another system (CSV, Excel .xlsx or JSON Lines), follow the background job, then show
// how many rows were new, how many were already received (skipped) or, when the file was refused,
// every rejected row by line and column (nothing is stored then).
import { h, mount } from './dom.js';
import { get, getCsrf, qs, ApiError, notifyUnauthorized, isAbort } from './api.js';
import { fmtNumber } from './format.js';
import { pageHead, alertBox, progressBar, dataTable, button } from './ui.js';

const POLL_MS = 400;
const KINDS = [
  ['checkins', 'Lượt check-in (quét mã QR tại địa điểm)'],
  ['declarations', 'Khai báo y tế'],
];
const COLUMNS = {
  checkins: 'external_id (mã bản ghi), venue (mã địa điểm hoặc mã trên áp phích), person (số CCCD, CMND, hộ chiếu hoặc số điện thoại), in_at (giờ vào), out_at (giờ ra, có thể để trống)',
  declarations: 'external_id, declared_at (thời điểm khai), kind (full/daily), full_name, birth_date, sex, id_number, phone, unit_code, address, symptoms, exposures, vaccine_doses, travel, places, note',
};
const FIELD_LABELS = {
  external_id: 'Mã bản ghi', venue: 'Địa điểm', person: 'Người', in_at: 'Giờ vào', out_at: 'Giờ ra', header: 'Tiêu đề',
  declared_at: 'Thời điểm khai', full_name: 'Họ và tên', birth_date: 'Ngày sinh', unit_code: 'Mã xã', symptoms: 'Triệu chứng',
  exposures: 'Yếu tố dịch tễ', id_number: 'Số giấy tờ', phone: 'Số điện thoại', kind: 'Loại khai báo', file: 'Tệp',
};

function formatOf(file) {
  const n = file.name.toLowerCase();
  if (n.endsWith('.xlsx')) return 'xlsx';
  if (n.endsWith('.jsonl') || n.endsWith('.ndjson') || n.endsWith('.json')) return 'jsonl';
  if (n.endsWith('.csv') || n.endsWith('.txt')) return 'csv';
  return '';
}

function upload(file, kind, onProgress, signal) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/ingest' + qs({ kind, format: formatOf(file), name: file.name }));
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
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

function renderResult(job) {
  const what = job.kind === 'declarations' ? 'khai báo y tế' : 'lượt check-in';
  if (job.state === 'done') {
    return alertBox('success', h('p', { id: 'ingest-done' }, h('strong', null, `Đã nhận ${fmtNumber(job.rows_inserted)} ${what} mới`),
      ` từ ${fmtNumber(job.rows_total)} dòng của tệp.`),
    job.rows_skipped ? h('p', { id: 'ingest-skipped' }, `${fmtNumber(job.rows_skipped)} dòng đã được nhận từ trước (cùng mã bản ghi) nên được bỏ qua, không ghi lặp.`) : null);
  }
  if (job.state === 'rejected') {
    const errors = job.errors || [];
    return h('div', null,
      alertBox('error', h('p', { id: 'ingest-nothing' }, h('strong', null, 'Không có dòng nào được nhận. '),
        `Tệp có ${fmtNumber(job.error_count)} lỗi trong ${fmtNumber(job.rows_total)} dòng, nên toàn bộ tệp bị từ chối và cơ sở dữ liệu không thay đổi.`),
        h('p', null, 'Hãy sửa các dòng dưới đây rồi gửi lại cả tệp; các dòng đã nhận từ trước sẽ được bỏ qua.')),
      dataTable([
        { label: 'Dòng', class: 'num', cell: (x) => (x.line ? String(x.line) : 'Cả tệp') },
        { label: 'Cột', cell: (x) => (x.field ? `${FIELD_LABELS[x.field] || x.field} (${x.field})` : '') },
        { label: 'Lỗi', cell: (x) => x.message || '' },
      ], errors, { id: 'ingest-errors', rowClass: 'ingest-error-row', caption: 'Các dòng bị từ chối' }),
      job.error_count > errors.length ? h('p', { class: 'hint' }, `Chỉ hiển thị ${fmtNumber(errors.length)} lỗi đầu tiên.`) : null);
  }
  return alertBox('error', h('strong', null, 'Không nhận được tệp. '), job.message || '', ' Không có dòng nào được ghi.');
}

export function renderIngest(ctx) {
  const { el, signal } = ctx;
  const kind = h('select', { id: 'ingest-kind' }, KINDS.map(([v, l]) => h('option', { value: v }, l)));
  const columns = h('p', { class: 'hint', id: 'ingest-columns' }, 'Các cột: ' + COLUMNS.checkins);
  kind.addEventListener('change', () => { columns.textContent = 'Các cột: ' + COLUMNS[kind.value]; });
  const fileInput = h('input', { type: 'file', id: 'ingest-file', class: 'file-input', accept: '.csv,.xlsx,.jsonl,.ndjson,.json,.txt' });
  const fileInfo = h('span', { class: 'drop-file', id: 'ingest-file-info' }, 'Chưa chọn tệp.');
  const drop = h('label', { for: 'ingest-file', class: 'drop-zone' },
    h('span', { class: 'btn' }, 'Chọn tệp…'), h('span', { class: 'drop-text' }, 'tệp .csv, .xlsx hoặc .jsonl'), fileInfo);
  const start = h('button', { type: 'submit', class: 'btn btn-primary', id: 'ingest-start', disabled: true }, 'Gửi và nhận dữ liệu');
  const stage = h('section', { class: 'panel', id: 'ingest-stage', hidden: true, dataset: { state: 'idle' } });
  fileInput.addEventListener('change', () => {
    const f = fileInput.files[0];
    const fmt = f ? formatOf(f) : '';
    fileInfo.textContent = !f ? 'Chưa chọn tệp.' : fmt ? `${f.name} — ${fmtNumber(Math.ceil(f.size / 1024))} KB — ${fmt.toUpperCase()}`
      : `${f.name}: chỉ nhận tệp .csv, .xlsx hoặc .jsonl.`;
    start.disabled = !fmt;
  });
  const form = h('form', { class: 'form', id: 'ingest-form' },
    h('fieldset', { class: 'panel' }, h('legend', null, 'Bước 1. Loại dữ liệu'),
      h('div', { class: 'field field-wide' }, h('label', { for: 'ingest-kind' }, 'Dữ liệu trong tệp'), kind, columns)),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Bước 2. Chọn tệp'),
      h('div', { class: 'field field-wide drop-field' }, fileInput, drop)),
    h('div', { class: 'form-actions' }, start));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = fileInput.files[0];
    if (!file || !formatOf(file)) return;
    start.disabled = true;
    fileInput.disabled = true;
    kind.disabled = true;
    stage.hidden = false;
    stage.dataset.state = 'uploading';
    const up = progressBar('ingest-upload', 'Tải tệp lên máy chủ');
    const proc = progressBar('ingest-process', 'Kiểm tra và ghi dữ liệu');
    const result = h('div', { id: 'ingest-result', 'aria-live': 'polite' });
    mount(stage, h('h2', null, 'Bước 3. Tiến trình'), up.el, proc.el, result);
    try {
      const res = await upload(file, kind.value, (loaded, total) => up.set(loaded, total), signal);
      up.set(1, 1);
      stage.dataset.state = 'processing';
      let job = res.job;
      for (;;) {
        proc.set(job.done, job.total);
        proc.text(job.state === 'running' ? `${job.phase === 'index' ? 'Đang dựng chỉ mục' : job.phase === 'write' ? 'Đang lưu' : 'Đang kiểm tra'}: ${fmtNumber(job.done)} dòng`
          : `Đã xử lý ${fmtNumber(job.rows_total)} dòng.`);
        if (job.state !== 'running') break;
        await sleep(POLL_MS, signal);
        job = (await get('/api/ingest/' + encodeURIComponent(job.id), null, { signal })).job;
      }
      proc.set(1, 1);
      stage.dataset.state = job.state;
      mount(result, renderResult(job));
    } catch (err) {
      if (isAbort(err)) return;
      stage.dataset.state = 'error';
      mount(result, alertBox('error', h('strong', null, 'Không nhận được tệp. '), err.message));
    }
    stage.appendChild(h('div', { class: 'form-actions' }, button('Gửi tệp khác', { class: 'btn', onclick: () => renderIngest(ctx) })));
  });

  mount(el,
    pageHead('Nhận dữ liệu từ hệ thống khác'),
    alertBox('info', 'Mỗi dòng cần một mã bản ghi (external_id) do hệ thống gửi đặt: dòng gửi lại được nhận ra và bỏ qua, không ghi hai lần. ',
      h('strong', null, 'Nếu có dòng nào sai thì không dòng nào được nhận'), '; hãy sửa rồi gửi lại cả tệp.'),
    form, stage);
}
