// format.js: Vietnamese labels and display formats for dates, numbers, roles and person fields.

export const ROLE_LABELS = {
  admin: 'Quản trị hệ thống',
  province: 'Cán bộ cấp tỉnh',
  district: 'Cán bộ cấp huyện',
  commune: 'Cán bộ cấp xã',
  team: 'Tổ COVID cộng đồng',
  viewer: 'Người xem',
};

export const SEX_LABELS = { M: 'Nam', F: 'Nữ', '': 'Không rõ' };
export const ID_TYPE_LABELS = { cccd: 'CCCD', cmnd: 'CMND', passport: 'Hộ chiếu', '': 'Không có' };

export const FIELD_LABELS = {
  full_name: 'Họ và tên',
  birth_date: 'Ngày sinh',
  sex: 'Giới tính',
  id_type: 'Loại giấy tờ',
  id_number: 'Số giấy tờ',
  phone: 'Số điện thoại',
  nationality: 'Quốc tịch',
  unit_code: 'Xã/phường/thị trấn',
  area_code: 'Thôn/tổ dân phố',
  address: 'Địa chỉ',
  household_id: 'Mã hộ gia đình',
  relation: 'Quan hệ với chủ hộ',
  occupation: 'Nghề nghiệp',
  note: 'Ghi chú',
  district_code: 'Quận/huyện',
  province_code: 'Tỉnh/thành phố',
  version: 'Phiên bản',
};

export const RELATIONS = ['Chủ hộ', 'Vợ', 'Chồng', 'Con', 'Bố', 'Mẹ', 'Ông', 'Bà', 'Cháu', 'Anh', 'Chị', 'Em',
  'Con dâu', 'Con rể', 'Người ở nhờ', 'Khác'];

export const AREA_KINDS = ['Thôn', 'Bản', 'Tổ dân phố', 'Khu phố', 'Ấp', 'Xóm', 'Khối', 'Tổ'];

export const LEVEL_LABELS = { 1: 'Tỉnh/thành phố', 2: 'Quận/huyện', 3: 'Xã/phường/thị trấn', 4: 'Thôn/tổ dân phố' };

export function fieldLabel(f) { return FIELD_LABELS[f] || f || ''; }
export function roleLabel(r) { return ROLE_LABELS[r] || r || ''; }

const NUM = new Intl.NumberFormat('vi-VN');
export function fmtNumber(n) { return n === null || n === undefined || n === '' ? '—' : NUM.format(Number(n)); }

// "1990-04-30" -> "30/04/1990"; "1990" stays.
export function fmtBirth(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : s || '';
}

const pad = (n) => String(n).padStart(2, '0');

// ISO 8601 with offset (shown as written, i.e. Vietnam time) or Unix seconds -> "dd/mm/yyyy hh:mm".
export function fmtDateTime(v) {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'number' || /^\d+$/.test(String(v))) {
    const d = new Date(Number(v) * 1000 + 7 * 3600 * 1000);
    return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(String(v));
  return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}${m[6] ? ':' + m[6] : ''}` : String(v);
}

export function personUnit(p) {
  return p.unit_name || p.unit_code || '';
}
