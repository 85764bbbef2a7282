/* Internal to the XLSX reader: the package (ZIP parts found through the relationships), the shared
 * strings and cell styles it holds, the XML plumbing shared by every part parser, and cell value
 * formatting. Not for use outside src/tabular/. */
#ifndef PD_XLSX_INTERNAL_H
#define PD_XLSX_INTERNAL_H

#include <expat.h>
#include <stdbool.h>
#include <stdint.h>
#include <zip.h>

#include "base/err.h"
#include "base/text.h"

/* What a cell style says about a number. */
enum xlsx_kind { XF_NUMBER = 0, XF_DATE, XF_TIME, XF_DATETIME };

/* The state every part parser starts with (handlers get it as their user data). */
typedef struct xlsx_xml {
    XML_Parser parser;
    const char *part; /* name of the part, for messages */
    int failed;       /* PD_E* code set by a handler, 0 if none */
    pd_err err;
} xlsx_xml;

typedef struct xlsx_book {
    zip_t *zip;
    char sheet_path[512], sst_path[512], styles_path[512];
    bool date1904;
    pd_buf sst; /* shared strings, each NUL-terminated */
    size_t *sst_off;
    size_t sst_count, sst_cap;
    unsigned char *xf_kind; /* enum xlsx_kind of each cellXfs entry */
    size_t xf_count;
} xlsx_book;

/* Cap on the shared strings kept in memory. */
#define PD_XLSX_MAX_SST ((int64_t)512 << 20)

/* A parser refusing DTDs, with x as user data. Names keep their prefix ("x:row"). */
XML_Parser xlsx_parser_new(xlsx_xml *x, XML_StartElementHandler start, XML_EndElementHandler end,
                           XML_CharacterDataHandler text);
/* The local part of an element or attribute name ("x:row" -> "row"). */
const char *xlsx_local(const char *name);
/* The value of the attribute with that local name, or NULL. */
const char *xlsx_attr(const char **atts, const char *local);
/* Stops the parser from a handler with an error. */
void xlsx_abort(xlsx_xml *x, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Opens a part for reading with its uncompressed size checked against cap. NULL with err filled
 * (PD_ENOTFOUND when absent). */
zip_file_t *xlsx_open_part(zip_t *z, const char *name, int64_t cap, int64_t *size, pd_err *err);
/* Feeds up to `chunk` bytes of f into x->parser. Returns bytes read (0 at the end), -1 on error
 * with err filled. *total counts bytes against cap. */
int64_t xlsx_feed(xlsx_xml *x, zip_file_t *f, int64_t *total, int64_t cap, enum XML_Status *st,
                  pd_err *err);
/* Streams a whole part through x->parser. PD_OK, PD_ENOTFOUND if absent, else an error. */
int xlsx_parse_part(zip_t *z, const char *name, xlsx_xml *x, int64_t cap, pd_err *err);
/* Turns a failed XML_Parse* into err (a handler's own error, or the XML error with its line). */
int xlsx_xml_failure(xlsx_xml *x, pd_err *err);

/* Reads the package: relationships, workbook (first visible worksheet, 1904 dates), styles and
 * shared strings. */
int xlsx_book_load(xlsx_book *b, pd_err *err);
void xlsx_book_free(xlsx_book *b);

/* Appends the text of a numeric cell: dates as YYYY-MM-DD, times as HH:MM[:SS], other numbers in
 * plain decimal without exponent or trailing ".0". Non-numeric raw text is appended as it is. */
void xlsx_format_value(const char *raw, enum xlsx_kind kind, bool date1904, pd_buf *out);
/* Decodes OOXML escapes (_x000D_ -> CR) in b from offset `from` on. */
void xlsx_unescape(pd_buf *b, size_t from);
/* The kind of a number format: built-in id or custom format code (NULL). */
enum xlsx_kind xlsx_builtin_kind(int id);
enum xlsx_kind xlsx_format_code_kind(const char *code);

#endif
