/* Encoding checks for CSV files: byte order marks, UTF-16 without a BOM, binary files, empty files,
 * the delimiter of the header line, and the diagnosis of Windows-1258 (the legacy Vietnamese
 * Windows code page, glibc iconv "CP1258") when a file is not UTF-8. Nothing is ever converted for
 * import: the user is told to save the file as "CSV UTF-8". */
#include "tabular/csv_encoding.h"

#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "tabular/table_internal.h"

#define SAVE_AS_UTF8                                                                                              \
    "Hãy mở tệp bằng Excel và lưu lại dưới dạng \"CSV UTF-8 (Comma delimited) (*.csv)\" (hoặc " \
    "chọn bảng mã UTF-8 khi lưu), rồi nhập lại"

static int64_t line_of(const unsigned char *in, size_t upto, int64_t first)
{
    int64_t line = first;
    for (size_t i = 0; i < upto; i++)
        line += in[i] == '\n';
    return line;
}

static int refuse_utf16(const char *which, pd_err *err)
{
    return pd_fail(
        err, PD_EINVAL, "encoding",
        "Tệp được mã hóa %s (thường do Excel lưu kiểu \"Unicode Text\"), hãy lưu lại dưới "
        "dạng CSV UTF-8. " SAVE_AS_UTF8,
        which);
}

static int check_bom(const unsigned char *in, size_t len, pd_err *err)
{
    if (len >= 4 && memcmp(in, "\xFF\xFE\0\0", 4) == 0)
        return refuse_utf16("UTF-32 LE", err);
    if (len >= 4 && memcmp(in, "\0\0\xFE\xFF", 4) == 0)
        return refuse_utf16("UTF-32 BE", err);
    if (len >= 2 && in[0] == 0xFF && in[1] == 0xFE)
        return refuse_utf16("UTF-16 LE", err);
    if (len >= 2 && in[0] == 0xFE && in[1] == 0xFF)
        return refuse_utf16("UTF-16 BE", err);
    return PD_OK;
}

/* NUL bytes: UTF-16 without a BOM (every other byte NUL in ASCII text) or a binary file. */
static int check_nul(const unsigned char *in, size_t len, size_t skip, pd_err *err)
{
    const unsigned char *nul = memchr(in + skip, 0, len - skip);
    if (!nul)
        return PD_OK;
    size_t n = len < 4096 ? len : 4096, even = 0, odd = 0;
    for (size_t i = 0; i < n; i++)
        if (in[i] == 0 && i % 2)
            odd++;
        else if (in[i] == 0)
            even++;
    if (odd * 10 >= n * 4 && even * 10 < n)
        return refuse_utf16("UTF-16 LE", err);
    if (even * 10 >= n * 4 && odd * 10 < n)
        return refuse_utf16("UTF-16 BE", err);
    int64_t line = line_of(in, (size_t)(nul - in), 1);
    return pd_table_fail_at(err, PD_EINVAL, line,
                            "Tệp chứa byte NUL ở dòng %lld: đây có vẻ là tệp nhị phân (không phải "
                            "tệp văn bản CSV). Hãy xuất dữ liệu ra \"CSV UTF-8\" hoặc .xlsx",
                            (long long)line);
}

static bool only_blank(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\r\n", s[i]) || s[i] == 0)
            return false;
    return true;
}

/* An Excel "sep=;" first line: sets the delimiter and is skipped. Returns its length, 0 if absent.
 */
static size_t sep_line(const unsigned char *s, size_t n, unsigned char *delim)
{
    if (n < 5 || strncasecmp((const char *)s, "sep=", 4) != 0)
        return 0;
    unsigned char d = s[4];
    if (d != ',' && d != ';' && d != '\t' && d != '|')
        return 0;
    size_t i = 5;
    if (i < n && s[i] == '\r')
        i++;
    if (i < n && s[i] == '\n')
        i++;
    if (i == 5 && n > 5)
        return 0; /* "sep=;x": a header that happens to start like that */
    *delim = d;
    return i;
}

/* The delimiter that occurs most in the first record outside quotes (comma wins ties). */
static unsigned char detect_delim(const unsigned char *s, size_t n)
{
    size_t comma = 0, semi = 0, tab = 0;
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted && c == ',')
            comma++;
        else if (!quoted && c == ';')
            semi++;
        else if (!quoted && c == '\t')
            tab++;
    }
    if (semi > comma && semi >= tab)
        return ';';
    if (tab > comma && tab > semi)
        return '\t';
    return ',';
}

int pd_csv_examine_start(const unsigned char *in, size_t len, bool eof, pd_csv_start *st,
                         pd_err *err)
{
    memset(st, 0, sizeof *st);
    st->first_line = 1;
    if (len == 0 && eof)
        return pd_fail(err, PD_EINVAL, "file", "Tệp trống (0 byte): không có dữ liệu để nhập");
    int rc = check_bom(in, len, err);
    if (rc != PD_OK)
        return rc;
    if (len >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0) {
        st->bom = true;
        st->skip = 3;
    }
    if ((rc = check_nul(in, len, st->skip, err)) != PD_OK)
        return rc;
    if (eof && only_blank(in + st->skip, len - st->skip))
        return pd_fail(err, PD_EINVAL, "file", "Tệp trống: không có dòng nào chứa dữ liệu");
    st->delim = 0;
    size_t sep = sep_line(in + st->skip, len - st->skip, &st->delim);
    if (sep > 0) {
        st->skip += sep;
        st->first_line = 2;
        return PD_OK;
    }
    st->delim = detect_delim(in + st->skip, len - st->skip);
    return PD_OK;
}

/* Decodes s[0..n) from CP1258 into out (NUL-terminated). False if it does not decode cleanly or
 * holds control characters (then it is not text in that code page either). */
static bool decode_cp1258(const char *s, size_t n, char *out, size_t cap)
{
    iconv_t cd = iconv_open("UTF-8", "CP1258");
    if (cd == (iconv_t)-1)
        return false;
    char *in = (char *)s, *o = out;
    size_t inleft = n, outleft = cap - 1;
    bool ok = iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1 &&
              iconv(cd, NULL, NULL, &o, &outleft) != (size_t)-1;
    iconv_close(cd);
    *o = '\0';
    for (const unsigned char *p = (const unsigned char *)out; ok && *p; p++)
        if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7F)
            ok = false;
    return ok;
}

void pd_csv_explain_encoding(const char *rec, size_t len, const size_t *starts, int ncells,
                             size_t bad, int64_t line, pd_err *err)
{
    int64_t at = line_of((const unsigned char *)rec, bad, line);
    int k = 0;
    while (k + 1 < ncells && starts[k + 1] <= bad)
        k++;
    size_t end = k + 1 < ncells ? starts[k + 1] - 1 : len - 1; /* each cell ends with a NUL */
    size_t n = end > starts[k] ? end - starts[k] : 0;
    size_t cap = n * 4 + 16;
    char *decoded = malloc(cap);
    if (decoded && decode_cp1258(rec + starts[k], n, decoded, cap)) {
        char sample[96];
        pd_strlcpy(sample, decoded, sizeof sample);
        pd_table_fail_at(err, PD_EINVAL, at,
                         "Tệp không phải UTF-8: có vẻ được mã hóa Windows-1258 (dòng %lld, ví dụ "
                         "\"%s\"). " SAVE_AS_UTF8 ". Không nhập để tránh lỗi phông chữ",
                         (long long)at, sample);
    } else {
        pd_table_fail_at(
            err, PD_EINVAL, at,
            "Tệp không phải UTF-8 (dòng %lld, cột %d) và không nhận ra được bảng mã. " SAVE_AS_UTF8,
            (long long)at, k + 1);
    }
    free(decoded);
}
