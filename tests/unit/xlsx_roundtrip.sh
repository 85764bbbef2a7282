#!/usr/bin/env bash
# Round trip through the phongdich binary checked by an independent XLSX reader: init a database,
# import a CSV (Vietnamese names, phones typed without their leading 0), export XLSX, then open it with
# Python's openpyxl (Debian python3-openpyxl) and check the row count, a name with diacritics, and that
# phones kept their leading zero as text. Usage: xlsx_roundtrip.sh PATH/TO/phongdich
# Exit 77 (CTest: skipped) when openpyxl is not installed.
set -euo pipefail

BIN="${1:?usage: xlsx_roundtrip.sh PATH/TO/phongdich}"
PY=/usr/bin/python3
if ! "$PY" -c 'import openpyxl' 2>/dev/null; then
    echo "python3-openpyxl is not installed: skipping" >&2
    exit 77
fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/pd-roundtrip-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

"$BIN" init --db "$WORK/db.sqlite" >/dev/null

ROWS=40
{
    printf '\xEF\xBB\xBFHọ và tên,Ngày sinh,Giới tính,Số điện thoại,Mã xã,Địa chỉ,Mã hộ,Quan hệ với chủ hộ\r\n'
    printf 'Nguyễn Thị Ánh Tuyết,23/11/1985,Nữ,912345678,00001,"Số 7, ngõ 12 Phúc Xá",H1,Chủ hộ\r\n'
    printf 'Đặng Văn Đức,1984,Nam,0987654321,00001,"Số 7, ngõ 12 Phúc Xá",H1,Chồng\r\n'
    for i in $(seq 3 "$ROWS"); do
        printf 'Lê Văn Người,%d,Nam,03%08d,00004,,,\r\n' $((1950 + i)) "$i"
    done
} >"$WORK/people.csv"

if ! "$BIN" import --db "$WORK/db.sqlite" --json "$WORK/people.csv" >"$WORK/import.json" \
    2>"$WORK/import.err"; then
    cat "$WORK/import.json" "$WORK/import.err" >&2
    exit 1
fi
"$BIN" export --db "$WORK/db.sqlite" --out "$WORK/people.xlsx" --format xlsx >/dev/null

"$PY" - "$WORK/people.xlsx" "$ROWS" "$WORK/import.json" <<'PY'
import json, sys
import openpyxl

path, rows, report = sys.argv[1], int(sys.argv[2]), json.load(open(sys.argv[3], encoding="utf-8"))
assert report["rows_imported"] == rows, report
ws = openpyxl.load_workbook(path).active
header = [c.value for c in ws[1]]
assert header[0] == "Họ và tên" and "Số điện thoại" in header, header
assert ws.max_row == rows + 1, ("rows", ws.max_row)
phone = header.index("Số điện thoại")
data = list(ws.iter_rows(min_row=2, values_only=True))
tuyet = [r for r in data if r[0] == "Nguyễn Thị Ánh Tuyết"]
assert len(tuyet) == 1, [r[0] for r in data[:5]]
assert tuyet[0][phone] == "0912345678", ("phone", tuyet[0][phone])
phones = {r[phone] for r in data}
assert "0300000003" in phones and all(isinstance(p, str) for p in phones), sorted(phones)[:5]
assert ws.freeze_panes == "A2", ws.freeze_panes
print("xlsx round trip: %d rows, diacritics and leading zeros intact" % rows)
PY
