/* The end of a dispatch: "Nơi nhận:" with its list (headings such as "Gửi bản điện tử:" kept as
 * entries), and the signature block: authority lines ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), the
 * signer's title ("PHÓ CHỦ TỊCH") and name. The two may come in either order (table layouts). */
#include <stdlib.h>
#include <string.h>

#include "directives/parse_internal.h"

static const char *const authorities[] = {"tm", "kt", "tl", "tuq", "q"};

bool pl_is_sign_authority(const char *s)
{
    if (!pl_all_upper(s))
        return false;
    for (size_t i = 0; i < sizeof authorities / sizeof authorities[0]; i++) {
        size_t k = pl_starts(s, authorities[i]);
        if (k && s[k] == '.')
            return true;
    }
    return false;
}

static bool is_entry(const char *s)
{
    size_t n = strlen(s);
    return s[0] == '-' || s[0] == '+' || strncmp(s, "\xE2\x80\xA2", 3) == 0 ||
           pl_starts(s, "luu") || (n > 0 && s[n - 1] == ':');
}

static void add_entry(json_t *arr, const char *s)
{
    char *e = pl_strip_item(s);
    if (*e)
        json_array_append_new(arr, json_string(e));
    free(e);
}

/* A name: a few words, no digits or brackets. */
static bool is_name(const char *s)
{
    size_t words = 1;
    for (const char *p = s; *p; p++) {
        if (strchr("0123456789()[]:;/", *p))
            return false;
        words += *p == ' ';
    }
    return words >= 2 && words <= 6 && !pl_starts_lower(s);
}

static void signer(pl_doc *d, const size_t *idx, size_t n)
{
    json_t *behalf = json_array();
    pd_buf title;
    pd_buf_init(&title);
    const char *name = NULL;
    size_t name_i = 0;
    for (size_t k = n; k-- > 0;) {
        const char *s = d->lines[idx[k]].text;
        if (!pl_all_upper(s) && is_name(s)) {
            name = s, name_i = k;
            break;
        }
    }
    if (!name && n >= 2 && is_name(d->lines[idx[n - 1]].text) &&
        !pl_is_sign_authority(d->lines[idx[n - 1]].text) && pl_all_upper(d->lines[idx[n - 2]].text))
        name = d->lines[idx[n - 1]].text, name_i = n - 1;
    for (size_t k = 0; k < n; k++) {
        pl_line *l = &d->lines[idx[k]];
        if (name && k == name_i) {
            l->used = true;
        } else if (pl_is_sign_authority(l->text)) {
            json_array_append_new(behalf, json_string(l->text));
            l->used = true;
        } else if (pl_all_upper(l->text) && (!name || k < name_i)) {
            pd_buf_printf(&title, "%s%s", title.len ? " " : "", l->text);
            l->used = true;
        }
    }
    json_object_set_new(d->out, "signer",
                        json_pack("{s:o, s:o, s:o}", "name", name ? json_string(name) : json_null(),
                                  "title", title.len ? json_string(title.data) : json_null(),
                                  "on_behalf", behalf));
    pd_buf_free(&title);
}

void pl_tail(pl_doc *d)
{
    json_t *noi = json_object_get(d->out, "noi_nhan");
    size_t *sign = calloc(d->n + 1, sizeof *sign), ns = 0;
    if (!sign)
        abort();
    bool in_list = false;
    for (size_t i = d->body_end; i < d->n; i++) {
        pl_line *l = &d->lines[i];
        const char *s = l->text;
        size_t k;
        if (!*s)
            continue;
        if ((k = pl_starts(s, "noi nhan"))) {
            in_list = true;
            l->used = true;
            add_entry(noi, s + k + (s[k] == ':'));
            continue;
        }
        if (in_list && (is_entry(s) || json_array_size(noi) == 0)) {
            add_entry(noi, s);
            l->used = true;
            continue;
        }
        in_list = false;
        sign[ns++] = i;
    }
    if (ns)
        signer(d, sign, ns);
    free(sign);
}
