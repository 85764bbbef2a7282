/* Drafting an implementing dispatch from a received one, and writing the draft as a .docx. The
 * draft follows the layout of an administrative dispatch (công văn) in Decree 30/2020/NĐ-CP,
 * Appendix I: the issuing body's name (its managing body above it) top left with the number and the
 * "V/v" summary under it; the national motto top right with place and date in italics; "Kính gửi:"
 * and the recipients; the body; "Nơi nhận:" bottom left; the signer's authority, title and name
 * bottom right; Times New Roman, A4, margins top/bottom 20 mm, left 30 mm, right 15 mm. The .docx
 * is WordprocessingML written here with libzip (no template file). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <zip.h>

#include "base/clock.h"
#include "base/text.h"
#include "directives/directives.h"
#include "directives/internal.h"
#include "store/db.h"
#include "units/units.h"

/* Upper case of UTF-8 text (Vietnamese letters included). */
static void upper(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)in;
    utf8proc_int32_t cp;
    utf8proc_ssize_t len;
    while (*p && (len = utf8proc_iterate(p, -1, &cp)) > 0) {
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t el = utf8proc_encode_char(utf8proc_toupper(cp), enc);
        if (n + (size_t)el + 1 > cap)
            break;
        memcpy(out + n, enc, (size_t)el);
        n += (size_t)el;
        p += len;
    }
    out[n] = '\0';
}

static void vn_date(const char *iso, char *out, size_t cap)
{
    pd_date d;
    if (iso && pd_date_parse(iso, &d) && d.month)
        snprintf(out, cap, "%d/%d/%d", d.day, d.month, d.year);
    else
        snprintf(out, cap, "%s", iso ? iso : "");
}

/* The caller's unit: header lines and place; its name into name ("" for the country). */
static void own_unit(sqlite3 *db, const pd_actor *actor, json_t *draft, char *name, size_t cap)
{
    name[0] = '\0';
    pd_unit u;
    pd_err err;
    char line[300] = "........................", place[200] = "..........";
    if (actor->scope_code[0] && pd_unit_get(db, actor->scope_code, &u, &err) == PD_OK) {
        upper(u.name, line, sizeof line);
        pd_strlcpy(place, u.name, sizeof place);
        pd_strlcpy(name, u.name, cap);
    }
    json_object_set_new(draft, "issuer_lines", json_pack("[s,s]", "ỦY BAN NHÂN DÂN", line));
    json_object_set_new(draft, "place", json_string(place));
}

static json_t *items_copy(const json_t *doc)
{
    json_t *out = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(doc, "items"), i, it)
    {
        json_t *ag = json_object_get(it, "agencies");
        json_array_append_new(out, json_pack("{s:s, s:s, s:O}", "label", dv_str(it, "label"),
                                             "text", dv_str(it, "text"), "agencies",
                                             json_is_array(ag) ? ag : json_array()));
    }
    return out;
}

/* How the issuer is named inside a sentence: "UBND thành phố Bắc Kạn" for a known unit (the
 * header's capitals would shout), else as written. */
static void issuer_in_text(const json_t *doc, char *out, size_t cap)
{
    const char *unit = dv_str(doc, "issuer_unit_name");
    if (!unit[0]) {
        pd_strlcpy(out, dv_str(doc, "issuer"), cap);
        return;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)unit, -1, &cp);
    utf8proc_uint8_t first[4];
    utf8proc_ssize_t fl = len > 0 ? utf8proc_encode_char(utf8proc_tolower(cp), first) : 0;
    snprintf(out, cap, "UBND %.*s%s", (int)fl, (const char *)first, unit + (len > 0 ? len : 0));
}

static json_t *build(const json_t *doc, const char *own_name)
{
    char date[40], basis[2048], subject[1024];
    const char *type = dv_str(doc, "type"), *number = dv_str(doc, "number");
    const char *about = dv_str(doc, "subject");
    char issuer[400], own[300];
    issuer_in_text(doc, issuer, sizeof issuer);
    snprintf(own, sizeof own, "Ủy ban nhân dân%s%s", own_name[0] ? " " : "", own_name);
    vn_date(dv_str(doc, "date"), date, sizeof date);
    snprintf(subject, sizeof subject, "V/v thực hiện %s số %s của %s", type[0] ? type : "văn bản",
             number, issuer);
    snprintf(basis, sizeof basis,
             "Thực hiện %s số %s ngày %s của %s%s%s, %s đề nghị các cơ quan, đơn vị, địa phương"
             " triển khai thực hiện một số nội dung sau:",
             type[0] ? type : "văn bản", number, date, issuer, about[0] ? " về " : "", about, own);
    char today[11];
    dv_today(today);
    json_t *recipients = json_object_get(doc, "recipients");
    return json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:O, s:s, s:o, s:s, s:[s,s,s], s:{s:s, s:s, s:s}}", "source_id",
        json_integer_value(json_object_get(doc, "id")), "number", "/UBND-VP", "date", today, "type",
        "Công văn", "subject", subject, "recipients",
        json_is_array(recipients) ? recipients : json_array(), "basis", basis, "items",
        items_copy(doc), "closing",
        "Với nội dung trên, đề nghị các cơ quan, đơn vị, địa phương triển khai thực hiện./.",
        "noi_nhan", "Như trên;", "Lưu: VT.", "", "signer", "authority", "TM. ỦY BAN NHÂN DÂN",
        "title", "CHỦ TỊCH", "name", "");
}

int pd_directive_draft(sqlite3 *db, const pd_actor *actor, int64_t doc_id, json_t **out,
                       pd_err *err)
{
    *out = NULL;
    if (!pd_actor_can(actor, PD_PERM_DIRECTIVES_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được soạn văn bản");
    json_t *doc = NULL;
    int rc = pd_directive_get(db, actor, doc_id, &doc, err);
    if (rc != PD_OK)
        return rc;
    json_t *head = json_object();
    char name[200], line[460], issuer[400];
    own_unit(db, actor, head, name, sizeof name);
    json_t *d = build(doc, name);
    json_object_update(d, head);
    json_decref(head);
    json_t *nn = json_object_get(d, "noi_nhan");
    issuer_in_text(doc, issuer, sizeof issuer);
    snprintf(line, sizeof line, "%s (b/c);", issuer);
    json_array_set_new(nn, 1, json_string(line));
    json_array_set_new(nn, 2, json_string("Lưu: VT."));
    json_decref(doc);
    *out = d;
    return PD_OK;
}

/* ---- WordprocessingML ---------------------------------------------------------------------- */

static void esc(pd_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            pd_buf_puts(b, "&lt;");
            break;
        case '>':
            pd_buf_puts(b, "&gt;");
            break;
        case '&':
            pd_buf_puts(b, "&amp;");
            break;
        case '"':
            pd_buf_puts(b, "&quot;");
            break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t')
                pd_buf_add(b, s, 1);
        }
    }
}

enum { B = 1, I = 2, U = 4, CENTER = 8, JUSTIFY = 16, INDENT = 32 };

/* One paragraph of one run: flags, size in half-points (0: default 28 = 14 pt). */
static void para(pd_buf *b, const char *text, int flags, int size)
{
    pd_buf_puts(b, "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"60\"/>");
    if (flags & CENTER)
        pd_buf_puts(b, "<w:jc w:val=\"center\"/>");
    if (flags & JUSTIFY)
        pd_buf_puts(b, "<w:jc w:val=\"both\"/>");
    if (flags & INDENT)
        pd_buf_puts(b, "<w:ind w:firstLine=\"567\"/>");
    pd_buf_puts(b, "</w:pPr><w:r><w:rPr>");
    if (flags & B)
        pd_buf_puts(b, "<w:b/>");
    if (flags & I)
        pd_buf_puts(b, "<w:i/>");
    if (flags & U)
        pd_buf_puts(b, "<w:u w:val=\"single\"/>");
    if (size)
        pd_buf_printf(b, "<w:sz w:val=\"%d\"/>", size);
    pd_buf_puts(b, "</w:rPr><w:t xml:space=\"preserve\">");
    esc(b, text);
    pd_buf_puts(b, "</w:t></w:r></w:p>");
}

static void cell_open(pd_buf *b, int twips)
{
    pd_buf_printf(b, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/></w:tcPr>", twips);
}

static void table_open(pd_buf *b)
{
    pd_buf_puts(b, "<w:tbl><w:tblPr><w:tblW w:w=\"9356\" w:type=\"dxa\"/><w:tblBorders>"
                   "<w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/>"
                   "<w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/>"
                   "</w:tblBorders></w:tblPr><w:tblGrid><w:gridCol w:w=\"3969\"/>"
                   "<w:gridCol w:w=\"5387\"/></w:tblGrid><w:tr>");
}

static void header_block(pd_buf *b, const json_t *d)
{
    table_open(b);
    cell_open(b, 3969);
    const json_t *lines = json_object_get(d, "issuer_lines");
    para(b, json_string_value(json_array_get(lines, 0)), CENTER | B, 26);
    para(b, json_string_value(json_array_get(lines, 1)), CENTER | B | U, 26);
    char num[200];
    snprintf(num, sizeof num, "Số: %s", dv_str(d, "number"));
    para(b, num, CENTER, 26);
    para(b, dv_str(d, "subject"), CENTER, 24);
    pd_buf_puts(b, "</w:tc>");
    cell_open(b, 5387);
    para(b, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", CENTER | B, 26);
    para(b, "Độc lập - Tự do - Hạnh phúc", CENTER | B | U, 28);
    pd_date dt = {0, 0, 0};
    pd_date_parse(dv_str(d, "date"), &dt);
    char when[300];
    if (dt.month)
        snprintf(when, sizeof when, "%s, ngày %02d tháng %02d năm %d", dv_str(d, "place"), dt.day,
                 dt.month, dt.year);
    else
        snprintf(when, sizeof when, "%s, ngày    tháng    năm", dv_str(d, "place"));
    para(b, when, CENTER | I, 28);
    pd_buf_puts(b, "</w:tc></w:tr></w:tbl>");
}

static void body(pd_buf *b, const json_t *d)
{
    const json_t *rec = json_object_get(d, "recipients");
    para(b, "", 0, 0);
    if (json_array_size(rec) == 1) {
        char line[600];
        snprintf(line, sizeof line, "Kính gửi: %s", json_string_value(json_array_get(rec, 0)));
        para(b, line, CENTER, 0);
    } else {
        para(b, "Kính gửi:", CENTER, 0);
        size_t i;
        json_t *r;
        json_array_foreach(rec, i, r)
        {
            char line[600];
            snprintf(line, sizeof line, "- %s;", json_string_value(r) ? json_string_value(r) : "");
            para(b, line, INDENT, 0);
        }
    }
    para(b, dv_str(d, "basis"), JUSTIFY | INDENT, 0);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(d, "items"), i, it)
    {
        char line[8192];
        const char *label = dv_str(it, "label");
        size_t ll = strlen(label);
        bool punct = ll && (label[ll - 1] == '.' || label[ll - 1] == ')');
        snprintf(line, sizeof line, "%s%s%s", label,
                 !ll     ? ""
                 : punct ? " "
                         : ". ",
                 dv_str(it, "text"));
        para(b, line, JUSTIFY | INDENT, 0);
    }
    para(b, dv_str(d, "closing"), JUSTIFY | INDENT, 0);
}

static void footer_block(pd_buf *b, const json_t *d)
{
    table_open(b);
    cell_open(b, 3969);
    para(b, "Nơi nhận:", B | I, 24);
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(d, "noi_nhan"), i, n)
    {
        char line[600];
        snprintf(line, sizeof line, "- %s", json_string_value(n) ? json_string_value(n) : "");
        para(b, line, 0, 22);
    }
    pd_buf_puts(b, "</w:tc>");
    cell_open(b, 5387);
    const json_t *s = json_object_get(d, "signer");
    para(b, dv_str(s, "authority"), CENTER | B, 28);
    para(b, dv_str(s, "title"), CENTER | B, 28);
    for (int k = 0; k < 4; k++)
        para(b, "", 0, 0);
    para(b, dv_str(s, "name"), CENTER | B, 28);
    pd_buf_puts(b, "</w:tc></w:tr></w:tbl>");
}

static char *document_xml(const json_t *d)
{
    pd_buf b;
    pd_buf_init(&b);
    pd_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/"
                    "2006/main\"><w:body>");
    header_block(&b, d);
    body(&b, d);
    footer_block(&b, d);
    pd_buf_puts(&b, "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\""
                    " w:right=\"851\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"709\""
                    " w:footer=\"709\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>");
    return pd_buf_steal(&b);
}

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/"
    "vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/></Types>";

static const char package_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";

static const char document_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"styles.xml\"/></Relationships>";

/* Times New Roman 14 pt for the whole document (Decree 30: 13-14 pt for the body). */
static const char styles[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\""
    " w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\" w:eastAsia=\"Times New Roman\"/>"
    "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/><w:lang w:val=\"vi-VN\"/></w:rPr></w:rPrDefault>"
    "</w:docDefaults><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
    "<w:name w:val=\"Normal\"/></w:style></w:styles>";

static int add_part(zip_t *z, const char *name, const char *text, bool owned)
{
    zip_source_t *s = zip_source_buffer(z, text, strlen(text), owned ? 1 : 0);
    if (!s)
        return -1;
    if (zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8) < 0) {
        zip_source_free(s);
        return -1;
    }
    return 0;
}

/* Writes the parts into an in-memory zip and copies its bytes out. */
static int zip_bytes(const json_t *draft, char **data, size_t *size, pd_err *err)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    if (!z) {
        zip_source_free(src);
        return pd_fail(err, PD_EIO, "", "Không tạo được tệp .docx");
    }
    zip_source_keep(src);
    char *doc = document_xml(draft);
    int bad = add_part(z, "[Content_Types].xml", content_types, false) |
              add_part(z, "_rels/.rels", package_rels, false) |
              add_part(z, "word/_rels/document.xml.rels", document_rels, false) |
              add_part(z, "word/styles.xml", styles, false);
    if (add_part(z, "word/document.xml", doc, true) != 0) {
        free(doc);
        bad = -1;
    }
    if (bad || zip_close(z) != 0) {
        if (bad)
            zip_discard(z);
        zip_source_free(src);
        return pd_fail(err, PD_EIO, "", "Không ghi được tệp .docx");
    }
    zip_stat_t st;
    int rc = PD_EIO;
    if (zip_source_stat(src, &st) == 0 && zip_source_open(src) == 0) {
        *data = malloc(st.size ? st.size : 1);
        if (*data && zip_source_read(src, *data, st.size) == (zip_int64_t)st.size) {
            *size = st.size;
            rc = PD_OK;
        }
        zip_source_close(src);
    }
    zip_source_free(src);
    if (rc != PD_OK) {
        free(*data);
        *data = NULL;
        return pd_fail(err, PD_EIO, "", "Không đọc được tệp .docx");
    }
    return PD_OK;
}

int pd_draft_docx(const json_t *draft, char **data, size_t *size, pd_err *err)
{
    *data = NULL;
    *size = 0;
    if (!json_is_object(draft))
        return pd_fail(err, PD_EINVAL, "draft", "Thiếu nội dung dự thảo");
    if (!json_is_array(json_object_get(draft, "issuer_lines")))
        return pd_fail(err, PD_EINVAL, "issuer_lines", "Cần tên cơ quan ban hành");
    return zip_bytes(draft, data, size, err);
}
