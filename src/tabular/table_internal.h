/* Internal interface between the table front end (table.c) and its readers (csv.c, xlsx*.c). Not
 * for use outside src/tabular/. */
#ifndef PD_TABLE_INTERNAL_H
#define PD_TABLE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "tabular/table.h"

/* Every reader embeds this as its first member. next returns 1 (row), 0 (end) or -1 (err filled).
 */
struct pd_table {
    const char *format;   /* "csv" or "xlsx" */
    const char *encoding; /* "utf-8", "utf-8-bom", "xlsx" */
    int (*next)(pd_table *t, char ***cells, int *ncells, int64_t *line, pd_err *err);
    double (*progress)(const pd_table *t);
    void (*close)(pd_table *t);
    bool failed; /* sticky error, replayed by pd_table_next */
    pd_err error;
};

/* Cap on the uncompressed size of any XLSX part, against zip bombs. */
#define PD_XLSX_MAX_PART ((int64_t)1 << 30)
/* Most columns a row may have (the XLSX limit, XFD). */
#define PD_TABLE_MAX_COLUMNS 16384

int pd_csv_open(const char *path, pd_table **out, pd_err *err);
int pd_xlsx_open(const char *path, pd_table **out, pd_err *err);

/* Offset of the first byte of s[0..n) that is not well-formed UTF-8 (overlongs, surrogates and code
 * points above U+10FFFF refused), or n if all is well-formed. */
size_t pd_utf8_invalid_at(const unsigned char *s, size_t n);

/* Fills err with PD_EINVAL/code for a spot in the file: err->field becomes "line N" (N > 0). */
int pd_table_fail_at(pd_err *err, int code, int64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
