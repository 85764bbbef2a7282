/* Internal to the CSV reader: what the first bytes of a file say (BOM, delimiter, UTF-16, binary,
 * empty) and the Vietnamese explanation of a file that is not UTF-8. */
#ifndef PD_CSV_ENCODING_H
#define PD_CSV_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef struct pd_csv_start {
    bool bom;            /* UTF-8 byte order mark present */
    size_t skip;         /* bytes before the header: BOM and an Excel "sep=;" line */
    int64_t first_line;  /* line number of the byte at skip */
    unsigned char delim; /* ',', ';' or '\t' */
} pd_csv_start;

/* Examines the first chunk (eof: it is the whole file). PD_OK, or PD_EINVAL with a message for an
 * empty file, UTF-16/UTF-32 text or binary content. */
int pd_csv_examine_start(const unsigned char *in, size_t len, bool eof, pd_csv_start *st,
                         pd_err *err);

/* Fills err for a record whose byte at bad is not UTF-8: says "Windows-1258" when the cell decodes
 * as such (with the decoded text as an example), else that the encoding is unknown. */
void pd_csv_explain_encoding(const char *rec, size_t len, const size_t *starts, int ncells,
                             size_t bad, int64_t line, pd_err *err);

#endif
