// page-directive-draft.js: "Soạn văn bản thực hiện" (#/directives/:id/draft): a draft implementing
// dispatch of the account's unit from a received one (GET /api/directives/:id/draft): every part is
// editable (header, number, place and date, V/v, Kính gửi, the basis, the items, Nơi nhận, the signer);
// beside it the print view laid out as Decree 30/2020/NĐ-CP's công văn (print CSS: A4, Times New Roman),
// a Print button and the .docx download (POST /api/directives/draft.docx).
import { h, mount } from './dom.js';
import { get, getCsrf, ApiError, isAbort } from './api.js';
import { pageHead, field, loading, showError, button, alertBox } from './ui.js';
import { crumbs } from './page-directive-common.js';

const lines = (a) => (Array.isArray(a) ? a.join('\n') : '');
const unlines = (s) => s.split('\n').map((x) => x.trim()).filter(Boolean);

function dateLine(d) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d.date || '');
  return m ? `${d.place}, ngày ${m[3]} tháng ${m[2]} năm ${m[1]}` : `${d.place}, ngày    tháng    năm`;
}

function itemLine(it) {
  const l = it.label || '';
  return `${l}${!l ? '' : /[.)]$/.test(l) ? ' ' : '. '}${it.text}`;
}

// The print view of a draft.
export function paper(d) {
  const rec = d.recipients || [];
  return h('article', { class: 'dv-paper', id: 'dv-paper' },
    h('div', { class: 'dv-head' },
      h('div', null, h('p', { class: 'dv-b' }, d.issuer_lines[0] || ''), h('p', { class: 'dv-b dv-u' }, d.issuer_lines[1] || ''),
        h('p', null, `Số: ${d.number}`), h('p', { class: 'dv-vv' }, d.subject)),
      h('div', null, h('p', { class: 'dv-b' }, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'),
        h('p', { class: 'dv-b dv-u' }, 'Độc lập - Tự do - Hạnh phúc'), h('p', { class: 'dv-i' }, dateLine(d)))),
    rec.length === 1 ? h('p', { class: 'dv-to' }, `Kính gửi: ${rec[0]}`)
      : [h('p', { class: 'dv-to' }, 'Kính gửi:'), rec.map((r) => h('p', { class: 'dv-par' }, `- ${r};`))],
    h('p', { class: 'dv-par' }, d.basis),
    d.items.map((it) => h('p', { class: 'dv-par' }, itemLine(it))),
    h('p', { class: 'dv-par' }, d.closing),
    h('div', { class: 'dv-foot' },
      h('div', { class: 'dv-nn' }, h('p', { class: 'dv-nn-title' }, 'Nơi nhận:'), d.noi_nhan.map((n) => h('p', null, `- ${n}`))),
      h('div', { class: 'dv-sign' }, h('p', null, d.signer.authority), h('p', null, d.signer.title),
        h('p', { class: 'dv-sign-name' }, d.signer.name || ''))));
}

async function downloadDocx(draft, msg) {
  mount(msg);
  try {
    const res = await fetch('/api/directives/draft.docx', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'X-CSRF-Token': getCsrf(), 'Content-Type': 'application/json' }, body: JSON.stringify({ draft }),
    });
    if (!res.ok) {
      let body = null;
      try { body = await res.json(); } catch { body = null; }
      throw new ApiError(res.status, body);
    }
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: 'du-thao-cong-van.docx' });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) { mount(msg, alertBox('error', e.message)); }
}

function editor(d, onChange) {
  const bind = (id, label, get, set, rows) => {
    const inp = rows ? h('textarea', { id, rows }, get()) : h('input', { type: 'text', id, value: get() });
    inp.addEventListener('input', () => { set(inp.value); onChange(); });
    return field({ label, id, input: inp, wide: !!rows });
  };
  return h('form', { class: 'form dv-draft-edit', id: 'dv-draft-form', onsubmit: (e) => e.preventDefault() },
    h('div', { class: 'grid' },
      bind('dv-d-l1', 'Dòng 1 (cơ quan)', () => d.issuer_lines[0], (v) => { d.issuer_lines[0] = v; }),
      bind('dv-d-l2', 'Dòng 2 (cơ quan)', () => d.issuer_lines[1], (v) => { d.issuer_lines[1] = v; }),
      bind('dv-d-number', 'Số, ký hiệu', () => d.number, (v) => { d.number = v; }),
      bind('dv-d-place', 'Địa danh', () => d.place, (v) => { d.place = v; }),
      bind('dv-d-date', 'Ngày (YYYY-MM-DD)', () => d.date, (v) => { d.date = v; })),
    bind('dv-d-subject', 'Trích yếu (V/v)', () => d.subject, (v) => { d.subject = v; }, 2),
    bind('dv-d-recipients', 'Kính gửi (mỗi dòng một nơi)', () => lines(d.recipients), (v) => { d.recipients = unlines(v); }, 3),
    bind('dv-d-basis', 'Căn cứ', () => d.basis, (v) => { d.basis = v; }, 3),
    d.items.map((it, i) => bind(`dv-d-item-${i}`, `Mục ${it.label || i + 1}`, () => it.text, (v) => { it.text = v; }, 3)),
    bind('dv-d-closing', 'Kết thúc', () => d.closing, (v) => { d.closing = v; }, 2),
    bind('dv-d-noi-nhan', 'Nơi nhận (mỗi dòng một nơi)', () => lines(d.noi_nhan), (v) => { d.noi_nhan = unlines(v); }, 3),
    h('div', { class: 'grid' },
      bind('dv-d-authority', 'Thẩm quyền ký', () => d.signer.authority, (v) => { d.signer.authority = v; }),
      bind('dv-d-title', 'Chức vụ', () => d.signer.title, (v) => { d.signer.title = v; }),
      bind('dv-d-signer', 'Người ký', () => d.signer.name, (v) => { d.signer.name = v; })));
}

export function renderDirectiveDraft(ctx) {
  const { el, params, signal } = ctx;
  mount(el, loading());
  get(`/api/directives/${params.id}/draft`, null, { signal }).then(({ draft }) => {
    const view = h('div', { id: 'dv-paper-wrap' }, paper(draft));
    const msg = h('div');
    const form = editor(draft, () => mount(view, paper(draft)));
    mount(el, crumbs(h('a', { href: `#/directives/${params.id}` }, 'Văn bản nhận'), 'Soạn văn bản thực hiện'),
      pageHead('Soạn văn bản thực hiện',
        button('In', { class: 'btn btn-light', id: 'dv-print', onclick: () => window.print() }),
        button('Tải .docx', { class: 'btn btn-primary', id: 'dv-docx', onclick: () => downloadDocx(draft, msg) })),
      msg, h('div', { class: 'dv-review' }, form, view));
  }).catch((e) => { if (!isAbort(e)) showError(el, e); });
}
