/* Agencies named in the text of a dispatch: named bodies ("Trung tâm Y tế thành phố", "Phòng Lao
 * động, Thương binh và Xã hội", "UBND các xã, phường", "Ban Chỉ đạo phòng, chống dịch các xã,
 * phường") and groups ("các cơ quan, đơn vị, địa phương trên địa bàn thành phố"), with their byte
 * positions, whether the text only cites them ("của Văn phòng Chính phủ") or names a place ("tại
 * các cơ quan"), and who leads (chủ trì) and who coordinates (phối hợp với) in an item. Small
 * scanners over folded words; the tables below are the whole vocabulary. */
#include <stdlib.h>
#include <string.h>

#include "directives/parse.h"
#include "directives/parse_internal.h"

enum { H_CAP = 1, H_NAME = 2, H_PURPOSE = 4 };

typedef struct head {
    const char *phrase; /* folded words */
    unsigned flags;     /* H_CAP: first word capitalised; H_NAME: a capitalised name must follow;
                           H_PURPOSE: "phòng, chống dịch ..." may follow */
} head;

/* Longer phrases first: the first match wins. */
static const head heads[] = {
    {"uy ban mat tran to quoc viet nam", H_CAP},
    {"uy ban mat tran to quoc", H_CAP},
    {"uy ban nhan dan", H_CAP},
    {"uy ban mttq", H_CAP},
    {"ubnd", 0},
    {"mttq", 0},
    {"hoi dong nhan dan", H_CAP},
    {"hdnd", 0},
    {"ban chi huy quan su", H_CAP},
    {"ban chi dao", H_CAP | H_PURPOSE},
    {"ban chi huy", H_CAP | H_PURPOSE},
    {"bcd", H_PURPOSE},
    {"thu tuong chinh phu", H_CAP},
    {"chinh phu", H_CAP},
    {"trung uong", H_CAP},
    {"trung tam kiem soat benh tat", H_CAP},
    {"trung tam y te", H_CAP},
    {"tram y te", H_CAP},
    {"nganh y te", H_CAP},
    {"nganh giao duc", H_CAP},
    {"cong an", H_CAP},
    {"cong thong tin dien tu", H_CAP},
    {"cong ttdt", H_CAP},
    {"dai truyen thanh", H_CAP},
    {"dai phat thanh", H_CAP},
    {"huyen doan", H_CAP},
    {"thanh doan", H_CAP},
    {"tinh doan", H_CAP},
    {"lien doan lao dong", H_CAP},
    {"bao hiem xa hoi", H_CAP},
    {"kho bac", H_CAP},
    {"thanh uy", H_CAP},
    {"huyen uy", H_CAP},
    {"tinh uy", H_CAP},
    {"dang uy", H_CAP},
    {"don bien phong", H_CAP},
    {"benh vien", H_CAP | H_NAME},
    {"trung tam", H_CAP | H_NAME},
    {"van phong", H_CAP | H_NAME},
    {"chi cuc", H_CAP | H_NAME},
    {"phong", H_CAP | H_NAME},
    {"so", H_CAP | H_NAME},
    {"bo", H_CAP | H_NAME},
    {"cuc", H_CAP | H_NAME},
    {"hoi", H_CAP | H_NAME},
    {"ban", H_CAP | H_NAME},
};

/* Administrative units that qualify a body ("thành phố", "huyện Tân Uyên", "các xã, phường"). */
static const char *const units[] = {"thanh pho", "thi tran", "thi xa", "tp",    "huyen",
                                    "tinh",      "quan",     "xa",     "phuong"};

/* Nouns of a group ("các phòng, ban, ngành", "từng cơ quan, đơn vị, địa phương"). */
static const char *const nouns[] = {"co quan", "don vi", "dia phuong", "doan the", "phong",
                                    "ban",     "nganh",  "hoi",        "so",       "cap"};
/* "cấp" only continues a group ("Các ngành, các cấp, ..."); "các cấp" alone is no body. */
#define FIRST_NOUNS (COUNT(nouns) - 1)

/* Lowercase words that never continue a name: they start what the body is asked to do. */
static const char *const stops[] = {
    "chu",  "chi",    "phoi", "tiep", "tang",  "thuc", "trien", "can",   "ra",    "to",   "day",
    "xay",  "huong",  "tham", "theo", "ve",    "co",   "la",    "duoc",  "phai",  "de",   "tai",
    "cua",  "trong",  "voi",  "khan", "kiem",  "nam",  "quan",  "chuan", "don",   "giam", "cung",
    "lam",  "yeu",    "va",   "cac",  "tu",    "khi",  "neu",   "thi",   "da",    "dang", "se",
    "bao",  "nghien", "huy",  "ho",   "thanh", "truy", "xu",    "giai",  "danh",  "phat", "dam",
    "dieu", "ung",    "ap",   "mo",   "dung",  "hoan", "ket",   "nang",  "tuyen", "de"};

static bool in_list(const char *f, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(f, list[i]) == 0)
            return true;
    return false;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static size_t phrase_of(const pl_toks *t, size_t i, const char *const *list, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        size_t m = pl_match(t, i, list[k]);
        if (m)
            return m;
    }
    return 0;
}

static bool is_tok(const pl_toks *t, size_t i, const char *f)
{
    return i < t->n && strcmp(t->t[i].f, f) == 0;
}

/* A named head at i (capitalisation checked), its flags in *flags; 0 if none. */
static size_t head_at(const pl_toks *t, size_t i, unsigned *flags)
{
    if (i >= t->n || !t->t[i].word)
        return 0;
    for (size_t k = 0; k < COUNT(heads); k++) {
        size_t m = pl_match(t, i, heads[k].phrase);
        if (!m || ((heads[k].flags & H_CAP) && !t->t[i].cap))
            continue;
        *flags = heads[k].flags;
        return m;
    }
    return 0;
}

/* "thành phố", "tỉnh Bắc Kạn", "các xã, phường", "các xã, thị trấn". */
static size_t qualifier(const pl_toks *t, size_t j)
{
    if (is_tok(t, j, "cac")) {
        size_t k = j + 1, m = phrase_of(t, k, units, COUNT(units));
        if (!m)
            return 0;
        k += m;
        while (is_tok(t, k, ",") && (m = phrase_of(t, k + 1, units, COUNT(units))))
            k += 1 + m;
        return k - j;
    }
    size_t m = phrase_of(t, j, units, COUNT(units));
    if (!m)
        return 0;
    size_t k = j + m;
    unsigned fl;
    while (k < t->n && t->t[k].word && t->t[k].cap && !head_at(t, k, &fl))
        k++;
    return k - j;
}

/* "phòng, chống dịch (bệnh) (COVID-19)" after a steering committee. */
static size_t purpose(const pl_toks *t, size_t j)
{
    size_t m = pl_match(t, j, "phong , chong dich");
    if (!m)
        m = pl_match(t, j, "phong chong dich");
    if (!m)
        return 0;
    size_t k = j + m;
    if (is_tok(t, k, "benh"))
        k++;
    if (k < t->n && strncmp(t->t[k].f, "covid", 5) == 0)
        k++;
    return k - j;
}

static bool lower_word(const pl_toks *t, size_t k)
{
    return k < t->n && t->t[k].word && !t->t[k].cap && !t->t[k].digit;
}

static bool named_at(const pl_toks *t, size_t i, pl_mention *m);

/* The capitalised name after a head: "Văn hóa, Thể thao và Truyền thông", "MTTQ". Words taken. */
static size_t name_words(const pl_toks *t, size_t *j)
{
    size_t taken = 0;
    bool after_sep = false;
    unsigned fl;
    for (;;) {
        size_t k = *j;
        if (k >= t->n)
            break;
        const pl_tok *w = &t->t[k];
        pl_mention sub;
        if (!after_sep && head_at(t, k, &fl) && named_at(t, k, &sub)) {
            /* a body inside the name: "Văn phòng" + "Ủy ban nhân dân tỉnh" */
            *j = sub.te;
            taken++;
            break;
        }
        if (w->word && (w->cap || w->upper) && !w->digit && !(after_sep && head_at(t, k, &fl)) &&
            !(w->upper && qualifier(t, k))) {
            *j = ++k;
            taken++;
            after_sep = false;
            if (!w->upper && lower_word(t, k) && !in_list(t->t[k].f, stops, COUNT(stops)) &&
                !qualifier(t, k))
                (*j)++;
            continue;
        }
        if (taken && (is_tok(t, k, ",") || is_tok(t, k, "va") || is_tok(t, k, "-")) &&
            k + 1 < t->n && t->t[k + 1].word && t->t[k + 1].cap && !t->t[k + 1].digit &&
            !head_at(t, k + 1, &fl)) {
            *j = k + 1;
            after_sep = true;
            continue;
        }
        break;
    }
    return taken;
}

static bool named_at(const pl_toks *t, size_t i, pl_mention *m)
{
    unsigned flags = 0;
    size_t n = head_at(t, i, &flags);
    if (!n)
        return false;
    size_t j = i + n;
    size_t named = name_words(t, &j);
    if ((flags & H_NAME) && !named)
        return false;
    if (flags & H_PURPOSE)
        j += purpose(t, j);
    j += qualifier(t, j);
    m->ts = i;
    m->te = j;
    m->group = false;
    return true;
}

/* "liên quan", "thuộc UBND thành phố", "trên địa bàn thành phố", "thành phố" after a group. */
static size_t group_trailer(const pl_toks *t, size_t j)
{
    size_t k = j;
    if (pl_match(t, k, "lien quan"))
        k += 2;
    pl_mention sub;
    if (is_tok(t, k, "thuoc") && named_at(t, k + 1, &sub))
        return sub.te - j;
    if (pl_match(t, k, "tren dia ban"))
        k += 3;
    k += qualifier(t, k);
    return k - j;
}

static bool group_at(const pl_toks *t, size_t i, pl_mention *m)
{
    if (!is_tok(t, i, "cac") && !is_tok(t, i, "tung"))
        return false;
    size_t n = phrase_of(t, i + 1, nouns, FIRST_NOUNS);
    if (!n)
        return false;
    size_t j = i + 1 + n;
    for (;;) {
        size_t k = j;
        if (is_tok(t, k, ",") || is_tok(t, k, "va"))
            k++;
        if (is_tok(t, k, "cac"))
            k++;
        size_t m2 = phrase_of(t, k, nouns, COUNT(nouns));
        if (!m2 || (k > j && t->t[k].cap))
            break;
        j = k + m2;
    }
    j += group_trailer(t, j);
    m->ts = i;
    m->te = j;
    m->group = true;
    return true;
}

bool pl_agency_at(const pl_toks *t, size_t i, pl_mention *m)
{
    if (i >= t->n || !(group_at(t, i, m) || named_at(t, i, m)))
        return false;
    m->s = t->t[m->ts].s;
    m->e = t->t[m->te - 1].e;
    m->role = PL_ROLE_ACTOR;
    return true;
}

/* Cited ("của ...") or a place ("tại ...")? Looks back a few words, through a list joined by
 * commas to an earlier mention. */
static enum pl_role role_of(const pl_toks *t, size_t ts, const pl_mention *prev)
{
    size_t lo = ts > 10 ? ts - 10 : 0;
    for (size_t k = ts; k-- > lo;) {
        if (prev && k < prev->te) {
            for (size_t q = prev->te; q < ts; q++)
                if (!is_tok(t, q, "va") && !is_tok(t, q, "cac"))
                    return PL_ROLE_ACTOR;
            return prev->role;
        }
        const char *f = t->t[k].f;
        if (strcmp(f, "cua") == 0)
            return PL_ROLE_CITED;
        if (strcmp(f, "tai") == 0)
            return PL_ROLE_PLACE;
        if (strcmp(f, ".") == 0 || strcmp(f, ";") == 0 || strcmp(f, ":") == 0)
            break;
    }
    return PL_ROLE_ACTOR;
}

pl_mention *pl_agencies(const pl_toks *t, size_t *n)
{
    pl_mention *out = NULL;
    size_t cap = 0;
    *n = 0;
    for (size_t i = 0; i < t->n;) {
        pl_mention m;
        if (!pl_agency_at(t, i, &m)) {
            i++;
            continue;
        }
        m.role = role_of(t, m.ts, *n ? &out[*n - 1] : NULL);
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            out = realloc(out, cap * sizeof *out);
            if (!out)
                abort();
        }
        out[(*n)++] = m;
        i = m.te;
    }
    return out;
}

char *pl_mention_text(const pl_toks *t, const pl_mention *m)
{
    size_t n = m->e - m->s, cap = n * 4 + 16;
    char *raw = pl_strip(t->text + m->s, n, "");
    char *out = malloc(cap);
    if (!out)
        abort();
    if (!pd_nfc_clean(raw, out, cap))
        pd_strlcpy(out, raw, cap);
    free(raw);
    return out;
}

static const char *role_name(enum pl_role r)
{
    return r == PL_ROLE_CITED ? "cited" : r == PL_ROLE_PLACE ? "place" : "actor";
}

json_t *pd_directive_agency_mentions(const char *text)
{
    json_t *arr = json_array();
    if (!text || !pd_utf8_valid(text, strlen(text)))
        return arr;
    pl_toks t;
    pl_tokenize(text, &t);
    size_t n = 0;
    pl_mention *ms = pl_agencies(&t, &n);
    for (size_t i = 0; i < n; i++) {
        char *name = pl_mention_text(&t, &ms[i]);
        json_array_append_new(arr, json_pack("{s:s, s:I, s:I, s:s, s:s}", "name", name, "start",
                                             (json_int_t)ms[i].s, "end", (json_int_t)ms[i].e,
                                             "kind", ms[i].group ? "group" : "named", "role",
                                             role_name(ms[i].role)));
        free(name);
    }
    free(ms);
    pl_toks_free(&t);
    return arr;
}

/* Appends name to arr unless an equal name (folded) is there. */
static void add_unique(json_t *arr, const char *name)
{
    char *f = pl_fold(name);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        char *g = pl_fold(json_string_value(v));
        bool same = strcmp(f, g) == 0;
        free(g);
        if (same) {
            free(f);
            return;
        }
    }
    free(f);
    json_array_append_new(arr, json_string(name));
}

/* First token index at or after from where the phrase starts, or t->n. */
static size_t find(const pl_toks *t, size_t from, const char *phrase)
{
    for (size_t i = from; i < t->n; i++)
        if (pl_match(t, i, phrase))
            return i;
    return t->n;
}

static bool clause_break(const pl_toks *t, size_t a, size_t b)
{
    for (size_t k = a; k < b && k < t->n; k++)
        if (is_tok(t, k, ".") || is_tok(t, k, ";"))
            return true;
    return false;
}

/* lead: who chủ trì (or who phối hợp với others); coordinating: the others, or those who phối hợp
 * together ("X và Y phối hợp ..."). */
static void roles(const pl_toks *t, const pl_mention *ms, size_t n, json_t *lead, json_t *coord)
{
    size_t p = find(t, 0, "chu tri"), q = find(t, 0, "phoi hop");
    if (p == t->n && q == t->n)
        return;
    size_t mark = p < q ? p : q;
    bool with = q < t->n && (pl_match(t, q + 2, "voi") || pl_match(t, q + 2, "chat che voi"));
    json_t *subjects = (p < t->n || with) ? lead : coord;
    size_t after = q < t->n ? q + 2 : t->n;
    for (size_t i = 0; i < n; i++) {
        if (ms[i].role != PL_ROLE_ACTOR)
            continue;
        char *name = pl_mention_text(t, &ms[i]);
        if (ms[i].te <= mark && !clause_break(t, ms[i].te, mark))
            add_unique(subjects, name);
        else if (with && ms[i].ts >= after && !clause_break(t, after, ms[i].ts))
            add_unique(coord, name);
        free(name);
    }
}

void pl_item_agencies(const char *text, json_t *item)
{
    json_t *agencies = json_array(), *lead = json_array(), *coord = json_array();
    pl_toks t;
    pl_tokenize(text, &t);
    size_t n = 0;
    pl_mention *ms = pl_agencies(&t, &n);
    for (size_t i = 0; i < n; i++) {
        if (ms[i].role != PL_ROLE_ACTOR)
            continue;
        char *name = pl_mention_text(&t, &ms[i]);
        add_unique(agencies, name);
        free(name);
    }
    roles(&t, ms, n, lead, coord);
    free(ms);
    pl_toks_free(&t);
    json_object_set_new(item, "agencies", agencies);
    json_object_set_new(item, "lead", lead);
    json_object_set_new(item, "coordinating", coord);
}
