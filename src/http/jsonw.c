/* The JSON text writer of jsonw.h: a growable buffer, comma bookkeeping per nesting level, string
 * escaping with UTF-8 checking, integers and local times formatted without printf. */
#include "http/jsonw.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"

void pd_jw_init(pd_jw *w)
{
    memset(w, 0, sizeof *w);
}

void pd_jw_free(pd_jw *w)
{
    free(w->data);
    pd_jw_init(w);
}

char *pd_jw_steal(pd_jw *w, size_t *len)
{
    char *d = w->data ? w->data : calloc(1, 1);
    if (!d)
        abort();
    if (len)
        *len = w->len;
    w->data = NULL;
    pd_jw_free(w);
    return d;
}

static void reserve(pd_jw *w, size_t extra)
{
    if (w->len + extra + 1 <= w->cap)
        return;
    size_t cap = w->cap ? w->cap : 1024;
    while (cap < w->len + extra + 1)
        cap *= 2;
    char *d = realloc(w->data, cap);
    if (!d)
        abort(); /* out of memory: nothing sensible to do */
    w->data = d;
    w->cap = cap;
}

static void put(pd_jw *w, const void *s, size_t n)
{
    reserve(w, n);
    memcpy(w->data + w->len, s, n);
    w->len += n;
    w->data[w->len] = '\0';
}

static void put_char(pd_jw *w, char c)
{
    reserve(w, 1);
    w->data[w->len++] = c;
    w->data[w->len] = '\0';
}

/* The comma (or nothing) that goes before an item of the current object or array. */
static void item(pd_jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        if (w->has_items[w->depth - 1])
            put_char(w, ',');
        w->has_items[w->depth - 1] = true;
    }
}

static void open_(pd_jw *w, char c)
{
    item(w);
    if (w->depth >= PD_JW_MAX_DEPTH)
        abort(); /* a programming error: no answer nests this deep */
    put_char(w, c);
    w->has_items[w->depth++] = false;
}

static void close_(pd_jw *w, char c)
{
    if (w->depth > 0)
        w->depth--;
    put_char(w, c);
}

void pd_jw_object(pd_jw *w)
{
    open_(w, '{');
}

void pd_jw_object_end(pd_jw *w)
{
    close_(w, '}');
}

void pd_jw_array(pd_jw *w)
{
    open_(w, '[');
}

void pd_jw_array_end(pd_jw *w)
{
    close_(w, ']');
}

/* Length of the well-formed UTF-8 sequence starting at s (a byte >= 0x80), or 0 if it is not one:
 * no overlong forms, no surrogates, nothing above U+10FFFF (as pd_utf8_valid). */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    if (c < 0xC2 || c > 0xF4)
        return 0;
    size_t n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0) || (c == 0xF0 && s[1] < 0x90) ||
        (c == 0xF4 && s[1] >= 0x90))
        return 0;
    return n;
}

/* Bytes that go into a JSON string as they are: printable ASCII but '"' and '\\'. */
static const unsigned char plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static void put_string(pd_jw *w, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    reserve(w, n + 2);
    w->data[w->len++] = '"';
    const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
    while (p < end) {
        unsigned char c = *p;
        if (plain[c]) {
            p++;
            continue;
        }
        if (c >= 0x80) {
            size_t k = utf8_seq(p, (size_t)(end - p));
            if (k) {
                p += k;
                continue;
            }
        }
        put(w, run, (size_t)(p - run));
        if (c >= 0x80) {
            put(w, "\xEF\xBF\xBD", 3); /* U+FFFD for a byte that starts no valid sequence */
        } else if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(w, e, 2);
        } else {
            const char *named = c == '\b'   ? "\\b"
                                : c == '\f' ? "\\f"
                                : c == '\n' ? "\\n"
                                : c == '\r' ? "\\r"
                                : c == '\t' ? "\\t"
                                            : NULL;
            if (named) {
                put(w, named, 2);
            } else {
                char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                put(w, e, 6);
            }
        }
        run = ++p;
    }
    put(w, run, (size_t)(p - run));
    put_char(w, '"');
}

/* Text known to need no escaping (keys, formatted times), quoted. */
static void put_quoted(pd_jw *w, const char *s, size_t n)
{
    reserve(w, n + 2);
    w->data[w->len++] = '"';
    memcpy(w->data + w->len, s, n);
    w->len += n;
    w->data[w->len++] = '"';
    w->data[w->len] = '\0';
}

void pd_jw_key(pd_jw *w, const char *key)
{
    size_t n = strlen(key);
    reserve(w, n + 4);
    char *at = w->data + w->len;
    if (w->depth > 0) {
        if (w->has_items[w->depth - 1])
            *at++ = ',';
        w->has_items[w->depth - 1] = true;
    }
    *at++ = '"';
    memcpy(at, key, n);
    at += n;
    *at++ = '"';
    *at++ = ':';
    *at = '\0';
    w->len = (size_t)(at - w->data);
    w->after_key = true;
}

void pd_jw_str(pd_jw *w, const char *s)
{
    item(w);
    put_string(w, s ? s : "");
}

void pd_jw_int(pd_jw *w, int64_t n)
{
    item(w);
    char digits[24];
    size_t at = sizeof digits;
    uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    do {
        digits[--at] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (n < 0)
        digits[--at] = '-';
    put(w, digits + at, sizeof digits - at);
}

void pd_jw_null(pd_jw *w)
{
    item(w);
    put(w, "null", 4);
}

void pd_jw_bool(pd_jw *w, bool b)
{
    item(w);
    if (b)
        put(w, "true", 4);
    else
        put(w, "false", 5);
}

/* The proleptic Gregorian date of a day count from 1970-01-01 (H. Hinnant's civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void two(char *at, unsigned v)
{
    at[0] = (char)('0' + v / 10);
    at[1] = (char)('0' + v % 10);
}

void pd_jw_time(pd_jw *w, int64_t unix_seconds)
{
    if (!unix_seconds) {
        pd_jw_null(w);
        return;
    }
    int64_t local = unix_seconds + PD_TZ_OFFSET_SECONDS;
    int64_t days = local / 86400, secs = local % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    char s[40];
    if (y < 0 || y > 9999) {
        pd_format_local(unix_seconds, s, sizeof s); /* far outside any real record: the slow way */
        pd_jw_str(w, s);
        return;
    } else {
        memcpy(s, "0000-00-00T00:00:00+07:00", 26);
        two(s, (unsigned)(y / 100));
        two(s + 2, (unsigned)(y % 100));
        two(s + 5, m);
        two(s + 8, d);
        two(s + 11, (unsigned)(secs / 3600));
        two(s + 14, (unsigned)(secs / 60 % 60));
        two(s + 17, (unsigned)(secs % 60));
    }
    item(w);
    put_quoted(w, s, 25);
}

void pd_jw_json(pd_jw *w, const json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    if (!text) {
        pd_jw_null(w);
        return;
    }
    item(w);
    put(w, text, strlen(text));
    free(text);
}

void pd_jw_raw(pd_jw *w, const char *text, size_t len)
{
    item(w);
    put(w, text, len);
}

void pd_jw_kstr(pd_jw *w, const char *key, const char *s)
{
    pd_jw_key(w, key);
    pd_jw_str(w, s);
}

void pd_jw_kint(pd_jw *w, const char *key, int64_t n)
{
    pd_jw_key(w, key);
    pd_jw_int(w, n);
}

void pd_jw_kid(pd_jw *w, const char *key, int64_t id)
{
    pd_jw_key(w, key);
    if (id)
        pd_jw_int(w, id);
    else
        pd_jw_null(w);
}
