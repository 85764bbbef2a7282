#!/usr/bin/env bash
# Regenerates the .docx fixtures of the example dispatches with a real office suite: each .md is
# turned into simple HTML (one paragraph per line, **bold** and *italic* as real formatting, so the
# .docx has runs split inside paragraphs) and LibreOffice Writer converts that to .docx.
# Needs LibreOffice (Debian: libreoffice-writer-nogui) and python3. CI does not run this: the
# committed .docx files are the fixtures.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for md in "$here"/*.md; do
    base=$(basename "$md" .md)
    [ "$base" = SOURCE ] && continue
    python3 - "$md" "$work/$base.html" <<'PY'
import html, re, sys
src, out = sys.argv[1], sys.argv[2]
def inline(s):
    s = html.escape(s)
    s = re.sub(r'\*\*\*(.+?)\*\*\*', r'<b><i>\1</i></b>', s)
    s = re.sub(r'\*\*(.+?)\*\*', r'<b>\1</b>', s)
    s = re.sub(r'\*(.+?)\*', r'<i>\1</i>', s)
    return s
lines = open(src, encoding='utf-8').read().split('\n')
body, bold = [], False
for line in lines:
    text = line.rstrip()
    # a bold span may cover several lines (**ỦY BAN NHÂN DÂN\nTHÀNH PHỐ BẮC KẠN**)
    opens = text.count('**') % 2 == 1
    t = inline(text.replace('**', '') if (bold or opens) else text)
    if bold or opens:
        t = '<b>' + t + '</b>'
    if opens:
        bold = not bold
    body.append('<p>' + (t if t else '&nbsp;') + '</p>')
with open(out, 'w', encoding='utf-8') as f:
    f.write('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>\n')
    f.write('\n'.join(body))
    f.write('\n</body></html>\n')
PY
    soffice --headless --convert-to 'docx:MS Word 2007 XML' --outdir "$work" "$work/$base.html" >/dev/null
    cp "$work/$base.docx" "$here/$base.docx"
done
