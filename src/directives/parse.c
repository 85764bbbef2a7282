/* Reading a dispatch into its structure (parse.h): sanitises and splits the text (parse_text.c),
 * then reads the header (parse_header.c), the body with its items and their agencies
 * (parse_body.c, parse_agency.c), the references (parse_refs.c) and the tail (parse_tail.c), and
 * lists the lines no field took as "unparsed". */
#include "directives/parse.h"

#include <stdlib.h>
#include <string.h>

#include "directives/parse_internal.h"

/* Fields in the order they are printed; each stage overwrites its own. */
static json_t *empty_structure(void)
{
    return json_pack("{s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:[], "
                     "s:n, s:[], s:[], s:[], s:n, s:[], s:{s:n, s:n, s:[]}, s:n, s:[], s:[]}",
                     "type", "type_name", "issuer_parent", "issuer", "number", "symbol", "date",
                     "date_text", "date_parts", "place", "subject", "enacting", "urgency",
                     "recipients", "preamble", "preamble_agencies", "references", "items",
                     "closing", "noi_nhan", "signer", "name", "title", "on_behalf", "motto",
                     "unparsed", "warnings");
}

static bool recognised(json_t *o)
{
    return json_is_string(json_object_get(o, "symbol")) ||
           json_is_string(json_object_get(o, "date_text")) ||
           json_is_string(json_object_get(o, "subject")) ||
           json_array_size(json_object_get(o, "recipients")) > 0;
}

static void set_type(json_t *o)
{
    const char *code = json_string_value(json_object_get(o, "type"));
    if (!code) {
        const char *symbol = json_string_value(json_object_get(o, "symbol"));
        code = symbol ? pl_type_from_symbol(symbol) : "cong_van";
        json_object_set_new(o, "type", json_string(code));
    }
    json_object_set_new(o, "type_name", json_string(pl_type_name(code)));
}

static void references(json_t *o)
{
    json_t *refs = json_object_get(o, "references");
    const char *own = json_string_value(json_object_get(o, "number"));
    const char *subject = json_string_value(json_object_get(o, "subject"));
    const char *pre = json_string_value(json_object_get(o, "preamble"));
    const char *closing = json_string_value(json_object_get(o, "closing"));
    if (subject)
        pl_references(subject, "subject", own, refs);
    if (pre)
        pl_references(pre, "preamble", own, refs);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(o, "items"), i, item)
    {
        pl_references(json_string_value(json_object_get(item, "text")), "item", own, refs);
    }
    if (closing)
        pl_references(closing, "closing", own, refs);
}

static void unparsed(pl_doc *d)
{
    json_t *arr = json_object_get(d->out, "unparsed");
    for (size_t i = 0; i < d->n; i++)
        if (!d->lines[i].used && d->lines[i].text[0])
            json_array_append_new(
                arr, json_pack("{s:i, s:s}", "line", d->lines[i].no, "text", d->lines[i].text));
}

json_t *pd_directive_parse(const char *text, size_t len, pd_err *err)
{
    if (!text || len == 0)
        return pd_fail(err, PD_EINVAL, "text", "Văn bản trống"), NULL;
    if (len > PD_DIRECTIVE_MAX_BYTES)
        return pd_fail(err, PD_ELIMIT, "text", "Văn bản quá dài (tối đa %d MiB)",
                       PD_DIRECTIVE_MAX_BYTES >> 20),
               NULL;
    size_t clen;
    char *clean = pl_sanitize(text, len, &clen);
    pl_doc d;
    memset(&d, 0, sizeof d);
    d.out = empty_structure();
    d.warnings = json_object_get(d.out, "warnings");
    pl_split_lines(&d, clean, clen);
    free(clean);
    pl_header(&d);
    if (!recognised(d.out)) {
        pl_doc_free(&d);
        json_decref(d.out);
        pd_fail(err, PD_EINVAL, "text",
                "Không nhận ra văn bản hành chính: không thấy số/ký hiệu, ngày tháng, trích yếu "
                "(V/v) hay phần \"Kính gửi\"");
        return NULL;
    }
    pl_body(&d);
    pl_tail(&d);
    set_type(d.out);
    references(d.out);
    unparsed(&d);
    pl_doc_free(&d);
    return d.out;
}
