/* Documents a dispatch implements or cites: "Thông báo số 116/TB-VPCP ngày 19/5/2021 của Văn phòng
 * Chính phủ", "Công điện số 8149/CĐ-VPCP", "Nghị quyết số 68/NQ-CP của Chính phủ". Each reference
 * is {type, number, date, issuer, relation}; mentions of the same number are merged. The table of
 * document types (Nghị định 30/2020/NĐ-CP, Phụ lục III: abbreviations of document types) is here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directives/parse_internal.h"

typedef struct dtype {
    const char *code;   /* lowercase ASCII code used in the JSON */
    const char *name;   /* Vietnamese name */
    const char *phrase; /* folded words in running text */
    const char *abbr;   /* folded abbreviation in a symbol ("tb" of "116/TB-VPCP"), or NULL */
} dtype;

static const dtype types[] = {
    {"thong_bao", "Thông báo", "thong bao ket luan", NULL},
    {"thong_bao", "Thông báo", "thong bao", "tb"},
    {"cong_van", "Công văn", "cong van", NULL},
    {"cong_van", "Công văn", "van ban", NULL},
    {"cong_dien", "Công điện", "cong dien", "cd"},
    {"quyet_dinh", "Quyết định", "quyet dinh", "qd"},
    {"chi_thi", "Chỉ thị", "chi thi", "ct"},
    {"nghi_quyet", "Nghị quyết", "nghi quyet", "nq"},
    {"ke_hoach", "Kế hoạch", "ke hoach", "kh"},
    {"thong_tu", "Thông tư", "thong tu", "tt"},
    {"nghi_dinh", "Nghị định", "nghi dinh", "nd"},
    {"huong_dan", "Hướng dẫn", "huong dan", "hd"},
    {"bao_cao", "Báo cáo", "bao cao", "bc"},
    {"to_trinh", "Tờ trình", "to trinh", "ttr"},
    {"giay_moi", "Giấy mời", "giay moi", "gm"},
};

#define NTYPES (sizeof types / sizeof types[0])

/* More distinct references than this in one dispatch are not kept (merging is quadratic). */
#define PL_MAX_REFS 256

const char *pl_doc_type_at(const pl_toks *t, size_t i, size_t *n)
{
    if (i >= t->n || !t->t[i].cap)
        return NULL;
    for (size_t k = 0; k < NTYPES; k++)
        if ((*n = pl_match(t, i, types[k].phrase)))
            return types[k].code;
    return NULL;
}

const char *pl_type_from_symbol(const char *symbol)
{
    char *f = pl_fold(symbol ? symbol : "");
    char *last = strrchr(f, '/'); /* "2020/NĐ-CP": the type is in the last part */
    if (last)
        memmove(f, last + 1, strlen(last + 1) + 1);
    char *dash = strchr(f, '-');
    if (dash)
        *dash = '\0';
    const char *code = "cong_van";
    for (size_t k = 0; dash && k < NTYPES; k++)
        if (types[k].abbr && strcmp(f, types[k].abbr) == 0)
            code = types[k].code;
    free(f);
    return code;
}

const char *pl_type_name(const char *code)
{
    for (size_t k = 0; k < NTYPES; k++)
        if (strcmp(code, types[k].code) == 0)
            return types[k].name;
    return "Văn bản";
}

const char *pl_type_title(const char *line)
{
    if (!pl_all_upper(line))
        return NULL;
    char *f = pl_fold(line);
    const char *code = NULL;
    for (size_t k = 0; k < NTYPES && !code; k++)
        if (strcmp(f, types[k].phrase) == 0 && strcmp(types[k].phrase, "van ban") != 0)
            code = types[k].code;
    free(f);
    return code;
}

/* A document number token: digits, then "/" and a symbol ("116/TB-VPCP"). */
static bool is_number(const pl_tok *k, const char *text)
{
    if (!k->word || !k->digit)
        return false;
    const char *slash = memchr(text + k->s, '/', k->e - k->s);
    return slash && slash + 1 < text + k->e;
}

static bool looks_back(const pl_toks *t, size_t i, const char *phrase, size_t n)
{
    return i >= n && pl_match(t, i - n, phrase) == n;
}

/* "Thực hiện" or "Căn cứ" right before the reference. */
static const char *relation(const pl_toks *t, size_t i)
{
    if (looks_back(t, i, "thuc hien", 2) || looks_back(t, i, "can cu", 2))
        return "implements";
    return "cites";
}

static json_t *find_ref(json_t *refs, const char *number)
{
    char *f = pl_fold(number);
    size_t i;
    json_t *r, *found = NULL;
    json_array_foreach(refs, i, r)
    {
        char *g = pl_fold(json_string_value(json_object_get(r, "number")));
        if (strcmp(f, g) == 0)
            found = r;
        free(g);
    }
    free(f);
    return found;
}

/* Adds or merges one reference: fills what the earlier mention lacked. */
static void add_ref(json_t *refs, json_t *ref)
{
    if (json_array_size(refs) >= PL_MAX_REFS) {
        json_decref(ref);
        return;
    }
    json_t *old = find_ref(refs, json_string_value(json_object_get(ref, "number")));
    if (!old) {
        json_array_append_new(refs, ref);
        return;
    }
    const char *keys[] = {"date", "issuer"};
    for (size_t k = 0; k < 2; k++)
        if (json_is_null(json_object_get(old, keys[k])))
            json_object_set(old, keys[k], json_object_get(ref, keys[k]));
    if (strcmp(json_string_value(json_object_get(ref, "relation")), "implements") == 0)
        json_object_set_new(old, "relation", json_string("implements"));
    json_decref(ref);
}

/* The reference whose number is at token j (type phrase or "số" before it ends at j). */
static json_t *ref_at(const pl_toks *t, size_t start, size_t j, const char *code)
{
    char *number = pl_strip(t->text + t->t[j].s, t->t[j].e - t->t[j].s, "");
    const char *slash = strchr(number, '/');
    if (!code)
        code = pl_type_from_symbol(slash + 1);
    json_t *ref = json_pack("{s:s, s:s, s:s}", "type", code, "type_name", pl_type_name(code),
                            "number", number);
    free(number);
    size_t k = j + 1;
    if (k + 1 < t->n && strcmp(t->t[k].f, ",") == 0 && strcmp(t->t[k + 1].f, "ngay") == 0)
        k++;
    int d, m, y;
    char iso[11];
    size_t used;
    if (k < t->n && strcmp(t->t[k].f, "ngay") == 0 && (used = pl_date_at(t, k + 1, &d, &m, &y))) {
        k += 1 + used;
        json_object_set_new(ref, "date",
                            pl_iso_date(d, m, y, iso) ? json_string(iso) : json_null());
    } else {
        json_object_set_new(ref, "date", json_null());
    }
    if (pl_match(t, k, "ket luan"))
        k += 2;
    if (k + 1 < t->n && strcmp(t->t[k].f, ",") == 0 && strcmp(t->t[k + 1].f, "cua") == 0)
        k++;
    pl_mention mention;
    if (k < t->n && strcmp(t->t[k].f, "cua") == 0 && pl_agency_at(t, k + 1, &mention)) {
        char *issuer = pl_mention_text(t, &mention);
        json_object_set_new(ref, "issuer", json_string(issuer));
        free(issuer);
    } else {
        json_object_set_new(ref, "issuer", json_null());
    }
    json_object_set_new(ref, "relation", json_string(relation(t, start)));
    return ref;
}

void pl_references(const char *text, const char *context, const char *own, json_t *refs)
{
    (void)context;
    pl_toks t;
    pl_tokenize(text, &t);
    char *own_f = own ? pl_fold(own) : NULL;
    for (size_t i = 0; i < t.n; i++) {
        size_t n = 0, j;
        const char *code = pl_doc_type_at(&t, i, &n);
        if (code) {
            j = i + n;
            if (pl_match(&t, j, "ket luan"))
                j += 2;
            if (j < t.n && strcmp(t.t[j].f, "so") == 0)
                j++;
        } else if (strcmp(t.t[i].f, "so") == 0) {
            j = i + 1;
        } else {
            continue;
        }
        if (j >= t.n || !is_number(&t.t[j], text))
            continue;
        if (own_f && strcmp(own_f, t.t[j].f) == 0)
            continue;
        add_ref(refs, ref_at(&t, i, j, code));
        i = j;
    }
    free(own_f);
    pl_toks_free(&t);
}
