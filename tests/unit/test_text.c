/* Unit tests of the Vietnamese text helpers (src/base/text.c): diacritic folding of every precomposed
 * Vietnamese letter (hand-written table, with NFD forms built from combining marks), đ/Đ, whitespace
 * collapsing, NFC cleaning, and UTF-8 validation checked exhaustively against the Unicode table of
 * well-formed byte sequences; the fast paths of NFC cleaning and folding (ASCII and precomposed
 * Latin text) checked against utf8proc code point by code point and on random mixed text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "base/text.h"

/* One vowel with its modifier (breve, circumflex, horn or none) under the six tones, in the order:
 * none, huyền (grave), sắc (acute), hỏi (hook above), ngã (tilde), nặng (dot below). */
typedef struct vowel_row {
    char base;           /* the folded letter */
    unsigned modifier;   /* combining mark code point, 0 for none */
    const char *forms;   /* six precomposed (or ASCII) letters, in tone order */
} vowel_row;

static const vowel_row rows[] = {
    {'a', 0, "aàáảãạ"},      {'a', 0x0306, "ăằắẳẵặ"}, {'a', 0x0302, "âầấẩẫậ"},
    {'e', 0, "eèéẻẽẹ"},      {'e', 0x0302, "êềếểễệ"}, {'i', 0, "iìíỉĩị"},
    {'o', 0, "oòóỏõọ"},      {'o', 0x0302, "ôồốổỗộ"}, {'o', 0x031B, "ơờớởỡợ"},
    {'u', 0, "uùúủũụ"},      {'u', 0x031B, "ưừứửữự"}, {'y', 0, "yỳýỷỹỵ"},
    {'A', 0, "AÀÁẢÃẠ"},      {'A', 0x0306, "ĂẰẮẲẴẶ"}, {'A', 0x0302, "ÂẦẤẨẪẬ"},
    {'E', 0, "EÈÉẺẼẸ"},      {'E', 0x0302, "ÊỀẾỂỄỆ"}, {'I', 0, "IÌÍỈĨỊ"},
    {'O', 0, "OÒÓỎÕỌ"},      {'O', 0x0302, "ÔỒỐỔỖỘ"}, {'O', 0x031B, "ƠỜỚỞỠỢ"},
    {'U', 0, "UÙÚỦŨỤ"},      {'U', 0x031B, "ƯỪỨỬỮỰ"}, {'Y', 0, "YỲÝỶỸỴ"},
};

static const unsigned tones[6] = {0, 0x0300, 0x0301, 0x0309, 0x0303, 0x0323};

/* Independent UTF-8 encoder (not utf8proc) for building NFD strings. */
static size_t encode(unsigned cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* Length in bytes of the UTF-8 sequence starting with lead byte c. */
static size_t seq_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static void test_fold_every_vietnamese_letter(void **state)
{
    (void)state;
    int precomposed = 0;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        const char *p = rows[r].forms;
        char expect[2] = {lower(rows[r].base), '\0'};
        for (int t = 0; t < 6; t++) {
            size_t n = seq_len((unsigned char)*p);
            char letter[8] = {0};
            memcpy(letter, p, n);
            p += n;
            if (n > 1)
                precomposed++;
            else
                assert_true(rows[r].modifier == 0 && t == 0); /* only the bare vowel is ASCII */

            char out[16];
            size_t len = pd_fold(letter, out, sizeof out);
            if (strcmp(out, expect) != 0)
                fail_msg("pd_fold(%s) = '%s', expected '%s'", letter, out, expect);
            assert_int_equal(len, 1);

            /* The same letter decomposed (NFD): base + modifier + tone, built by hand. */
            char nfd[16];
            size_t at = 0;
            nfd[at++] = rows[r].base;
            if (rows[r].modifier)
                at += encode(rows[r].modifier, nfd + at);
            if (tones[t])
                at += encode(tones[t], nfd + at);
            nfd[at] = '\0';
            char out_nfd[16];
            pd_fold(nfd, out_nfd, sizeof out_nfd);
            assert_string_equal(out_nfd, out);

            /* NFC cleaning composes the NFD form back into the precomposed letter. */
            char nfc[16];
            assert_true(pd_nfc_clean(nfd, nfc, sizeof nfc));
            if (strcmp(nfc, letter) != 0)
                fail_msg("pd_nfc_clean(NFD of %s) gave %zu bytes, expected the precomposed letter",
                         letter, strlen(nfc));

            /* The dot below (ccc 220) may come after the modifier (ccc 230) in hand-typed text:
             * canonically equivalent, so it must compose to the same letter. */
            if (rows[r].modifier && tones[t] == 0x0323) {
                at = 0;
                nfd[at++] = rows[r].base;
                at += encode(0x0323, nfd + at);
                at += encode(rows[r].modifier, nfd + at);
                nfd[at] = '\0';
                assert_true(pd_nfc_clean(nfd, nfc, sizeof nfc));
                assert_string_equal(nfc, letter);
                pd_fold(nfd, out_nfd, sizeof out_nfd);
                assert_string_equal(out_nfd, expect);
            }
        }
        assert_int_equal(*p, '\0'); /* exactly six letters per row */
    }
    /* 66 precomposed vowels in each case; with đ and Đ that is the 134 letters of the alphabet. */
    assert_int_equal(precomposed, 132);
}

static void test_fold_d_stroke(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(pd_fold("đ", out, sizeof out), 1);
    assert_string_equal(out, "d");
    assert_int_equal(pd_fold("Đ", out, sizeof out), 1);
    assert_string_equal(out, "d");
    pd_fold("Đặng Thị Ánh", out, sizeof out);
    assert_string_equal(out, "dang thi anh");
    pd_fold("ĐỖ ĐỨC ĐẠT", out, sizeof out);
    assert_string_equal(out, "do duc dat");
    /* đ is its own letter: "d" with a combining mark is still d, and "dd" is not folded to đ. */
    pd_fold("Đinh Đinh dđ", out, sizeof out);
    assert_string_equal(out, "dinh dinh dd");
}

static void test_fold_names_nfc_equals_nfd(void **state)
{
    (void)state;
    /* "Nguyễn Thị Phượng" typed precomposed and decomposed (e + circumflex + tilde, ...). */
    const char *nfc = "Nguyễn Thị Phượng";
    const char *nfd = "Nguye\xCC\x82\xCC\x83n Thi\xCC\xA3 Phu\xCC\x9Bo\xCC\x9B\xCC\xA3ng";
    char a[64], b[64];
    size_t la = pd_fold(nfc, a, sizeof a), lb = pd_fold(nfd, b, sizeof b);
    assert_string_equal(a, "nguyen thi phuong");
    assert_string_equal(b, a);
    assert_int_equal(la, lb);
    assert_int_equal(la, strlen(a));

    char c[64];
    assert_true(pd_nfc_clean(nfd, c, sizeof c));
    assert_string_equal(c, nfc);
}

static void test_fold_whitespace(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(pd_fold("  Nguyễn \t Văn\r\n\n An  ", out, sizeof out), 13);
    assert_string_equal(out, "nguyen van an");
    /* No-break space (U+00A0) and ideographic space (U+3000) are spaces too. */
    pd_fold("Lê\xC2\xA0Văn\xE3\x80\x80Tám", out, sizeof out);
    assert_string_equal(out, "le van tam");
    assert_int_equal(pd_fold("", out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(pd_fold(" \t\n ", out, sizeof out), 0);
    assert_string_equal(out, "");
    pd_fold("ABC", out, sizeof out);
    assert_string_equal(out, "abc");
}

static void test_fold_invalid_utf8_is_empty(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "abc\xFF",           /* never valid */
        "Nguy\xE1\xBB",      /* truncated 3-byte sequence */
        "\xC0\xAF",          /* overlong '/' */
        "x\xED\xA0\x80y",    /* surrogate */
        "\x80",              /* lone continuation */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[32];
        memset(out, 'Z', sizeof out);
        assert_int_equal(pd_fold(bad[i], out, sizeof out), 0);
        assert_string_equal(out, "");
    }
}

static void test_fold_capacity(void **state)
{
    (void)state;
    char out[16];
    /* cap counts the NUL: 7 bytes hold "nguyen" and nothing of the next word. */
    assert_int_equal(pd_fold("Nguyễn Văn An", out, 7), 6);
    assert_string_equal(out, "nguyen");
    assert_int_equal(pd_fold("Nguyễn Văn An", out, 1), 0);
    assert_string_equal(out, "");
    assert_int_equal(pd_fold("abc", out, 0), 0);
    /* Never half a code point: "日本" is 6 bytes, cap 5 keeps only the first character. */
    size_t n = pd_fold("日本", out, 5);
    assert_int_equal(n, 3);
    assert_true(pd_utf8_valid(out, n));
    assert_string_equal(out, "日");
}

/* The well-formed UTF-8 byte sequences (Unicode 15, Table 3-7), written out independently. */
static bool ref_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        unsigned lo = 0x80, hi = 0xBF;
        size_t extra;
        if (c <= 0x7F) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
        } else if (c == 0xE0) {
            extra = 2, lo = 0xA0;
        } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
            extra = 2;
        } else if (c == 0xED) {
            extra = 2, hi = 0x9F;
        } else if (c == 0xF0) {
            extra = 3, lo = 0x90;
        } else if (c >= 0xF1 && c <= 0xF3) {
            extra = 3;
        } else if (c == 0xF4) {
            extra = 3, hi = 0x8F;
        } else {
            return false;
        }
        if (i + extra >= len) /* truncated */
            return false;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (size_t k = 2; k <= extra; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return false;
        i += extra + 1;
    }
    return true;
}

static void check_same(const unsigned char *s, size_t len)
{
    bool want = ref_valid(s, len), got = pd_utf8_valid((const char *)s, len);
    if (want != got) {
        char hex[64] = "";
        for (size_t i = 0; i < len; i++)
            snprintf(hex + strlen(hex), sizeof hex - strlen(hex), "%02X ", s[i]);
        fail_msg("pd_utf8_valid(%s) = %d, expected %d", hex, got, want);
    }
}

static void test_utf8_valid_exhaustive(void **state)
{
    (void)state;
    unsigned char s[6];
    /* Every 1- and 2-byte string. */
    for (unsigned a = 0; a < 256; a++) {
        s[0] = (unsigned char)a;
        check_same(s, 1);
        for (unsigned b = 0; b < 256; b++) {
            s[1] = (unsigned char)b;
            check_same(s, 2);
        }
    }
    /* Every 3-byte string with a 3-byte lead (E0..EF), plus the same after an ASCII byte. */
    for (unsigned a = 0xE0; a <= 0xEF; a++)
        for (unsigned b = 0; b < 256; b++)
            for (unsigned c = 0; c < 256; c++) {
                s[0] = (unsigned char)a, s[1] = (unsigned char)b, s[2] = (unsigned char)c;
                check_same(s, 3);
            }
    /* 4-byte leads (F0..FF) with every second byte and boundary values for the rest. */
    static const unsigned char edge[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xFF};
    for (unsigned a = 0xF0; a <= 0xFF; a++)
        for (unsigned b = 0; b < 256; b++)
            for (size_t c = 0; c < sizeof edge; c++)
                for (size_t d = 0; d < sizeof edge; d++) {
                    s[0] = 'x', s[1] = (unsigned char)a, s[2] = (unsigned char)b, s[3] = edge[c],
                    s[4] = edge[d];
                    check_same(s, 5);
                    check_same(s + 1, 4);
                    check_same(s + 1, 3); /* truncated */
                }
}

static void test_utf8_valid_named_cases(void **state)
{
    (void)state;
    assert_true(pd_utf8_valid("", 0));
    assert_true(pd_utf8_valid("Nguyễn Văn An", strlen("Nguyễn Văn An")));
    assert_true(pd_utf8_valid("\xF0\x9F\x98\x80", 4)); /* U+1F600 */
    assert_true(pd_utf8_valid("\xF4\x8F\xBF\xBF", 4)); /* U+10FFFF */
    assert_true(pd_utf8_valid("\xED\x9F\xBF", 3));     /* U+D7FF, just below the surrogates */
    assert_true(pd_utf8_valid("\xEE\x80\x80", 3));     /* U+E000, just above */
    /* Overlongs. */
    assert_false(pd_utf8_valid("\xC0\x80", 2));
    assert_false(pd_utf8_valid("\xC1\xBF", 2));
    assert_false(pd_utf8_valid("\xE0\x80\xAF", 3));
    assert_false(pd_utf8_valid("\xE0\x9F\xBF", 3));
    assert_false(pd_utf8_valid("\xF0\x8F\xBF\xBF", 4));
    /* Surrogates U+D800 and U+DFFF. */
    assert_false(pd_utf8_valid("\xED\xA0\x80", 3));
    assert_false(pd_utf8_valid("\xED\xBF\xBF", 3));
    /* Above U+10FFFF. */
    assert_false(pd_utf8_valid("\xF4\x90\x80\x80", 4));
    assert_false(pd_utf8_valid("\xF5\x80\x80\x80", 4));
    /* Truncated sequences, including a valid string cut inside its last code point by len. */
    assert_false(pd_utf8_valid("\xC3", 1));
    assert_false(pd_utf8_valid("\xE1\xBB", 2));
    assert_false(pd_utf8_valid("\xF0\x9F\x98", 3));
    assert_false(pd_utf8_valid("\xC3" "A", 2));
    const char *an = "Văn"; /* V, ă (2 bytes), n */
    assert_true(pd_utf8_valid(an, 4));
    assert_false(pd_utf8_valid(an, 2));
    assert_true(pd_utf8_valid(an, 1));
}

static void test_nfc_clean(void **state)
{
    (void)state;
    char out[64];
    assert_true(pd_nfc_clean("  Nguyễn   Văn\tAn \n", out, sizeof out));
    assert_string_equal(out, "Nguyễn Văn An"); /* case and marks kept, spaces collapsed */
    assert_true(pd_nfc_clean("", out, sizeof out));
    assert_string_equal(out, "");
    assert_true(pd_nfc_clean("   ", out, sizeof out));
    assert_string_equal(out, "");
    assert_false(pd_nfc_clean("Nguy\xE1\xBB", out, sizeof out)); /* invalid UTF-8 */
    assert_false(pd_nfc_clean("\xC0\xAF", out, sizeof out));
    assert_false(pd_nfc_clean("abc", out, 0));

    /* Exactly fitting output succeeds, one byte less fails. "Lê An" is 6 bytes. */
    assert_true(pd_nfc_clean(" Lê  An ", out, 7));
    assert_string_equal(out, "Lê An");
    assert_false(pd_nfc_clean(" Lê  An ", out, 6));
    /* Unicode spaces (no-break space U+00A0 pasted from spreadsheets, ideographic space U+3000)
     * collapse like ASCII ones, as in pd_fold. */
    assert_true(pd_nfc_clean("\xC2\xA0Nguyễn\xC2\xA0Văn \xE3\x80\x80" "An\xC2\xA0", out, sizeof out));
    assert_string_equal(out, "Nguyễn Văn An");
    /* A result that does not fit never ends inside a code point. */
    memset(out, 'Z', sizeof out);
    assert_false(pd_nfc_clean("Lê Văn", out, 3)); /* "L" + 2-byte ê needs 4 bytes */
    assert_string_equal(out, "L");
    /* Decomposed input composes: e + circumflex (U+0302) is 3 bytes, ê is 2. */
    assert_true(pd_nfc_clean("Le\xCC\x82 An", out, 7));
    assert_string_equal(out, "Lê An");
}

static void test_utf8_length_and_strlcpy(void **state)
{
    (void)state;
    assert_int_equal(pd_utf8_length(""), 0);
    assert_int_equal(pd_utf8_length("Nguyễn"), 6);
    assert_int_equal(pd_utf8_length("Đặng Thị Ánh"), 12);

    char out[16];
    /* "Việt": V i ệ(3 bytes) t. Truncation never splits ệ. */
    pd_strlcpy(out, "Việt", 3);
    assert_string_equal(out, "Vi");
    pd_strlcpy(out, "Việt", 5);
    assert_string_equal(out, "Vi");
    pd_strlcpy(out, "Việt", 6);
    assert_string_equal(out, "Việ");
    pd_strlcpy(out, "Việt", sizeof out);
    assert_string_equal(out, "Việt");
    pd_strlcpy(out, "abc", 1);
    assert_string_equal(out, "");
}

static void test_buf(void **state)
{
    (void)state;
    pd_buf b;
    pd_buf_init(&b);
    for (int i = 0; i < 1000; i++)
        pd_buf_printf(&b, "%d,", i);
    assert_int_equal(b.len, strlen(b.data));
    assert_memory_equal(b.data, "0,1,2,", 6);
    assert_string_equal(b.data + b.len - 4, "999,");
    pd_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    pd_buf_puts(&b, "Phường ");
    pd_buf_add(&b, "Sông Cầu!!", strlen("Sông Cầu"));
    char *s = pd_buf_steal(&b);
    assert_string_equal(s, "Phường Sông Cầu");
    assert_null(b.data);
    free(s);
    s = pd_buf_steal(&b); /* an empty buffer still hands over a string */
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    pd_buf_free(&b);
}

/* ---- fast paths against utf8proc ---- */

/* The code points pd_nfc_clean and pd_fold handle without utf8proc (src/base/text.c). */
static bool fast_block(int32_t cp)
{
    return (cp > 0 && cp < 0x250) || (cp >= 0x1E00 && cp <= 0x1EFF);
}

static size_t put_utf8(int32_t cp, char *out)
{
    return (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out);
}

/* pd_nfc_clean as specified: utf8proc's NFC, then blanks and Unicode spaces trimmed and collapsed. */
static bool ref_nfc_clean(const char *in, char *out, size_t cap)
{
    out[0] = '\0';
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)in);
    if (!nfc)
        return false;
    size_t at = 0;
    bool space = true, fits = true;
    for (const utf8proc_uint8_t *p = nfc; *p;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
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

/* pd_fold as specified: utf8proc decomposition + case folding + mark stripping of the whole text,
 * then đ -> d and whitespace collapsed. */
static size_t ref_fold(const char *in, char *out, size_t cap)
{
    out[0] = '\0';
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)in, 0, &mapped,
                                      UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
                                          UTF8PROC_CASEFOLD);
    if (n < 0)
        return 0;
    size_t at = 0;
    bool space = true;
    for (utf8proc_ssize_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        i += utf8proc_iterate(mapped + i, n - i, &cp);
        if (cp == 0x0111 || cp == 0x0110)
            cp = 'd';
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
            utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS) {
            if (!space && at + 2 <= cap)
                out[at++] = ' ';
            space = true;
            continue;
        }
        space = false;
        char tmp[4];
        size_t k = put_utf8(cp, tmp);
        if (at + k + 1 <= cap) {
            memcpy(out + at, tmp, k);
            at += k;
        }
    }
    while (at > 0 && out[at - 1] == ' ')
        at--;
    out[at] = '\0';
    free(mapped);
    return at;
}

/* The claim behind the fast path: every code point of the fast blocks is NFC, has combining class
 * 0, and no two of them compose; and its folding alone is what utf8proc gives. */
static void test_fast_blocks_are_nfc(void **state)
{
    (void)state;
    for (int32_t x = 1; x <= 0x1EFF; x++) {
        if (!fast_block(x))
            continue;
        assert_int_equal(utf8proc_get_property(x)->combining_class, 0);
        char one[8] = {0}, out[64], ref[64];
        put_utf8(x, one);
        utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)one);
        assert_string_equal((const char *)nfc, one);
        free(nfc);
        assert_int_equal(pd_fold(one, out, sizeof out), ref_fold(one, ref, sizeof ref));
        assert_string_equal(out, ref);
        for (int32_t y = 1; y <= 0x1EFF; y++) {
            if (!fast_block(y))
                continue;
            char two[16] = {0};
            size_t n = put_utf8(x, two);
            put_utf8(y, two + n);
            nfc = utf8proc_NFC((const utf8proc_uint8_t *)two);
            if (strcmp((const char *)nfc, two) != 0)
                fail_msg("U+%04X U+%04X composes", (unsigned)x, (unsigned)y);
            free(nfc);
        }
    }
}

/* Random text mixing the fast blocks, ASCII and Unicode spaces, combining marks, decomposed
 * Vietnamese, letters of other scripts and malformed bytes: pd_nfc_clean and pd_fold give utf8proc's
 * bytes (and refuse what utf8proc refuses) whether the text takes the fast path or not, for every
 * output size. */
static void test_fast_paths_match_utf8proc(void **state)
{
    (void)state;
    static const int32_t extra[] = {' ',    ' ',    '\t',   '\n',   0x00A0, 0x3000, 0x2009, 0x0300,
                                    0x0301, 0x0302, 0x0303, 0x0306, 0x0309, 0x031B, 0x0323, 0x0340,
                                    0x0110, 0x0111, 0x0130, 0x00DF, 0x01C5, 0x0149, 0x1E9E, 0x65E5,
                                    0x0391, 0x1100, 0x1161, 0x0B47, 0x0B3E, 0xAC00, 0x1F600};
    unsigned seed = 12345;
    for (int round = 0; round < 20000; round++) {
        char s[160];
        size_t at = 0;
        int len = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 12;
        bool exotic = round % 3 == 0;
        for (int i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = seed >> 8;
            int32_t cp;
            if (exotic && r % 29 == 0) { /* malformed: lone, truncated or overlong bytes */
                static const char *const bad[] = {"\xFF", "\x80", "\xC9", "\xE1\xBB", "\xC0\xAF",
                                                  "\xED\xA0\x80", "\xE1\xB8\xC2"};
                const char *b = bad[(r >> 5) % (sizeof bad / sizeof bad[0])];
                memcpy(s + at, b, strlen(b));
                at += strlen(b);
                continue;
            }
            if (exotic && r % 4 == 0)
                cp = extra[(r >> 2) % (sizeof extra / sizeof extra[0])];
            else if (r % 3 == 0)
                cp = 0x1E00 + (int32_t)((r >> 2) % 0x100);
            else if (r % 3 == 1)
                cp = 0x20 + (int32_t)((r >> 2) % (0x250 - 0x20));
            else
                cp = "Nguyen Thi an"[(r >> 2) % 13];
            at += put_utf8(cp, s + at);
        }
        s[at] = '\0';
        size_t chars = 0; /* pd_utf8_length counts eight bytes at a time */
        for (size_t i = 0; i < at; i++)
            chars += ((unsigned char)s[i] & 0xC0) != 0x80;
        assert_int_equal(pd_utf8_length(s), chars);
        for (size_t cap = 1; cap <= at + 2; cap++) {
            char a[128], b[128];
            bool fa = pd_nfc_clean(s, a, cap), fb = ref_nfc_clean(s, b, cap);
            if (fa != fb || strcmp(a, b) != 0)
                fail_msg("pd_nfc_clean(\"%s\", cap %zu): \"%s\" (%d), utf8proc \"%s\" (%d)", s, cap,
                         a, fa, b, fb);
            size_t la = pd_fold(s, a, cap), lb = ref_fold(s, b, cap);
            if (la != lb || strcmp(a, b) != 0)
                fail_msg("pd_fold(\"%s\", cap %zu): \"%s\", utf8proc \"%s\"", s, cap, a, b);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_every_vietnamese_letter),
        cmocka_unit_test(test_fold_d_stroke),
        cmocka_unit_test(test_fold_names_nfc_equals_nfd),
        cmocka_unit_test(test_fold_whitespace),
        cmocka_unit_test(test_fold_invalid_utf8_is_empty),
        cmocka_unit_test(test_fold_capacity),
        cmocka_unit_test(test_utf8_valid_exhaustive),
        cmocka_unit_test(test_utf8_valid_named_cases),
        cmocka_unit_test(test_nfc_clean),
        cmocka_unit_test(test_utf8_length_and_strlcpy),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_fast_blocks_are_nfc),
        cmocka_unit_test(test_fast_paths_match_utf8proc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
