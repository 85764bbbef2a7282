// page-quarantine-facility.js: the form that adds a facility (#/quarantine, tab "Cơ sở"): a centralised
// quarantine site or hotel (quarantine.write), a treatment facility of a tier or a mobile medical station
// with its team (care.write), in a commune of the account's scope.
import { h, mount } from './dom.js';
import { post } from './api.js';
import { can } from './session.js';
import { field, input, select, button, toast, alertBox, setFieldError, clearFieldErrors } from './ui.js';
import { unitPicker } from './unitpicker.js';
import { KIND_LABELS } from './page-quarantine-common.js';

// The form's input id of each field an error may name.
const FIELD_IDS = {
  kind: 'fac-kind', name: 'fac-name', beds: 'fac-beds', tier: 'fac-tier', icu_beds: 'fac-icu', address: 'fac-address',
  phone: 'fac-phone', team: 'fac-team', unit_code: 'fac-unit-3',
};

// The kinds this account may add.
function allowedKinds() {
  const kinds = [];
  if (can('quarantine.write')) kinds.push('quarantine', 'hotel');
  if (can('care.write')) kinds.push('treatment', 'mobile_station');
  return kinds;
}

export function facilityForm(after) {
  const kinds = allowedKinds();
  if (!kinds.length) return null;
  const kind = select(kinds.map((k) => [k, KIND_LABELS[k]]), { id: 'fac-kind' });
  const name = input({ id: 'fac-name', maxlength: 160 });
  const tier = select([['1', 'Tầng 1'], ['2', 'Tầng 2'], ['3', 'Tầng 3']], { id: 'fac-tier' });
  const beds = input({ id: 'fac-beds', type: 'number', min: 0, value: '0' });
  const icu = input({ id: 'fac-icu', type: 'number', min: 0, value: '0' });
  const address = input({ id: 'fac-address', maxlength: 300 });
  const phone = input({ id: 'fac-phone', maxlength: 20 });
  const team = h('textarea', { id: 'fac-team', rows: 3, placeholder: 'Mỗi thành viên một dòng' });
  const picker = unitPicker({ id: 'fac-unit', depth: 3, mode: 'form' });
  const tierField = field({ label: 'Tầng điều trị', id: 'fac-tier', input: tier });
  const icuField = field({ label: 'Giường hồi sức (ICU)', id: 'fac-icu', input: icu });
  const teamField = field({ label: 'Đội của trạm', id: 'fac-team', input: team, wide: true });
  const showFor = () => {
    tierField.hidden = kind.value !== 'treatment';
    icuField.hidden = kind.value !== 'treatment';
    teamField.hidden = kind.value !== 'mobile_station';
  };
  kind.addEventListener('change', showFor);
  showFor();
  const general = h('div', { id: 'fac-error' });
  const form = h('form', { class: 'panel', id: 'facility-form', novalidate: true },
    h('h2', null, 'Thêm cơ sở'),
    h('div', { class: 'grid' },
      field({ label: 'Loại cơ sở', id: 'fac-kind', input: kind, required: true }),
      field({ label: 'Tên cơ sở', id: 'fac-name', input: name, required: true }),
      tierField,
      field({ label: 'Số giường', id: 'fac-beds', input: beds, required: true }),
      icuField,
      field({ label: 'Địa chỉ', id: 'fac-address', input: address }),
      field({ label: 'Điện thoại', id: 'fac-phone', input: phone }),
      teamField),
    h('div', { class: 'grid grid-units' }, picker.el),
    general, button('Thêm cơ sở', { type: 'submit', class: 'btn btn-primary', id: 'fac-save' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    mount(general);
    const body = {
      kind: kind.value, name: name.value.trim(), beds: Number(beds.value || 0), address: address.value.trim(),
      phone: phone.value.trim(), unit_code: picker.codeAt(3),
    };
    if (kind.value === 'treatment') Object.assign(body, { tier: Number(tier.value), icu_beds: Number(icu.value || 0) });
    if (kind.value === 'mobile_station') body.team = team.value.trim();
    try {
      await post('/api/quarantine/facilities', body);
      toast(`Đã thêm ${KIND_LABELS[kind.value].toLowerCase()} ${body.name}.`);
      after();
    } catch (e) {
      const errs = (e.body && e.body.errors) || [{ field: e.body && e.body.field, message: e.message }];
      let shown = false;
      for (const x of errs) shown = setFieldError(form, FIELD_IDS[x.field] || '', x.message) || shown;
      if (!shown) mount(general, alertBox('error', e.message));
    }
  });
  return form;
}
