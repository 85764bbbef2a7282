// page-directive-common.js: what the directive pages share: labels of task statuses and roles, the
// status badge, document titles, dates in Vietnamese, the inline progress-report form (with a file
// upload). Their stylesheet is css/directives.css (print styles included).
import { h, mount } from './dom.js';
import { post, getCsrf, ApiError } from './api.js';
import { button, toast, alertBox } from './ui.js';

export const STATUS_LABELS = { new: 'Mới', in_progress: 'Đang thực hiện', done: 'Hoàn thành', overdue: 'Quá hạn' };
export const ROLE_LABELS = { lead: 'Chủ trì', coordinating: 'Phối hợp', assigned: 'Thực hiện' };
export const KIND_LABELS = {
  phong: 'Phòng chuyên môn', ban: 'Ban', trung_tam: 'Trung tâm', cong_an: 'Công an', quan_su: 'Quân sự',
  doan_the: 'Mặt trận, đoàn thể', ubnd_xa: 'UBND xã, phường', bcd_xa: 'Ban Chỉ đạo xã, phường', khac: 'Khác',
};

// The reader writes document types as codes.
export const TYPE_NAMES = {
  cong_van: 'Công văn', cong_dien: 'Công điện', thong_bao: 'Thông báo', quyet_dinh: 'Quyết định', chi_thi: 'Chỉ thị',
  nghi_quyet: 'Nghị quyết', ke_hoach: 'Kế hoạch', thong_tu: 'Thông tư', nghi_dinh: 'Nghị định', huong_dan: 'Hướng dẫn',
  bao_cao: 'Báo cáo', to_trinh: 'Tờ trình', giay_moi: 'Giấy mời', van_ban: 'Văn bản',
};
export const typeName = (t) => TYPE_NAMES[t] || t || '';

export function statusBadge(status) {
  return h('span', { class: `badge dv-status dv-status-${status}`, dataset: { status } }, STATUS_LABELS[status] || status);
}

// "2021-11-15" -> "15/11/2021"
export function vnDate(s) {
  if (!s) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : s;
}

// "Công văn 2233/UBND-VP" or the subject when unnumbered.
export function docTitle(d) {
  const n = d.number ? `${d.type || 'Văn bản'} ${d.number}` : `${d.type || 'Văn bản'} (chưa số)`;
  return n;
}

export function docLink(d) {
  return h('a', { href: `#/directives/${d.id}`, class: 'dv-doc-link' }, docTitle(d));
}

export const crumbs = (...parts) => h('p', { class: 'crumbs' }, h('a', { href: '#/directives' }, 'Văn bản chỉ đạo'),
  parts.map((p) => [' › ', p]));

// Uploads a file to a report (raw body, its type as Content-Type).
async function upload(taskId, reportId, file) {
  const res = await fetch(`/api/tasks/${taskId}/reports/${reportId}/files?name=${encodeURIComponent(file.name)}`, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'X-CSRF-Token': getCsrf(), 'Content-Type': file.type || 'application/octet-stream' }, body: file,
  });
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

// The progress form of one task; onDone(task) after a report is saved.
export function reportForm(task, onDone) {
  const id = `dv-report-${task.id}`;
  const status = h('select', { id: `${id}-status`, 'aria-label': 'Trạng thái' },
    ['new', 'in_progress', 'done'].map((s) => h('option', { value: s, selected: task.stored_status === s }, STATUS_LABELS[s])));
  const progress = h('input', { type: 'number', min: '0', max: '100', step: '5', id: `${id}-progress`,
    value: String(task.progress || 0), 'aria-label': 'Tiến độ (%)', class: 'dv-progress-input' });
  const note = h('input', { type: 'text', id: `${id}-note`, placeholder: 'Nội dung báo cáo', 'aria-label': 'Nội dung báo cáo' });
  const file = h('input', { type: 'file', id: `${id}-file`, 'aria-label': 'Tệp đính kèm' });
  const msg = h('div', { class: 'dv-report-msg' });
  const save = async (forced) => {
    mount(msg);
    try {
      const body = { status: forced || status.value, progress: Number(progress.value) || 0, note: note.value.trim() };
      const r = await post(`/api/tasks/${task.id}/reports`, body);
      if (file.files[0]) await upload(task.id, r.report_id, file.files[0]);
      toast('Đã ghi nhận báo cáo tiến độ');
      onDone(r.task);
    } catch (e) {
      mount(msg, alertBox('error', e.message));
    }
  };
  return h('form', { class: 'dv-report', id, onsubmit: (e) => { e.preventDefault(); save(); } },
    status, progress, h('span', { class: 'muted' }, '%'), note, file,
    h('button', { type: 'submit', class: 'btn btn-small' }, 'Báo cáo'),
    task.stored_status !== 'done'
      ? button('Hoàn thành', { class: 'btn btn-small btn-primary', dataset: { action: 'done' }, onclick: () => save('done') })
      : null,
    msg);
}
