/* Placeholder of the dispatch reader (parse.h) until it is written. */
#include "directives/parse.h"

json_t *pd_directive_parse(const char *text, size_t len, pd_err *err)
{
    (void)text;
    (void)len;
    pd_fail(err, PD_EINVAL, "text", "Chưa đọc được văn bản");
    return NULL;
}

int pd_directive_docx_text(const char *path, char **text, size_t *len, pd_err *err)
{
    (void)path;
    *text = NULL;
    *len = 0;
    return pd_fail(err, PD_EINVAL, "file", "Chưa đọc được tệp .docx");
}
