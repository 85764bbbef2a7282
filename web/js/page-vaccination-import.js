// page-vaccination-import.js: "Nhập từ nền tảng tiêm chủng": upload the national platform's spreadsheet
// (CSV or XLSX: Họ và tên, Ngày sinh, Giới tính, CCCD/CMND, SĐT, Mũi tiêm, Tên vắc xin, Số lô, Ngày tiêm,
// Nơi tiêm). All or nothing: with any bad row nothing is written and each bad row is listed by line and field.
import { h, mount } from './dom.js';
import { getCsrf } from './api.js';
import { pageHead, dataTable, button, alertBox, loading, field } from './ui.js';
import { vaccTabs } from './page-vaccination-common.js';

const FIELD_NAMES = { full_name: 'Họ và tên', birth_date: 'Ngày sinh', sex: 'Giới tính', id_number: 'CCCD/CMND', phone: 'SĐT',
  dose_number: 'Mũi tiêm', product: 'Tên vắc xin', lot: 'Số lô', given_on: 'Ngày tiêm', place: 'Nơi tiêm', file: 'Tệp' };

async function upload(file) {
  const format = /\.xlsx$/i.test(file.name) ? 'xlsx' : 'csv';
  const res = await fetch(`/api/vaccination/imports?format=${format}`, {
    method: 'POST', credentials: 'same-origin', body: file,
    headers: { 'X-CSRF-Token': getCsrf(), 'Content-Type': format === 'xlsx'
      ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv', Accept: 'application/json' },
  });
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  return { status: res.status, body: body || {} };
}

function report(r) {
  const rep = r.body.report;
  if (r.status === 200) {
    return alertBox('success', h('span', { id: 'vimport-ok' },
      `Đã nhập ${rep.rows_imported} mũi tiêm${rep.rows_skipped ? `, ${rep.rows_skipped} dòng đã có từ trước` : ''}.`));
  }
  const errs = rep ? rep.errors : [];
  return h('div', null, alertBox('error', h('span', { id: 'vimport-failed' },
    `${r.body.message || 'Không nhập được tệp.'} Không có mũi tiêm nào được ghi.`)),
  errs.length ? dataTable([
    { label: 'Dòng', cell: (e) => String(e.line) },
    { label: 'Cột', cell: (e) => FIELD_NAMES[e.field] || e.field },
    { label: 'Lỗi', cell: (e) => e.message },
  ], errs, { id: 'vimport-errors' }) : null);
}

export function renderVaccImport(ctx) {
  const { el } = ctx;
  const file = h('input', { type: 'file', id: 'vimport-file', accept: '.csv,.xlsx,text/csv' });
  const out = h('div', { id: 'vimport-result' });
  const go = button('Nhập', { class: 'btn btn-primary', id: 'vimport-go', onclick: async () => {
    if (!file.files[0]) { mount(out, alertBox('error', 'Chưa chọn tệp.')); return; }
    go.disabled = true;
    mount(out, loading('Đang kiểm tra và nhập…'));
    try {
      mount(out, report(await upload(file.files[0])));
    } catch {
      mount(out, alertBox('error', 'Không kết nối được tới máy chủ.'));
    } finally {
      go.disabled = false;
    }
  } });
  mount(el, pageHead('Nhập dữ liệu tiêm chủng'), vaccTabs('/vaccination/import'),
    h('p', { class: 'lead' }, 'Tệp CSV hoặc XLSX xuất từ nền tảng quản lý tiêm chủng, các cột: Họ và tên, Ngày sinh, Giới tính, '
      + 'CCCD/CMND, SĐT, Mũi tiêm, Tên vắc xin, Số lô, Ngày tiêm, Nơi tiêm. Người tiêm được tìm theo CCCD/CMND, '
      + 'hoặc theo số điện thoại và họ tên, trong phạm vi của bạn. Nếu có dòng lỗi, không dòng nào được nhập.'),
    field({ label: 'Tệp dữ liệu', id: 'vimport-file', input: file }), go, out);
}
