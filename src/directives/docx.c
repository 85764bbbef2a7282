/* The text of a .docx file (parse.h): word/document.xml read with libzip (size capped against zip
 * bombs) and expat (DTDs refused against entity expansion). One line per paragraph (w:p), text of
 * w:t runs joined, w:tab as a space, w:br/w:cr as a line break; table cells are paragraphs, read
 * row by row. Deleted text (w:delText) and field codes (w:instrText) are skipped. */
#include <expat.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "directives/parse.h"
#include "base/text.h"

#define DOCX_MAX_XML ((zip_uint64_t)64 << 20)

typedef struct docx_state {
    XML_Parser parser;
    pd_buf out;
    int in_text; /* inside w:t */
    int in_tabs; /* inside w:tabs (tab stop definitions, not text) */
    bool doctype;
} docx_state;

static const char *local(const char *name)
{
    const char *s = strchr(name, ':');
    return s ? s + 1 : name;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    docx_state *st = ud;
    const char *n = local(name);
    if (strcmp(n, "t") == 0)
        st->in_text++;
    else if (strcmp(n, "tabs") == 0)
        st->in_tabs++;
    else if (strcmp(n, "tab") == 0 && !st->in_tabs)
        pd_buf_puts(&st->out, "\t");
    else if (strcmp(n, "br") == 0 || strcmp(n, "cr") == 0)
        pd_buf_puts(&st->out, "\n");
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    docx_state *st = ud;
    const char *n = local(name);
    if (strcmp(n, "t") == 0 && st->in_text > 0)
        st->in_text--;
    else if (strcmp(n, "tabs") == 0 && st->in_tabs > 0)
        st->in_tabs--;
    else if (strcmp(n, "p") == 0)
        pd_buf_puts(&st->out, "\n");
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    docx_state *st = ud;
    if (st->in_text)
        pd_buf_add(&st->out, s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    docx_state *st = ud;
    st->doctype = true;
    XML_StopParser(st->parser, XML_FALSE);
}

/* Reads the whole main part into memory (capped). */
static char *read_part(zip_t *z, size_t *len, pd_err *err)
{
    zip_stat_t zs;
    zip_stat_init(&zs);
    if (zip_stat(z, "word/document.xml", 0, &zs) != 0 || !(zs.valid & ZIP_STAT_SIZE))
        return pd_fail(err, PD_EINVAL, "file",
                       "Tệp .docx không hợp lệ: thiếu phần word/document.xml"),
               NULL;
    if (zs.size > DOCX_MAX_XML)
        return pd_fail(err, PD_ELIMIT, "file", "Tệp .docx quá lớn khi giải nén (tối đa 64 MiB)"),
               NULL;
    zip_file_t *f = zip_fopen(z, "word/document.xml", 0);
    if (!f)
        return pd_fail(err, PD_EINVAL, "file", "Tệp .docx bị hỏng hoặc có mật khẩu"), NULL;
    char *buf = malloc(zs.size + 1);
    zip_int64_t n = buf ? zip_fread(f, buf, zs.size) : -1;
    zip_fclose(f);
    if (n < 0 || (zip_uint64_t)n != zs.size) {
        free(buf);
        return pd_fail(err, PD_EINVAL, "file", "Tệp .docx bị hỏng: không giải nén được nội dung"),
               NULL;
    }
    *len = (size_t)n;
    return buf;
}

static int parse_xml(const char *xml, size_t len, char **text, size_t *tlen, pd_err *err)
{
    docx_state st;
    memset(&st, 0, sizeof st);
    pd_buf_init(&st.out);
    st.parser = XML_ParserCreate(NULL);
    if (!st.parser)
        return pd_fail(err, PD_ELIMIT, "file", "Không đủ bộ nhớ để đọc tệp .docx");
    XML_SetUserData(st.parser, &st);
    XML_SetElementHandler(st.parser, on_start, on_end);
    XML_SetCharacterDataHandler(st.parser, on_text);
    XML_SetStartDoctypeDeclHandler(st.parser, on_doctype);
    enum XML_Status rc = XML_Parse(st.parser, xml, (int)len, 1);
    unsigned long line = (unsigned long)XML_GetCurrentLineNumber(st.parser);
    const char *why = XML_ErrorString(XML_GetErrorCode(st.parser));
    XML_ParserFree(st.parser);
    if (rc != XML_STATUS_OK || st.doctype) {
        pd_buf_free(&st.out);
        if (st.doctype)
            return pd_fail(err, PD_EINVAL, "file", "Tệp .docx không hợp lệ: chứa khai báo DOCTYPE");
        return pd_fail(err, PD_EINVAL, "file", "Tệp .docx bị hỏng: XML không hợp lệ (dòng %lu: %s)",
                       line, why);
    }
    *tlen = st.out.len;
    *text = pd_buf_steal(&st.out);
    if (!*text)
        *text = strdup("");
    return PD_OK;
}

int pd_directive_docx_text(const char *path, char **text, size_t *len, pd_err *err)
{
    *text = NULL;
    *len = 0;
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    if (!z)
        return pd_fail(err, zerr == ZIP_ER_NOENT || zerr == ZIP_ER_OPEN ? PD_EIO : PD_EINVAL,
                       "file", "Không mở được tệp .docx %s (không tồn tại hoặc không phải .docx)",
                       path);
    size_t xlen = 0;
    char *xml = read_part(z, &xlen, err);
    zip_close(z);
    if (!xml)
        return err ? err->code : PD_EINVAL;
    int rc = parse_xml(xml, xlen, text, len, err);
    free(xml);
    return rc;
}
