/* Vietnamese text handling on top of utf8proc: validation, NFC, folding (đ -> d), and a byte buffer. */
#include "base/text.h"

#include <pthread.h>
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
    size_t len = strlen(s), n = 0, i = 0;
    for (; i + 8 <= len; i += 8) { /* eight bytes at a time: count the continuation bytes */
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t cont = (w & ~(w << 1) & 0x8080808080808080ull) >> 7; /* 10xxxxxx -> 1 */
        n += 8 - (size_t)((cont * 0x0101010101010101ull) >> 56);     /* sum of the bytes */
    }
    for (; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* ---- fast paths ----
 *
 * Names and addresses are nearly always ASCII or precomposed Vietnamese letters. Text made only of
 * code points below U+0250 (ASCII, Latin-1, Latin Extended-A and -B) and of Latin Extended Additional
 * (U+1E00-U+1EFF, the letters with two marks such as ệ) is already NFC: each of these is its own NFC
 * form, has combining class 0 and never composes with a neighbour (only combining marks and a few
 * Hangul/Indic vowels do, and none of them is in these blocks). Such text skips utf8proc's NFC, and its
 * folding is looked up per code point, since decomposing, case folding and stripping marks act on
 * each code point alone. The fast paths decode and check the UTF-8 themselves and hand anything else
 * (other blocks, malformed bytes) to the utf8proc path. tests/unit/test_text.c checks the claims
 * against utf8proc for every code point and pair of code points of these blocks. */

/* Length of the well-formed sequence of a fast-block code point at s (2 or 3 bytes after a
 * non-ASCII lead byte), 0 if the code point is outside the fast blocks or malformed. */
static size_t fast_seq(const unsigned char *s)
{
    unsigned c = s[0];
    if (c >= 0xC2 && c <= 0xC9) { /* U+0080-U+024F */
        unsigned c1 = s[1];
        return (c1 & 0xC0) == 0x80 && (c != 0xC9 || c1 < 0x90) ? 2 : 0;
    }
    if (c == 0xE1 && s[1] >= 0xB8 && s[1] <= 0xBB) /* U+1E00-U+1EFF */
        return (s[2] & 0xC0) == 0x80 ? 3 : 0;
    return 0;
}

/* Decodes one code point of valid UTF-8 at *p and advances *p. */
static int32_t next_cp(const unsigned char **p)
{
    const unsigned char *s = *p;
    if (s[0] < 0x80) {
        *p += 1;
        return s[0];
    }
    if (s[0] < 0xE0) {
        *p += 2;
        return ((int32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    }
    if (s[0] < 0xF0) {
        *p += 3;
        return ((int32_t)(s[0] & 0x0F) << 12) | ((int32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    }
    *p += 4;
    return ((int32_t)(s[0] & 0x07) << 18) | ((int32_t)(s[1] & 0x3F) << 12) |
           ((int32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* Whitespace for folding and cleaning: ASCII blanks and every Unicode space separator (Zs). */
static bool is_space_cp(int32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r';
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

/* ---- folding ---- */

/* Where folded code points go: the shared tail of both paths of pd_fold. */
typedef struct fold_out {
    char *out;
    size_t cap, at;
    bool space; /* the last thing seen was whitespace (or nothing yet) */
} fold_out;

/* Appends one code point as UTF-8 if it fits (leaving room for the NUL). */
static void put_cp(fold_out *f, int32_t cp)
{
    if (cp < 0x80) {
        if (f->at + 2 <= f->cap)
            f->out[f->at++] = (char)cp;
        return;
    }
    utf8proc_uint8_t tmp[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);
    if (f->at + (size_t)n + 1 > f->cap)
        return;
    memcpy(f->out + f->at, tmp, (size_t)n);
    f->at += (size_t)n;
}

/* One code point of decomposed, case-folded, mark-stripped text. */
static void fold_emit(fold_out *f, int32_t cp)
{
    if (cp == 0x0111 || cp == 0x0110) /* đ, Đ: a letter of its own, not d with a mark */
        cp = 'd';
    if (is_space_cp(cp)) {
        if (!f->space && f->at + 2 <= f->cap)
            f->out[f->at++] = ' ';
        f->space = true;
        return;
    }
    f->space = false;
    put_cp(f, cp);
}

static size_t fold_finish(fold_out *f)
{
    while (f->at > 0 && f->out[f->at - 1] == ' ')
        f->at--;
    f->out[f->at] = '\0';
    return f->at;
}

#define FOLD_MAX 4 /* longest folding of one code point of the fast blocks kept in the table */
#define FOLD_SLOTS (0x250 + 0x100)

/* Folding of each code point of the fast blocks: n code points (n > FOLD_MAX: use utf8proc). */
static struct fold_entry {
    uint8_t n;
    int32_t cp[FOLD_MAX];
} fold_table[FOLD_SLOTS];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static const utf8proc_option_t fold_options =
    UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD;

static void fold_table_init(void)
{
    for (int slot = 1; slot < FOLD_SLOTS; slot++) {
        int32_t cp = slot < 0x250 ? slot : 0x1E00 + (slot - 0x250);
        utf8proc_uint8_t in[5] = {0}, *mapped = NULL;
        utf8proc_encode_char(cp, in);
        struct fold_entry *e = &fold_table[slot];
        e->n = FOLD_MAX + 1;
        utf8proc_ssize_t len = utf8proc_map(in, 0, &mapped, fold_options);
        if (len >= 0) {
            uint8_t n = 0;
            utf8proc_ssize_t i = 0;
            while (i < len && n <= FOLD_MAX) {
                utf8proc_int32_t c;
                utf8proc_ssize_t step = utf8proc_iterate(mapped + i, len - i, &c);
                if (step <= 0) {
                    n = FOLD_MAX + 1;
                    break;
                }
                if (n < FOLD_MAX)
                    e->cp[n] = c;
                n++;
                i += step;
            }
            e->n = n;
        }
        free(mapped);
    }
}

/* The fast path of pd_fold; false (nothing final written) if the text needs utf8proc. */
static bool fold_fast(const unsigned char *s, fold_out *f)
{
    pthread_once(&fold_once, fold_table_init);
    while (*s) {
        unsigned c = *s;
        if (c < 0x80) {
            fold_emit(f, c >= 'A' && c <= 'Z' ? (int32_t)(c + ('a' - 'A')) : (int32_t)c);
            s++;
            continue;
        }
        if (!fast_seq(s))
            return false;
        int32_t cp = next_cp(&s);
        const struct fold_entry *e = &fold_table[cp < 0x250 ? cp : 0x250 + (cp - 0x1E00)];
        if (e->n > FOLD_MAX)
            return false;
        for (int i = 0; i < e->n; i++)
            fold_emit(f, e->cp[i]);
    }
    return true;
}

size_t pd_fold(const char *in, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    out[0] = '\0';
    fold_out f = {out, cap, 0, true};
    if (fold_fast((const unsigned char *)in, &f))
        return fold_finish(&f);
    out[0] = '\0';
    if (!pd_utf8_valid(in, strlen(in)))
        return 0;
    f = (fold_out){out, cap, 0, true};
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)in, 0, &mapped, fold_options);
    if (n < 0)
        return 0;
    utf8proc_ssize_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t step = utf8proc_iterate(mapped + i, n - i, &cp);
        if (step <= 0)
            break;
        i += step;
        fold_emit(&f, cp);
    }
    free(mapped);
    return fold_finish(&f);
}

/* ---- NFC ---- */

/* Copies valid UTF-8 text with whitespace trimmed and collapsed; false if it does not fit. */
static bool collapse_spaces(const unsigned char *p, char *out, size_t cap)
{
    size_t at = 0;
    bool space = true, fits = true;
    while (*p) {
        const unsigned char *start = p;
        int32_t cp = next_cp(&p);
        size_t n = (size_t)(p - start);
        /* Unicode spaces (no-break space from spreadsheets, ...) count as whitespace, as in pd_fold. */
        if (is_space_cp(cp)) {
            space = true;
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
        memcpy(out + at, start, n);
        at += n;
    }
    out[at] = '\0';
    return fits;
}

/* Length of the whitespace at p within the fast blocks (ASCII blanks, no-break space), 0 if none. */
static size_t fast_space(const unsigned char *p)
{
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        return 1;
    return p[0] == 0xC2 && p[1] == 0xA0 ? 2 : 0;
}

/* pd_nfc_clean for text of the fast blocks, checking the UTF-8 as it goes: 1 done, 0 does not fit
 * (out holds what fitted, as collapse_spaces leaves it), -1 the text needs the utf8proc path. Words
 * are copied whole. */
static int clean_fast(const unsigned char *p, char *out, size_t cap)
{
    size_t at = 0;
    bool full = false;
    for (;;) {
        size_t n;
        while ((n = fast_space(p)) != 0)
            p += n;
        if (!*p)
            break;
        const unsigned char *word = p;
        while (*p && !fast_space(p)) {
            if (*p < 0x80) {
                p++;
            } else if ((n = fast_seq(p)) != 0) {
                p += n;
            } else {
                return -1;
            }
        }
        if (full)
            continue; /* keep checking the rest: malformed text must still go to utf8proc */
        size_t len = (size_t)(p - word), sep = at > 0;
        if (at + sep + len + 1 <= cap) {
            out[at] = ' ';
            at += sep;
            memcpy(out + at, word, len);
            at += len;
            continue;
        }
        full = true; /* as much of the word as fits, whole code points only */
        if (at + sep + 1 > cap)
            continue;
        out[at] = ' ';
        at += sep;
        const unsigned char *q = word;
        while (q < p) {
            size_t k = *q < 0x80 ? 1 : fast_seq(q);
            if (at + k + 1 > cap)
                break;
            memcpy(out + at, q, k);
            at += k;
            q += k;
        }
    }
    out[at] = '\0';
    return full ? 0 : 1;
}

bool pd_nfc_clean(const char *in, char *out, size_t cap)
{
    if (cap == 0)
        return false;
    int fast = clean_fast((const unsigned char *)in, out, cap);
    if (fast >= 0)
        return fast == 1;
    out[0] = '\0';
    if (!pd_utf8_valid(in, strlen(in)))
        return false;
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)in);
    if (!nfc)
        return false;
    bool fits = collapse_spaces(nfc, out, cap);
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
