/* Text plumbing of the dispatch reader: sanitising the input, splitting it into lines with the
 * Markdown markup removed (emphasis, headings, quotes, escapes, table pipes), NFC and whitespace
 * collapsing, diacritic-insensitive prefix tests, a word tokenizer and date scanning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "directives/parse_internal.h"

char *pl_sanitize(const char *text, size_t len, size_t *out_len)
{
    pd_buf b;
    pd_buf_init(&b);
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len) {
        if (p[i] == 0) {
            pd_buf_add(&b, " ", 1);
            i++;
            continue;
        }
        if (p[i] < 0x80) {
            pd_buf_add(&b, text + i, 1);
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            pd_buf_puts(&b, "\xEF\xBF\xBD"); /* U+FFFD: visible, never silently dropped */
            i++;
            continue;
        }
        pd_buf_add(&b, text + i, (size_t)n);
        i += (size_t)n;
    }
    *out_len = b.len;
    char *out = pd_buf_steal(&b);
    return out ? out : strdup("");
}

static void push_line(pl_doc *d, char *text, int no)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->lines = realloc(d->lines, d->cap * sizeof *d->lines);
        if (!d->lines)
            abort();
    }
    d->lines[d->n++] = (pl_line){text, no, false};
}

/* A decoration line: rules drawn with -, _, =, *, ~ or dashes under a heading. */
static bool is_rule(const char *s)
{
    size_t marks = 0;
    for (const char *p = s; *p; p++) {
        if (strchr("-_=*~. ", *p))
            marks += *p != ' ';
        else if (strncmp(p, "\xE2\x80\x94", 3) == 0 || strncmp(p, "\xE2\x80\x93", 3) == 0)
            p += 2, marks++;
        else
            return false;
    }
    return marks >= 3;
}

/* Removes the Markdown markup of one piece of a line and cleans it into a new line. */
static void clean_piece(pl_doc *d, const char *s, size_t n, int no)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '>'))
        i++;
    size_t h = i;
    while (h < n && s[h] == '#')
        h++;
    if (h > i && h - i <= 6 && (h == n || s[h] == ' '))
        i = h;
    pd_buf b;
    pd_buf_init(&b);
    if (i + 1 < n && (s[i] == '*' || s[i] == '+') && s[i + 1] == ' ') {
        pd_buf_add(&b, s[i] == '*' ? "-" : "+", 1);
        i++;
    }
    for (; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && strchr("\\`*_{}[]()#+-.!|<>~\"'", s[i + 1])) {
            pd_buf_add(&b, s + i + 1, 1);
            i++;
        } else if (s[i] == '*' || s[i] == '\t') {
            pd_buf_add(&b, s[i] == '\t' ? " " : "", s[i] == '\t');
        } else if (s[i] == '_' && i + 1 < n && s[i + 1] == '_') {
            i++;
        } else {
            pd_buf_add(&b, s + i, 1);
        }
    }
    size_t cap = b.len * 4 + 16;
    char *out = malloc(cap);
    if (!out)
        abort();
    if (!pd_nfc_clean(b.data ? b.data : "", out, cap))
        pd_strlcpy(out, b.data ? b.data : "", cap);
    pd_buf_free(&b);
    if (is_rule(out))
        out[0] = '\0';
    push_line(d, out, no);
}

/* Splits an HTML line break (<br>, <br/>, <br />) left by converters. */
static void clean_breaks(pl_doc *d, const char *s, size_t n, int no)
{
    size_t start = 0;
    for (size_t i = 0; i + 4 <= n; i++) {
        if (strncasecmp(s + i, "<br", 3) != 0)
            continue;
        size_t j = i + 3;
        while (j < n && (s[j] == ' ' || s[j] == '/'))
            j++;
        if (j < n && s[j] == '>') {
            clean_piece(d, s + start, i - start, no);
            start = j + 1;
            i = j;
        }
    }
    clean_piece(d, s + start, n - start, no);
}

/* A Markdown table row: one line per cell; the |---|---| row is decoration. */
static void clean_table_row(pl_doc *d, const char *s, size_t n, int no)
{
    bool rule = true;
    for (size_t i = 0; i < n; i++)
        if (!strchr("|-: \t", s[i]))
            rule = false;
    if (rule) {
        push_line(d, strdup(""), no);
        return;
    }
    size_t i = 0;
    while (i < n && s[i] != '|')
        i++;
    i++;
    while (i < n) {
        size_t j = i;
        while (j < n && !(s[j] == '|' && s[j - 1] != '\\'))
            j++;
        bool last_empty = j >= n;
        size_t k = i;
        while (k < j && (s[k] == ' ' || s[k] == '\t'))
            k++;
        if (!(last_empty && k == j))
            clean_breaks(d, s + i, j - i, no);
        i = j + 1;
    }
}

void pl_split_lines(pl_doc *d, const char *text, size_t len)
{
    size_t start = 0;
    int no = 1;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '\n' && text[i] != '\r' && text[i] != '\f')
            continue;
        const char *s = text + start;
        size_t n = i - start, k = 0;
        while (k < n && (s[k] == ' ' || s[k] == '\t'))
            k++;
        if (k < n && s[k] == '|')
            clean_table_row(d, s, n, no);
        else
            clean_breaks(d, s, n, no);
        if (i < len && text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
            i++;
        start = i + 1;
        no++;
    }
}

void pl_doc_free(pl_doc *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->lines[i].text);
    free(d->lines);
    d->lines = NULL;
    d->n = d->cap = 0;
}

char *pl_fold(const char *s)
{
    size_t cap = strlen(s) * 2 + 8;
    char *out = malloc(cap);
    if (!out)
        abort();
    pd_fold(s, out, cap);
    return out;
}

/* Length of the code point at s (1 for a malformed byte), and its value in *cp. */
static size_t cp_at(const char *s, int32_t *cp)
{
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, cp);
    if (n <= 0) {
        *cp = (unsigned char)*s;
        return 1;
    }
    return (size_t)n;
}

static bool is_wordy(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO);
}

size_t pl_starts(const char *s, const char *prefix)
{
    size_t plen = strlen(prefix);
    char tmp[512], folded[512];
    size_t k = 0;
    /* Fast rejection on the first letter: most lines start with anything but the prefix. */
    int32_t first;
    size_t n1 = cp_at(s, &first);
    if (n1 < 8 && *s) {
        memcpy(tmp, s, n1);
        tmp[n1] = '\0';
        if (pd_fold(tmp, folded, sizeof folded) > 0 && folded[0] != prefix[0])
            return 0;
    }
    while (s[k] && k < sizeof tmp - 8) {
        int32_t cp;
        k += cp_at(s + k, &cp);
        memcpy(tmp, s, k);
        tmp[k] = '\0';
        size_t fl = pd_fold(tmp, folded, sizeof folded);
        if (fl > plen)
            return 0;
        if (fl == plen && memcmp(folded, prefix, plen) == 0) {
            int32_t next = 0;
            if (s[k])
                cp_at(s + k, &next);
            if (!s[k] || !is_wordy(next) || !is_wordy(cp))
                return k;
        }
    }
    return 0;
}

bool pl_all_upper(const char *s)
{
    bool letters = false;
    for (size_t i = 0; s[i];) {
        int32_t cp;
        i += cp_at(s + i, &cp);
        utf8proc_category_t c = utf8proc_category(cp);
        if (c == UTF8PROC_CATEGORY_LL)
            return false;
        letters |= c == UTF8PROC_CATEGORY_LU;
    }
    return letters;
}

bool pl_starts_lower(const char *s)
{
    for (size_t i = 0; s[i];) {
        int32_t cp;
        i += cp_at(s + i, &cp);
        utf8proc_category_t c = utf8proc_category(cp);
        if (c == UTF8PROC_CATEGORY_LL)
            return true;
        if (c == UTF8PROC_CATEGORY_LU || (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO))
            return false;
    }
    return false;
}

char *pl_strip(const char *s, size_t n, const char *trim)
{
    while (n > 0 && (*s == ' ' || strchr(trim, *s)))
        s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || strchr(trim, s[n - 1])))
        n--;
    char *out = malloc(n + 1);
    if (!out)
        abort();
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

char *pl_strip_item(const char *s)
{
    static const char *const bullets[] = {"-", "+", "\xE2\x80\xA2", "\xE2\x80\x93", "\xE2\x80\x94"};
    while (*s == ' ')
        s++;
    for (size_t i = 0; i < sizeof bullets / sizeof bullets[0]; i++) {
        size_t n = strlen(bullets[i]);
        if (strncmp(s, bullets[i], n) == 0) {
            s += n;
            break;
        }
    }
    return pl_strip(s, strlen(s), ";,.");
}

/* ---- tokens ---- */

static bool is_digit_cp(int32_t cp)
{
    return cp >= '0' && cp <= '9';
}

/* Whether the joiner at s (one of - / .) continues the word begun with prev. */
static bool joins(const char *s, int32_t prev)
{
    int32_t next;
    if (!s[1])
        return false;
    cp_at(s + 1, &next);
    if (*s == '.')
        return is_digit_cp(prev) && is_digit_cp(next);
    return is_wordy(prev) && is_wordy(next);
}

static void tok_flags(pl_tok *k, const char *text)
{
    size_t letters = 0, upper = 0;
    bool first = true;
    for (size_t i = k->s; i < k->e;) {
        int32_t cp;
        i += cp_at(text + i, &cp);
        utf8proc_category_t c = utf8proc_category(cp);
        if (c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT ||
            c == UTF8PROC_CATEGORY_LO) {
            letters++;
            upper += c == UTF8PROC_CATEGORY_LU;
            if (first)
                k->cap = c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
            first = false;
        } else if (first && is_digit_cp(cp)) {
            k->digit = true;
            first = false;
        }
    }
    k->upper = letters >= 2 && upper == letters;
    char tmp[256];
    size_t n = k->e - k->s < sizeof tmp - 1 ? k->e - k->s : sizeof tmp - 1;
    memcpy(tmp, text + k->s, n);
    tmp[n] = '\0';
    pd_fold(tmp, k->f, sizeof k->f);
}

static void tok_push(pl_toks *out, size_t *cap, pl_tok k)
{
    if (out->n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        out->t = realloc(out->t, *cap * sizeof *out->t);
        if (!out->t)
            abort();
    }
    out->t[out->n++] = k;
}

void pl_tokenize(const char *text, pl_toks *out)
{
    out->text = text;
    out->t = NULL;
    out->n = 0;
    size_t cap = 0, i = 0;
    while (text[i]) {
        int32_t cp;
        size_t n = cp_at(text + i, &cp);
        if (cp == ' ' || utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS) {
            i += n;
            continue;
        }
        pl_tok k;
        memset(&k, 0, sizeof k);
        k.s = i;
        if (!is_wordy(cp)) {
            k.e = i + n;
            tok_flags(&k, text);
            if (!k.f[0])
                snprintf(k.f, sizeof k.f, "%.*s", (int)n, text + i);
            tok_push(out, &cap, k);
            i += n;
            continue;
        }
        k.word = true;
        int32_t prev = cp;
        i += n;
        while (text[i]) {
            int32_t c;
            size_t m = cp_at(text + i, &c);
            if (is_wordy(c))
                prev = c;
            else if (!(strchr("-/.", (char)c) && c < 0x80 && joins(text + i, prev)))
                break;
            i += m;
        }
        k.e = i;
        tok_flags(&k, text);
        tok_push(out, &cap, k);
    }
}

void pl_toks_free(pl_toks *t)
{
    free(t->t);
    t->t = NULL;
    t->n = 0;
}

size_t pl_match(const pl_toks *t, size_t i, const char *phrase)
{
    size_t k = 0;
    const char *p = phrase;
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (i + k >= t->n || strlen(t->t[i + k].f) != n || memcmp(t->t[i + k].f, p, n) != 0)
            return 0;
        k++;
        p += n;
        while (*p == ' ')
            p++;
    }
    return k;
}

/* ---- dates ---- */

static int small_int(const pl_tok *k, const char *text)
{
    int v = 0;
    for (size_t i = k->s; i < k->e; i++) {
        if (text[i] < '0' || text[i] > '9' || v > 100000)
            return -1;
        v = v * 10 + (text[i] - '0');
    }
    return v;
}

static size_t date_numeric(const pl_toks *t, size_t i, int *d, int *m, int *y)
{
    const pl_tok *k = &t->t[i];
    if (!k->digit || k->e - k->s > 12)
        return 0;
    int parts[3], np = 0, v = -1;
    for (size_t j = k->s; j <= k->e; j++) {
        char c = j < k->e ? t->text[j] : '/';
        if (c >= '0' && c <= '9') {
            v = (v < 0 ? 0 : v * 10) + (c - '0');
        } else if (strchr("/-.", c) && v >= 0 && np < 3) {
            parts[np++] = v;
            v = -1;
        } else {
            return 0;
        }
    }
    if (np != 3)
        return 0;
    *d = parts[0], *m = parts[1], *y = parts[2];
    return 1;
}

size_t pl_date_at(const pl_toks *t, size_t i, int *day, int *month, int *year)
{
    *day = *month = *year = 0;
    if (i >= t->n)
        return 0;
    if (date_numeric(t, i, day, month, year))
        return 1;
    size_t j = i;
    if (t->t[j].digit && j + 1 < t->n && strcmp(t->t[j + 1].f, "thang") == 0)
        *day = small_int(&t->t[j++], t->text);
    if (j >= t->n || strcmp(t->t[j].f, "thang") != 0)
        return 0;
    j++;
    if (j < t->n && t->t[j].digit)
        *month = small_int(&t->t[j++], t->text);
    if (j + 1 >= t->n || strcmp(t->t[j].f, "nam") != 0 || !t->t[j + 1].digit)
        return 0;
    *year = small_int(&t->t[j + 1], t->text);
    if (*day < 0)
        *day = 0;
    if (*month < 0)
        *month = 0;
    return j + 2 - i;
}

bool pl_iso_date(int day, int month, int year, char *out)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1 || day > days[month - 1])
        return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap)
        return false;
    snprintf(out, 11, "%04d-%02d-%02d", year % 10000, month % 100, day % 100);
    return true;
}
