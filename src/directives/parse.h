/* Reading an official dispatch (công văn, thông báo, công điện, kế hoạch, quyết định) from its text
 * into its structure, and the text out of a .docx file. The structure is a JSON object with at
 * least the fields of the `phongdich directive import --json` contract (docs/directives-parse.md):
 * issuer, number, date, type, subject, recipients, references, items, signer; and "unparsed": the
 * parts of the text no field took, so that nothing is dropped silently. */
#ifndef PD_DIRECTIVES_PARSE_H
#define PD_DIRECTIVES_PARSE_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

/* Parses text (UTF-8, any line ends, Markdown markup allowed). A new reference, or NULL with err
 * set when the text is not a dispatch at all. */
json_t *pd_directive_parse(const char *text, size_t len, pd_err *err);

/* Longest text accepted by pd_directive_parse. */
#define PD_DIRECTIVE_MAX_BYTES (8 << 20)

/* Every agency named in text (one paragraph; invalid UTF-8 gives an empty array), as an array of
 * {"name", "start", "end" (byte offsets into text), "kind" ("named" body, or "group" such as "các
 * cơ quan, đơn vị"), "role" ("actor"; "cited" after "của"; "place" after "tại")}. Never NULL. */
json_t *pd_directive_agency_mentions(const char *text);

/* The text of a .docx file (word/document.xml), one line per paragraph, malloc'd. */
int pd_directive_docx_text(const char *path, char **text, size_t *len, pd_err *err);

#endif
