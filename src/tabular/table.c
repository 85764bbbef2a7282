/* Table front end: detects the format of a file from its first bytes, hands it to the CSV or XLSX
 * reader, skips empty rows and keeps errors sticky. Also the shared UTF-8 check. */
#include "tabular/table_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pd_table_fail_at(pd_err *err, int code, int64_t line, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    if (line > 0)
        snprintf(err->field, sizeof err->field, "line %lld", (long long)line);
    else
        err->field[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

/* Length of the multi-byte sequence starting at s[0] if well-formed, else 0. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80; /* overlong */
        hi = c == 0xED ? 0x9F : 0xBF; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (len > avail || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if ((s[k] & 0xC0) != 0x80)
            return 0;
    return len;
}

size_t pd_utf8_invalid_at(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (i + 8 <= n) { /* eight ASCII bytes at a time */
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        /* The common sequences inline: Latin letters (2 bytes) and U+1000-U+CFFF, which holds the
         * Vietnamese letters with two marks (E1 xx xx), neither with overlong or surrogate forms. */
        if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
            i += 2;
            continue;
        }
        if (c >= 0xE1 && c <= 0xEC && i + 2 < n && (s[i + 1] & 0xC0) == 0x80 &&
            (s[i + 2] & 0xC0) == 0x80) {
            i += 3;
            continue;
        }
        size_t len = utf8_seq(s + i, n - i);
        if (len == 0)
            return i;
        i += len;
    }
    return n;
}

/* What the first bytes say the file is. */
typedef enum sniffed { SNIFF_TEXT, SNIFF_ZIP, SNIFF_OLE2 } sniffed;

static int sniff(const char *path, sniffed *kind, pd_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return pd_fail(err, PD_EIO, "file", "Không mở được tệp %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return pd_fail(err, PD_EIO, "file", "%s là một thư mục, không phải tệp", path);
    }
    unsigned char m[8] = {0};
    ssize_t n = read(fd, m, sizeof m);
    close(fd);
    if (n < 0)
        return pd_fail(err, PD_EIO, "file", "Không đọc được tệp %s: %s", path, strerror(errno));
    *kind = SNIFF_TEXT;
    if (n >= 4 && m[0] == 'P' && m[1] == 'K' && (m[2] == 3 || m[2] == 5) &&
        (m[3] == 4 || m[3] == 6))
        *kind = SNIFF_ZIP;
    else if (n >= 8 && memcmp(m, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        *kind = SNIFF_OLE2;
    return PD_OK;
}

static int refuse_ole2(pd_err *err)
{
    return pd_fail(
        err, PD_EINVAL, "file",
        "Tệp là bảng tính Excel 97-2003 (.xls) hoặc tệp Excel có đặt mật khẩu, không đọc "
        "được. Hãy mở bằng Excel, bỏ mật khẩu nếu có, rồi lưu lại dưới dạng \"Excel "
        "Workbook (*.xlsx)\" hoặc \"CSV UTF-8 (Comma delimited) (*.csv)\"");
}

int pd_table_open(const char *path, const char *format_hint, pd_table **out, pd_err *err)
{
    *out = NULL;
    const char *hint = format_hint && *format_hint ? format_hint : NULL;
    if (hint && strcmp(hint, "csv") != 0 && strcmp(hint, "xlsx") != 0)
        return pd_fail(err, PD_EINVAL, "format",
                       "Định dạng tệp không được hỗ trợ: %s (chỉ nhận csv hoặc xlsx)", hint);
    sniffed kind;
    int rc = sniff(path, &kind, err);
    if (rc != PD_OK)
        return rc;
    if (kind == SNIFF_OLE2)
        return refuse_ole2(err);
    if (hint && strcmp(hint, "csv") == 0 && kind == SNIFF_ZIP)
        return pd_fail(err, PD_EINVAL, "format",
                       "Tệp này là tệp nén (có thể là bảng tính .xlsx), không phải CSV; hãy chọn "
                       "định dạng xlsx");
    if (hint && strcmp(hint, "xlsx") == 0 && kind != SNIFF_ZIP)
        return pd_fail(
            err, PD_EINVAL, "format",
            "Tệp không phải bảng tính .xlsx hợp lệ; nếu là tệp CSV hãy chọn định dạng csv");
    if (kind == SNIFF_ZIP)
        return pd_xlsx_open(path, out, err);
    return pd_csv_open(path, out, err);
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return 0;
    return 1;
}

static int row_is_empty(char **cells, int n)
{
    for (int i = 0; i < n; i++)
        if (cells[i][0] && !blank(cells[i]))
            return 0;
    return 1;
}

int pd_table_next(pd_table *t, char ***cells, int *ncells, int64_t *line, pd_err *err)
{
    if (t->failed) {
        if (err)
            *err = t->error;
        return -1;
    }
    for (;;) {
        int rc = t->next(t, cells, ncells, line, &t->error);
        if (rc < 0) {
            t->failed = true;
            if (err)
                *err = t->error;
            return -1;
        }
        if (rc == 0)
            return 0;
        if (!row_is_empty(*cells, *ncells))
            return 1;
    }
}

double pd_table_progress(const pd_table *t)
{
    double f = t->progress(t);
    return f < 0 ? 0 : f > 1 ? 1 : f;
}

const char *pd_table_format(const pd_table *t)
{
    return t->format;
}

const char *pd_table_encoding(const pd_table *t)
{
    return t->encoding;
}

void pd_table_close(pd_table *t)
{
    if (t)
        t->close(t);
}
