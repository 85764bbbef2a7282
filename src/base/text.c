/* Vietnamese text handling on top of utf8proc: validation, NFC, folding (đ -> d), and a byte buffer. */
#include "base/text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

bool pd_utf8_valid(const char *s, size_t len)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) { /* fast path for ASCII */
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return false;
        i += (size_t)n;
    }
    return true;
}

size_t pd_utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* Appends one code point as UTF-8 if it fits (leaving room for the NUL). */
static size_t put_cp(char *out, size_t at, size_t cap, utf8proc_int32_t cp)
{
    utf8proc_uint8_t tmp[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);
    if (at + (size_t)n + 1 > cap)
        return at;
    memcpy(out + at, tmp, (size_t)n);
    return at + (size_t)n;
}

size_t pd_fold(const char *in, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    out[0] = '\0';
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)in, 0, &mapped,
                                      UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
                                          UTF8PROC_CASEFOLD);
    if (n < 0)
        return 0;
    size_t at = 0;
    bool space = true; /* swallow leading whitespace */
    utf8proc_ssize_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t step = utf8proc_iterate(mapped + i, n - i, &cp);
        if (step <= 0)
            break;
        i += step;
        if (cp == 0x0111 || cp == 0x0110) /* đ, Đ: a letter of its own, not d with a mark */
            cp = 'd';
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cat == UTF8PROC_CATEGORY_ZS) {
            if (!space && at + 2 <= cap)
                out[at++] = ' ';
            space = true;
            continue;
        }
        space = false;
        at = put_cp(out, at, cap, cp);
    }
    while (at > 0 && out[at - 1] == ' ')
        at--;
    out[at] = '\0';
    free(mapped);
    return at;
}

bool pd_nfc_clean(const char *in, char *out, size_t cap)
{
    if (cap == 0)
        return false;
    out[0] = '\0';
    if (!pd_utf8_valid(in, strlen(in)))
        return false;
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)in);
    if (!nfc)
        return false;
    size_t at = 0;
    bool space = true, fits = true;
    for (const utf8proc_uint8_t *p = nfc; *p;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
        if (n <= 0)
            break;
        /* Unicode spaces (no-break space from spreadsheets, ...) count as whitespace, as in pd_fold. */
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
            utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS) {
            space = true;
            p += n;
            continue;
        }
        if (space && at > 0) {
            if (at + 2 > cap) {
                fits = false;
                break;
            }
            out[at++] = ' ';
        }
        space = false;
        if (at + (size_t)n + 1 > cap) {
            fits = false;
            break;
        }
        memcpy(out + at, p, (size_t)n);
        at += (size_t)n;
        p += n;
    }
    out[at] = '\0';
    free(nfc);
    return fits;
}

void pd_buf_init(pd_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void pd_buf_free(pd_buf *b)
{
    free(b->data);
    pd_buf_init(b);
}

void pd_buf_reset(pd_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static void buf_reserve(pd_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d)
        abort(); /* out of memory: nothing sensible to do */
    b->data = d;
    b->cap = cap;
}

void pd_buf_add(pd_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void pd_buf_puts(pd_buf *b, const char *s)
{
    pd_buf_add(b, s, strlen(s));
}

void pd_buf_printf(pd_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *pd_buf_steal(pd_buf *b)
{
    char *d = b->data;
    if (!d)
        d = calloc(1, 1);
    pd_buf_init(b);
    return d;
}

void pd_strlcpy(char *dst, const char *src, size_t cap)
{
    if (cap == 0)
        return;
    size_t n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--; /* do not cut a code point in half */
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}
