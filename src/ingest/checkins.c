/* Ingest of check-ins: the columns, the validation of a row (external id, venue in scope, person,
 * times) and the person it names, found or to be created (ck_write.c writes the rows). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/validate.h"
#include "ingest/internal.h"
#include "store/db.h"
#include "venues/venues.h"

enum { F_EXT, F_VENUE, F_PERSON, F_IN, F_OUT, F_COUNT };

static const char *const names[F_COUNT] = {"external_id", "venue", "person", "in_at", "out_at"};

static const ingest_alias aliases[] = {
    {"externalid", F_EXT},
    {"mangoai", F_EXT},
    {"mabanghi", F_EXT},
    {"maluot", F_EXT},
    {"maluotquet", F_EXT},
    {"id", F_EXT},
    {"uuid", F_EXT},
    {"venue", F_VENUE},
    {"venueid", F_VENUE},
    {"venuecode", F_VENUE},
    {"publiccode", F_VENUE},
    {"diadiem", F_VENUE},
    {"madiadiem", F_VENUE},
    {"coso", F_VENUE},
    {"macoso", F_VENUE},
    {"person", F_PERSON},
    {"nguoi", F_PERSON},
    {"nguoidan", F_PERSON},
    {"cccd", F_PERSON},
    {"socccd", F_PERSON},
    {"cmnd", F_PERSON},
    {"cccdcmnd", F_PERSON},
    {"socccdcmnd", F_PERSON},
    {"sogiayto", F_PERSON},
    {"idnumber", F_PERSON},
    {"phone", F_PERSON},
    {"sodienthoai", F_PERSON},
    {"sdt", F_PERSON},
    {"hochieu", F_PERSON},
    {"passport", F_PERSON},
    {"inat", F_IN},
    {"checkin", F_IN},
    {"checkinat", F_IN},
    {"timein", F_IN},
    {"giovao", F_IN},
    {"thoigianvao", F_IN},
    {"vao", F_IN},
    {"outat", F_OUT},
    {"checkout", F_OUT},
    {"checkoutat", F_OUT},
    {"timeout", F_OUT},
    {"giora", F_OUT},
    {"thoigianra", F_OUT},
    {"ra", F_OUT},
};

const ingest_fields ingest_checkin_fields = {
    F_COUNT, names, aliases, (int)(sizeof aliases / sizeof aliases[0]),
    (1u << F_EXT) | (1u << F_VENUE) | (1u << F_PERSON) | (1u << F_IN)};

/* ---- times ---- */

/* n digits at s into *v; false if any is not a digit. */
static bool num(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : d[m - 1];
}

/* The date part: "YYYY-MM-DD" or "D/M/YYYY"; returns the characters used, 0 if none. */
static int parse_date(const char *s, int *y, int *m, int *d)
{
    if (num(s, 4, y) && s[4] == '-' && num(s + 5, 2, m) && s[7] == '-' && num(s + 8, 2, d))
        return 10;
    int i = 0;
    int dl = s[1] == '/' ? 1 : 2;
    if (!num(s, dl, d) || s[dl] != '/')
        return 0;
    i = dl + 1;
    int ml = s[i + 1] == '/' ? 1 : 2;
    if (!num(s + i, ml, m) || s[i + ml] != '/' || !num(s + i + ml + 1, 4, y))
        return 0;
    return i + ml + 5;
}

/* "HH:MM[:SS[.fff]]"; returns the characters used, 0 if none. */
static int parse_clock(const char *s, int *h, int *mi, int *sec)
{
    *sec = 0;
    if (!num(s, 2, h) || s[2] != ':' || !num(s + 3, 2, mi))
        return 0;
    int i = 5;
    if (s[i] == ':' && num(s + i + 1, 2, sec)) {
        i += 3;
        if (s[i] == '.' || s[i] == ',')
            for (i++; s[i] >= '0' && s[i] <= '9'; i++)
                ;
    }
    return i;
}

/* "", "Z", "+07:00", "+0700", "+07"; seconds east of UTC, or false. */
static bool parse_offset(const char *s, bool *given, int *secs)
{
    *given = *s != '\0';
    *secs = PD_TZ_OFFSET_SECONDS;
    if (!*s)
        return true;
    if ((s[0] == 'Z' || s[0] == 'z') && !s[1]) {
        *secs = 0;
        return true;
    }
    int oh, om = 0;
    if ((s[0] != '+' && s[0] != '-') || !num(s + 1, 2, &oh))
        return false;
    const char *p = s + 3;
    if (*p == ':')
        p++;
    if (*p && (!num(p, 2, &om) || p[2]))
        return false;
    if (oh > 14 || om > 59)
        return false;
    *secs = (s[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    return true;
}

bool pd_ingest_parse_time(const char *text, int64_t *out)
{
    while (*text == ' ')
        text++;
    char s[48];
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == ' ')
        n--;
    if (n == 0 || n >= sizeof s)
        return false;
    memcpy(s, text, n);
    s[n] = '\0';
    int y, m, d, h, mi, sec, off;
    int i = parse_date(s, &y, &m, &d);
    if (!i || (s[i] != 'T' && s[i] != 't' && s[i] != ' '))
        return false;
    int j = parse_clock(s + i + 1, &h, &mi, &sec);
    bool given;
    if (!j || !parse_offset(s + i + 1 + j, &given, &off))
        return false;
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m) || h > 23 ||
        mi > 59 || sec > 59)
        return false;
    *out = pd_days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return true;
}

/* ---- a row ---- */

#define EARLIEST 1577811600 /* 2020-01-01 00:00 UTC+7: no check-in system before */
#define SKEW 600            /* clocks of other systems may run ahead by this much */

static void trim(const char **s, size_t *n)
{
    while (**s == ' ' || **s == '\t')
        (*s)++;
    *n = strlen(*s);
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static bool parse_ext(ingest_ctx *c, const char *v, int64_t line, ck_batch *b, ck_row *r)
{
    size_t n;
    trim(&v, &n);
    if (n == 0) {
        ingest_row_error(c, line, "external_id",
                         "Thiếu mã bản ghi (external_id): cần để nhận ra dòng gửi lại");
        return false;
    }
    if (n > CK_EXT_MAX) {
        ingest_row_error(c, line, "external_id", "Mã bản ghi dài quá %d ký tự", CK_EXT_MAX);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x21 || (unsigned char)v[i] > 0x7e) {
            ingest_row_error(c, line, "external_id",
                             "Mã bản ghi chỉ gồm chữ, số và dấu ASCII, không có khoảng trắng");
            return false;
        }
    r->ext_off = (uint32_t)b->ext_used;
    r->ext_len = (uint16_t)n;
    memcpy(b->ext + b->ext_used, v, n);
    b->ext_used += n;
    return true;
}

static const ingest_venue *parse_venue(ingest_ctx *c, const char *v, int64_t line)
{
    size_t n;
    trim(&v, &n);
    char text[64];
    if (n == 0 || n >= sizeof text) {
        ingest_row_error(c, line, "venue", n ? "Mã địa điểm quá dài" : "Thiếu địa điểm");
        return NULL;
    }
    memcpy(text, v, n);
    text[n] = '\0';
    const ingest_venue *x = ingest_venue_find(&c->venues, text);
    if (!x || !x->in_scope) {
        ingest_row_error(c, line, "venue", "Không có địa điểm %s trong phạm vi quản lý", text);
        return NULL;
    }
    return x;
}

/* How the row names its visitor: a number of the right form. */
static person_key_kind parse_person(ingest_ctx *c, const char *v, int64_t line, char *key,
                                    size_t cap)
{
    person_key_kind kind = ingest_person_key(v, key, cap);
    if (kind == PK_NONE)
        ingest_row_error(c, line, "person",
                         v[0] ? "\"%.40s\" không phải số CCCD, CMND, hộ chiếu hay số điện thoại"
                              : "Thiếu người (số CCCD, CMND, hộ chiếu hoặc số điện thoại)%.0s",
                         v);
    return kind;
}

/* The registry person with that number (the earliest registered when several share it), else a
 * person this load creates, once per number: -(its place in the load). */
static int64_t resolve_person(ingest_ctx *c, person_key_kind kind, const char *key,
                              const ingest_venue *venue, ck_batch *b)
{
    int64_t id = ingest_people_find(&c->people, kind, key);
    if (id > 0)
        return id;
    char tagged[CK_KEY_MAX + 2];
    int n = snprintf(tagged, sizeof tagged, "%c%s", kind == PK_PHONE ? 'p' : 'i', key);
    int64_t number;
    if (ik_get(&c->unknown, tagged, (size_t)n, &number))
        return -number;
    number = ++c->nunknown;
    ik_put(&c->unknown, tagged, (size_t)n, number, NULL);
    ck_new_person *np = &b->newp[b->nnew++];
    np->number = number;
    np->venue = venue;
    np->phone = kind == PK_PHONE;
    np->key_len = (uint8_t)(n - 1);
    np->key_off = (uint32_t)b->ext_used;
    memcpy(b->ext + b->ext_used, key, (size_t)(n - 1));
    b->ext_used += (size_t)(n - 1);
    return -number;
}

static bool parse_when(ingest_ctx *c, const char *v, const char *field, const char *label,
                       int64_t line, int64_t *out)
{
    if (!pd_ingest_parse_time(v, out)) {
        ingest_row_error(c, line, field,
                         "%s không hợp lệ: \"%.40s\" (dạng 2021-11-15T08:30:00+07:00 hoặc "
                         "15/11/2021 08:30)",
                         label, v);
        return false;
    }
    if (*out < EARLIEST || *out > c->now + SKEW) {
        ingest_row_error(c, line, field, "%s %s", label,
                         *out < EARLIEST ? "trước năm 2020" : "ở tương lai");
        return false;
    }
    return true;
}

/* Out time: given, or the venue's usual visit length when that has already passed. */
static bool parse_out(ingest_ctx *c, const char *v, const ingest_venue *venue, int64_t line,
                      ck_row *r)
{
    size_t n;
    trim(&v, &n);
    if (n == 0) {
        int64_t out = r->in_at + (int64_t)venue->default_stay_minutes * 60;
        r->out_at = out <= c->now ? out : 0;
        r->flags |= r->out_at ? PD_CHECKIN_AUTO_OUT : 0;
        return true;
    }
    if (!parse_when(c, v, "out_at", "Thời điểm ra", line, &r->out_at))
        return false;
    if (r->out_at < r->in_at) {
        ingest_row_error(c, line, "out_at", "Thời điểm ra trước thời điểm vào");
        return false;
    }
    return true;
}

bool ck_parse_row(ingest_ctx *c, const char **vals, int64_t line, ck_batch *b, ck_row *r)
{
    int64_t before = c->rep->error_count;
    size_t arena = b->ext_used;
    memset(r, 0, sizeof *r);
    r->line = line;
    r->flags = PD_CHECKIN_INGESTED;
    parse_ext(c, vals[F_EXT], line, b, r);
    const ingest_venue *venue = parse_venue(c, vals[F_VENUE], line);
    char key[CK_KEY_MAX];
    person_key_kind kind = parse_person(c, vals[F_PERSON], line, key, sizeof key);
    bool in = parse_when(c, vals[F_IN], "in_at", "Thời điểm vào", line, &r->in_at);
    if (in && venue && venue->closed_at && r->in_at >= venue->closed_at) {
        ingest_row_error(c, line, "venue", "Địa điểm đã ngừng hoạt động trước thời điểm vào");
        venue = NULL;
    }
    if (in && venue)
        parse_out(c, vals[F_OUT], venue, line, r);
    if (venue)
        r->venue_id = venue->id;
    if (c->rep->error_count != before) {
        b->ext_used = arena;
        return false;
    }
    r->person_id = resolve_person(c, kind, key, venue, b);
    return true;
}
