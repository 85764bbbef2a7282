/* Vietnamese text handling: UTF-8 checks, NFC normalisation, diacritic folding for search, a growable buffer. */
#ifndef PD_TEXT_H
#define PD_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool pd_utf8_valid(const char *s, size_t len);

/* Folds text for diacritic- and case-insensitive matching: "Đặng Thị Ánh" -> "dang thi anh".
 * Strips combining marks, maps đ/Đ to d, lowercases, collapses whitespace. Writes at most cap bytes
 * (NUL included) into out and returns the folded length; invalid UTF-8 yields an empty string. */
size_t pd_fold(const char *in, char *out, size_t cap);

/* Normalises to Unicode NFC and trims/collapses whitespace (ASCII and Unicode spaces such as U+00A0)
 * into single ASCII spaces in out (cap bytes). Returns false if the input is not valid UTF-8 or does
 * not fit. */
bool pd_nfc_clean(const char *in, char *out, size_t cap);

/* Number of Unicode code points in valid UTF-8 text. */
size_t pd_utf8_length(const char *s);

/* Growable byte buffer, always NUL-terminated. */
typedef struct pd_buf {
    char *data;
    size_t len, cap;
} pd_buf;

void pd_buf_init(pd_buf *b);
void pd_buf_free(pd_buf *b);
void pd_buf_reset(pd_buf *b);
void pd_buf_add(pd_buf *b, const char *s, size_t n);
void pd_buf_puts(pd_buf *b, const char *s);
void pd_buf_printf(pd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands over the data (caller frees) and leaves the buffer empty. */
char *pd_buf_steal(pd_buf *b);

/* Copies src into dst (cap bytes), truncating on a UTF-8 boundary. */
void pd_strlcpy(char *dst, const char *src, size_t cap);

#endif
