// page-quarantine-common.js: labels and styles shared by the quarantine ("Cách ly") and treatment
// ("Điều trị") pages.
import { h } from './dom.js';

export const PLACE_LABELS = { centralised: 'Tập trung', home: 'Tại nhà', hotel: 'Khách sạn' };
export const PHASE_LABELS = {
  pending: 'Chờ bắt đầu', active: 'Đang cách ly', monitoring: 'Theo dõi sau cách ly', finished: 'Đã kết thúc', cancelled: 'Đã hủy',
};
export const SYMPTOM_LABELS = {
  fever: 'Sốt', cough: 'Ho', breath: 'Khó thở', sore_throat: 'Đau họng', taste_smell: 'Mất vị giác/khứu giác',
  nausea: 'Buồn nôn', diarrhoea: 'Tiêu chảy',
};
export const COLOUR_LABELS = { green: 'Xanh – nguy cơ thấp', yellow: 'Vàng – trung bình', orange: 'Cam – cao', red: 'Đỏ – rất cao' };
export const KIND_LABELS = {
  quarantine: 'Khu cách ly tập trung', hotel: 'Khách sạn cách ly', treatment: 'Cơ sở điều trị', mobile_station: 'Trạm y tế lưu động',
};

export function colourBadge(colour) {
  return h('span', { class: `colour colour-${colour || 'none'}`, dataset: { colour: colour || 'none' } },
    colour ? COLOUR_LABELS[colour] : 'Chưa phân loại');
}

// Tabs over panels: [{key, label, count, render(panel)}]; the first is shown.
export function tabs(items, { id, selected } = {}) {
  const bar = h('div', { class: 'q-tabs', role: 'tablist', id });
  const panel = h('div', { role: 'tabpanel' });
  const buttons = items.map((it) => {
    const b = h('button', { type: 'button', class: 'btn', role: 'tab', dataset: { tab: it.key } }, it.label,
      it.count !== undefined ? h('span', { class: 'q-count' }, String(it.count)) : null);
    b.addEventListener('click', () => show(it.key));
    return b;
  });
  bar.append(...buttons);
  function show(key) {
    items.forEach((it, i) => buttons[i].setAttribute('aria-selected', String(it.key === key)));
    const it = items.find((x) => x.key === key) || items[0];
    panel.replaceChildren();
    panel.dataset.tab = it.key;
    it.render(panel);
  }
  show(selected || items[0].key);
  return h('div', null, bar, panel);
}

export function personCell(r) {
  return h('span', null, h('strong', null, r.full_name),
    r.phone ? h('a', { class: 'cell-sub', href: `tel:${r.phone}` }, r.phone) : null,
    h('span', { class: 'cell-sub' }, [r.address, r.unit_name].filter(Boolean).join(' · ')));
}
