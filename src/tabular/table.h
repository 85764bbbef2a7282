/* Reading tabular files officials exchange: CSV (UTF-8 with or without BOM; comma, semicolon or
 * tab; RFC 4180 quoting) and XLSX (first worksheet, shared and inline strings, numbers, dates).
 * Files in another encoding (Windows-1258, UTF-16, ...) are detected and refused with a message
 * that says so. */
#ifndef PD_TABLE_H
#define PD_TABLE_H

#include <stdint.h>

#include "base/err.h"

typedef struct pd_table pd_table;

/* Opens path; the format is detected from the content (ZIP magic -> XLSX) unless format_hint is
 * "csv" or "xlsx". Returns PD_OK, or PD_EINVAL (wrong format or encoding, empty file: err says
 * which and how to fix it), PD_EIO (unreadable) or PD_ELIMIT (XLSX too large once uncompressed). */
int pd_table_open(const char *path, const char *format_hint, pd_table **out, pd_err *err);

/* Reads the next row. Returns 1 with a row, 0 at the end, or -1 on error with err filled (err->code
 * holds the PD_E* code, err->field "line N" for the faulty spot; PD_EINVAL=1 is why errors are -1).
 * Once an error was returned, every later call returns it again. cells stay valid until the next
 * call; every cell is valid UTF-8 and NUL-terminated; *line is the 1-based line (CSV: where the
 * record starts) or row number (XLSX). Rows whose cells are all empty or blank are skipped. */
int pd_table_next(pd_table *t, char ***cells, int *ncells, int64_t *line, pd_err *err);

/* Fraction of the input consumed, 0..1, for progress bars. */
double pd_table_progress(const pd_table *t);

const char *pd_table_format(const pd_table *t);   /* "csv" or "xlsx" */
const char *pd_table_encoding(const pd_table *t); /* "utf-8", "utf-8-bom", "xlsx" */

void pd_table_close(pd_table *t);

#endif
