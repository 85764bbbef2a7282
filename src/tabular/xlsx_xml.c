/* XML and ZIP plumbing for the XLSX reader: namespace-aware expat parsers that refuse DTDs (no
 * entity expansion attacks), parts opened with their uncompressed size capped (no zip bombs),
 * streaming of a part through a parser in chunks, and Vietnamese messages for corrupt files. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tabular/table_internal.h"
#include "tabular/xlsx_internal.h"

#define FEED_CHUNK (256 * 1024)

void xlsx_abort(xlsx_xml *x, int code, const char *fmt, ...)
{
    if (x->failed)
        return;
    x->failed = code;
    x->err.code = code;
    snprintf(x->err.field, sizeof x->err.field, "file");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err.message, sizeof x->err.message, fmt, ap);
    va_end(ap);
    XML_StopParser(x->parser, XML_FALSE);
}

static void XMLCALL refuse_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                                   const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    xlsx_xml *x = ud;
    xlsx_abort(x, PD_EINVAL, "Tệp XLSX không hợp lệ: phần %s chứa khai báo DOCTYPE", x->part);
}

XML_Parser xlsx_parser_new(xlsx_xml *x, XML_StartElementHandler start, XML_EndElementHandler end,
                           XML_CharacterDataHandler text)
{
    /* Not namespace-aware: elements are matched by local name ("x:row" and "row" alike), which is
     * what writers in the wild need, and short names keep the handlers cheap. */
    XML_Parser p = XML_ParserCreate(NULL);
    if (!p)
        return NULL;
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, start, end);
    if (text)
        XML_SetCharacterDataHandler(p, text);
    XML_SetStartDoctypeDeclHandler(p, refuse_doctype);
    x->parser = p;
    return p;
}

const char *xlsx_local(const char *name)
{
    const char *s = strchr(name, ':');
    return s ? s + 1 : name;
}

const char *xlsx_attr(const char **atts, const char *local)
{
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(xlsx_local(atts[i]), local) == 0)
            return atts[i + 1];
    return NULL;
}

zip_file_t *xlsx_open_part(zip_t *z, const char *name, int64_t cap, int64_t *size, pd_err *err)
{
    zip_int64_t idx = zip_name_locate(z, name, ZIP_FL_NOCASE);
    if (idx < 0) {
        pd_fail(err, PD_ENOTFOUND, "file", "Tệp XLSX không hợp lệ: thiếu phần %s", name);
        return NULL;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, (zip_uint64_t)idx, 0, &st) != 0) {
        pd_fail(err, PD_EINVAL, "file", "Tệp XLSX bị hỏng: không đọc được phần %s", name);
        return NULL;
    }
    if ((st.valid & ZIP_STAT_SIZE) && st.size > (zip_uint64_t)cap) {
        pd_fail(err, PD_ELIMIT, "file",
                "Tệp XLSX quá lớn: phần %s chiếm %llu MiB khi giải nén (tối đa %lld MiB)", name,
                (unsigned long long)(st.size >> 20), (long long)(cap >> 20));
        return NULL;
    }
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
        pd_fail(err, PD_EINVAL, "file", "Tệp XLSX được mã hóa bằng mật khẩu; hãy bỏ mật khẩu");
        return NULL;
    }
    zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
    if (!f) {
        pd_fail(err, PD_EINVAL, "file", "Tệp XLSX bị hỏng: không giải nén được phần %s (%s)", name,
                zip_strerror(z));
        return NULL;
    }
    *size = (st.valid & ZIP_STAT_SIZE) ? (int64_t)st.size : 0;
    return f;
}

int64_t xlsx_feed(xlsx_xml *x, zip_file_t *f, int64_t *total, int64_t cap, enum XML_Status *st,
                  pd_err *err)
{
    void *buf = XML_GetBuffer(x->parser, FEED_CHUNK);
    if (!buf)
        return pd_fail(err, PD_ELIMIT, "file", "Không đủ bộ nhớ để đọc tệp XLSX"), -1;
    zip_int64_t n = zip_fread(f, buf, FEED_CHUNK);
    if (n < 0)
        return pd_fail(err, PD_EINVAL, "file", "Tệp XLSX bị hỏng: không giải nén được phần %s (%s)",
                       x->part, zip_file_strerror(f)),
               -1;
    *total += n;
    if (*total > cap)
        return pd_fail(err, PD_ELIMIT, "file",
                       "Tệp XLSX quá lớn: phần %s vượt quá %lld MiB khi giải nén", x->part,
                       (long long)(cap >> 20)),
               -1;
    *st = XML_ParseBuffer(x->parser, (int)n, n == 0);
    return n;
}

int xlsx_xml_failure(xlsx_xml *x, pd_err *err)
{
    if (x->failed) {
        if (err)
            *err = x->err;
        return x->failed;
    }
    return pd_fail(err, PD_EINVAL, "file",
                   "Tệp XLSX bị hỏng: nội dung XML của phần %s không hợp lệ (dòng %lu: %s)",
                   x->part, (unsigned long)XML_GetCurrentLineNumber(x->parser),
                   XML_ErrorString(XML_GetErrorCode(x->parser)));
}

int xlsx_parse_part(zip_t *z, const char *name, xlsx_xml *x, int64_t cap, pd_err *err)
{
    int64_t size = 0, total = 0;
    zip_file_t *f = xlsx_open_part(z, name, cap, &size, err);
    if (!f)
        return err ? err->code : PD_EINVAL;
    x->part = name;
    int rc = PD_OK;
    for (;;) {
        enum XML_Status st = XML_STATUS_OK;
        int64_t n = xlsx_feed(x, f, &total, cap, &st, err);
        if (n < 0) {
            rc = err ? err->code : PD_EINVAL;
            break;
        }
        if (st == XML_STATUS_ERROR) {
            rc = xlsx_xml_failure(x, err);
            break;
        }
        if (n == 0)
            break;
    }
    zip_fclose(f);
    return rc;
}
