/* The header block of a dispatch (Nghị định 30/2020/NĐ-CP, Phụ lục I: layout of an administrative
 * document): issuing body and its parent, national motto, "Số: 2233/UBND-VP", place and date,
 * "V/v ..." subject or a title ("THÔNG BÁO" + its subject line), urgency and "Kính gửi:"
 * recipients. Lines are classified by what they say, not where they are, so table layouts read cell
 * by cell work too. The header ends at the first line that is none of these once something was
 * seen. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directives/parse_internal.h"

enum mode { M_NONE, M_SUBJECT, M_RECIPIENTS };

typedef struct header {
    pl_doc *d;
    enum mode mode;
    bool seen;
    pd_buf subject, motto;
    size_t issuer_lines[16];
    size_t n_issuer;
    json_t *recipients;
    int no;         /* line number of the line being read */
    bool titled;    /* a title line ("THÔNG BÁO") was read */
    bool addressed; /* "Kính gửi" was read */
} header;

static bool is_motto(const char *s)
{
    return pl_starts(s, "cong hoa xa hoi chu nghia viet nam") || pl_starts(s, "doc lap") ||
           pl_starts(s, "doc lap - tu do - hanh phuc");
}

/* "Số: 2233/UBND-VP", "Số *2233* /UBND-VP", "Số: /UBND-YT". */
static bool number_line(header *h, const char *s)
{
    size_t k = pl_starts(s, "so");
    if (!k || s[0] != 'S' || json_is_string(json_object_get(h->d->out, "symbol")))
        return false;
    const char *p = s + k;
    while (*p == ' ' || *p == ':')
        p++;
    const char *digits = p;
    while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z'))
        p++;
    size_t nd = (size_t)(p - digits);
    while (*p == ' ')
        p++;
    if (*p != '/')
        return false;
    p++;
    while (*p == ' ')
        p++;
    const char *sym = p;
    while (*p && *p != ' ')
        p++;
    if (p == sym)
        return false;
    char *symbol = pl_strip(sym, (size_t)(p - sym), ",;.");
    json_object_set_new(h->d->out, "symbol", json_string(symbol));
    if (nd) {
        pd_buf number;
        pd_buf_init(&number);
        pd_buf_printf(&number, "%.*s/%s", (int)nd, digits, symbol);
        json_object_set_new(h->d->out, "number", json_string(number.data));
        pd_buf_free(&number);
    }
    free(symbol);
    while (*p == ' ')
        p++;
    if (*p) {
        size_t v = pl_starts(p, "v/v");
        if (v) {
            pd_buf_puts(&h->subject, p + v + (p[v] == ':'));
            h->mode = M_SUBJECT;
        } else {
            json_array_append_new(json_object_get(h->d->out, "unparsed"),
                                  json_pack("{s:i, s:s}", "line", h->no, "text", p));
        }
    }
    return true;
}

static json_t *int_or_null(int v)
{
    return v > 0 ? json_integer(v) : json_null();
}

/* "TP. Bắc Kạn, ngày 15 tháng 11 năm 2021", "Tân Uyên, ngày   tháng 9 năm 2021". */
static bool date_line(header *h, const char *s)
{
    pl_toks t;
    pl_tokenize(s, &t);
    bool found = false;
    for (size_t g = 0; g < t.n && !found; g++) {
        if (strcmp(t.t[g].f, "ngay") != 0 || (g > 0 && strcmp(t.t[g - 1].f, ",") != 0))
            continue;
        int d, m, y;
        size_t used = pl_date_at(&t, g + 1, &d, &m, &y), end = g + 1 + used;
        if (!used || y < 1900 || (end < t.n && !(end + 1 == t.n && !t.t[end].word)))
            continue; /* the date ends the line (a final full stop allowed) */
        found = true;
        json_t *o = h->d->out;
        if (g > 0) {
            char *place = pl_strip(s, t.t[g - 1].s, ",");
            json_object_set_new(o, "place", json_string(place));
            free(place);
        }
        char iso[11];
        json_object_set_new(o, "date", pl_iso_date(d, m, y, iso) ? json_string(iso) : json_null());
        json_object_set_new(o, "date_text", json_string(s + t.t[g].s));
        json_object_set_new(o, "date_parts",
                            json_pack("{s:o, s:o, s:o}", "day", int_or_null(d), "month",
                                      int_or_null(m), "year", int_or_null(y)));
    }
    pl_toks_free(&t);
    return found;
}

static void add_recipient(header *h, const char *s)
{
    char *r = pl_strip_item(s);
    if (*r)
        json_array_append_new(h->recipients, json_string(r));
    free(r);
}

static bool is_bullet(const char *s)
{
    return (s[0] == '-' || s[0] == '+') || strncmp(s, "\xE2\x80\xA2", 3) == 0 ||
           strncmp(s, "\xE2\x80\x93", 3) == 0;
}

static bool is_urgency(const char *s)
{
    return pl_all_upper(s) &&
           (pl_starts(s, "khan") == strlen(s) || pl_starts(s, "hoa toc") == strlen(s) ||
            pl_starts(s, "thuong khan") == strlen(s));
}

/* Header lines with a fixed opening; true if the line was taken. */
static bool fixed_line(header *h, const char *s)
{
    json_t *o = h->d->out;
    size_t k;
    const char *code;
    if (is_motto(s)) {
        if (h->motto.len)
            pd_buf_puts(&h->motto, "\n");
        pd_buf_puts(&h->motto, s);
        return true;
    }
    bool no_subject = h->subject.len == 0 && !h->titled;
    if (number_line(h, s) ||
        (!json_is_string(json_object_get(o, "date_text")) && date_line(h, s))) {
        h->mode = M_NONE;
        return h->seen = true;
    }
    if (no_subject && ((k = pl_starts(s, "v/v")) || (k = pl_starts(s, "ve viec")))) {
        pd_buf_reset(&h->subject);
        pd_buf_puts(&h->subject, s + k + (s[k] == ':'));
        h->mode = M_SUBJECT;
        return h->seen = true;
    }
    if (!h->addressed && (k = pl_starts(s, "kinh gui"))) {
        h->addressed = true;
        if (s[k] == ':')
            k++;
        add_recipient(h, s + k);
        h->mode = M_RECIPIENTS;
        return h->seen = true;
    }
    if (no_subject && (code = pl_type_title(s))) {
        h->titled = true;
        json_object_set_new(o, "type", json_string(code));
        pd_buf_reset(&h->subject);
        h->mode = M_SUBJECT;
        return h->seen = true;
    }
    if (is_urgency(s)) {
        json_object_set_new(o, "urgency", json_string(s));
        return true;
    }
    return false;
}

/* A line of the header; false when the body starts here. */
static bool header_line(header *h, size_t i)
{
    pl_line *l = &h->d->lines[i];
    const char *s = l->text;
    h->no = l->no;
    if (!*s) {
        if (h->mode == M_SUBJECT && h->subject.len)
            h->mode = M_NONE; /* a title's subject may follow after a blank line */
        return true;
    }
    if (h->mode == M_SUBJECT || h->mode == M_NONE || !is_bullet(s)) {
        if (fixed_line(h, s)) {
            l->used = true;
            return true;
        }
    }
    if (h->mode == M_SUBJECT) {
        if (h->subject.len)
            pd_buf_puts(&h->subject, " ");
        pd_buf_puts(&h->subject, s);
        l->used = true;
        return true;
    }
    if (h->mode == M_RECIPIENTS) {
        if (is_bullet(s) || json_array_size(h->recipients) == 0) {
            add_recipient(h, s);
            l->used = true;
            return true;
        }
        return false;
    }
    if (!h->seen && pl_all_upper(s) && h->n_issuer < 16) {
        h->issuer_lines[h->n_issuer++] = i;
        l->used = true;
        return true;
    }
    if (h->titled && pl_all_upper(s) && !json_is_string(json_object_get(h->d->out, "enacting"))) {
        /* "ỦY BAN NHÂN DÂN TỈNH BẮC KẠN" or "CHỦ TỊCH ..." above the "Căn cứ" of a decision */
        json_object_set_new(h->d->out, "enacting", json_string(s));
        l->used = true;
        return true;
    }
    return !h->seen;
}

static const char *const bare_kinds[] = {"uy ban nhan dan", "ubnd", "hoi dong nhan dan", "hdnd"};
static const char *const unit_words[] = {"tinh", "thanh pho", "huyen",    "thi xa", "quan",
                                         "xa",   "phuong",    "thi tran", "tp"};

static bool starts_any(const char *s, const char *const *list, size_t n, bool whole)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = pl_starts(s, list[i]);
        if (k && (!whole || !s[k]))
            return true;
    }
    return false;
}

/* "ỦY BAN NHÂN DÂN" + "THÀNH PHỐ BẮC KẠN" is one name; otherwise the last line is the issuer and
 * the lines above it name its parent ("UBND TỈNH BẮC KẠN" above "SỞ Y TẾ"). */
static void issuer(header *h)
{
    char *groups[16];
    size_t ng = 0;
    for (size_t i = 0; i < h->n_issuer; i++) {
        const char *s = h->d->lines[h->issuer_lines[i]].text;
        pd_buf b;
        pd_buf_init(&b);
        pd_buf_puts(&b, s);
        if (i + 1 < h->n_issuer && starts_any(s, bare_kinds, 4, true) &&
            starts_any(h->d->lines[h->issuer_lines[i + 1]].text, unit_words, 9, false)) {
            pd_buf_printf(&b, " %s", h->d->lines[h->issuer_lines[++i]].text);
        }
        groups[ng++] = pd_buf_steal(&b);
    }
    if (!ng)
        return;
    json_object_set_new(h->d->out, "issuer", json_string(groups[ng - 1]));
    if (ng > 1) {
        pd_buf p;
        pd_buf_init(&p);
        for (size_t i = 0; i + 1 < ng; i++)
            pd_buf_printf(&p, "%s%s", i ? " " : "", groups[i]);
        json_object_set_new(h->d->out, "issuer_parent", json_string(p.data));
        pd_buf_free(&p);
    }
    for (size_t i = 0; i < ng; i++)
        free(groups[i]);
}

void pl_header(pl_doc *d)
{
    header h;
    memset(&h, 0, sizeof h);
    h.d = d;
    h.recipients = json_array();
    pd_buf_init(&h.subject);
    pd_buf_init(&h.motto);
    size_t i = 0;
    for (; i < d->n; i++) {
        const char *s = d->lines[i].text;
        if (pl_starts(s, "noi nhan") || pl_is_sign_authority(s) || !header_line(&h, i))
            break;
    }
    d->body_start = i;
    issuer(&h);
    if (h.subject.len) {
        char *subject = pl_strip(h.subject.data, h.subject.len, ":");
        json_object_set_new(d->out, "subject", json_string(subject));
        free(subject);
    }
    if (h.motto.len)
        json_object_set_new(d->out, "motto", json_string(h.motto.data));
    json_object_set_new(d->out, "recipients", h.recipients);
    pd_buf_free(&h.subject);
    pd_buf_free(&h.motto);
}

void pl_warn(pl_doc *d, const char *fmt, ...)
{
    char msg[512];
    if (json_array_size(d->warnings) >= 100)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(d->warnings, json_string(msg));
}
