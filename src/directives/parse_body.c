/* The body of a dispatch: the preamble ("Thực hiện Công văn số ..., UBND thành phố chỉ đạo như
 * sau:"), the numbered items and sub-items ("I.", "Điều 1.", "1.", "1.1.", "a)", "-", "+") with
 * their nesting, paragraphs that continue an item (or a sentence broken across lines), and the
 * closing formula ("Với nội dung trên, ... triển khai thực hiện./."). The body ends at "Nơi nhận",
 * at the signature block or right after the paragraph ending in "./.". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directives/parse_internal.h"

/* Label kinds, outermost first: a label nests under the nearest open label of a smaller rank. */
enum kind { K_ROMAN, K_DIEU, K_NUM, K_SUBNUM, K_LETTER, K_DASH, K_PLUS, K_NONE };

typedef struct label {
    enum kind kind;
    char text[32]; /* as written: "1.", "b)", "-" */
    char key[24];  /* for the path: "1", "b", "1.1", "II", "dieu1"; dashes get a count */
    size_t len;    /* bytes of the label and the space after it */
} label;

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool label_end(const char *p)
{
    return *p == ' ' || *p == '\0';
}

static bool numeric_label(const char *s, label *lb)
{
    size_t i = 0, dots = 0;
    while (digit(s[i]) || (s[i] == '.' && i > 0 && digit(s[i - 1]) && digit(s[i + 1])))
        dots += s[i++] == '.';
    if (i == 0 || i > 8 || !(s[i] == '.' || s[i] == ')') || !label_end(s + i + 1))
        return false;
    if (!dots && i > 3)
        return false;
    lb->kind = dots ? K_SUBNUM : K_NUM;
    snprintf(lb->key, sizeof lb->key, "%.*s", (int)i, s);
    lb->len = i + 1;
    return true;
}

static bool roman_label(const char *s, label *lb)
{
    size_t i = 0;
    while (s[i] == 'I' || s[i] == 'V' || s[i] == 'X')
        i++;
    if (i == 0 || i > 5 || s[i] != '.' || !label_end(s + i + 1))
        return false;
    lb->kind = K_ROMAN;
    snprintf(lb->key, sizeof lb->key, "%.*s", (int)i, s);
    lb->len = i + 1;
    return true;
}

static bool letter_label(const char *s, label *lb)
{
    size_t n = (s[0] >= 'a' && s[0] <= 'z') ? 1 : strncmp(s, "\xC4\x91", 2) == 0 ? 2 : 0;
    if (!n || s[n] != ')' || !label_end(s + n + 1))
        return false;
    lb->kind = K_LETTER;
    snprintf(lb->key, sizeof lb->key, "%.*s", (int)n, s);
    lb->len = n + 1;
    return true;
}

static bool bullet_label(const char *s, label *lb)
{
    size_t n = 0;
    if (s[0] == '-' || s[0] == '+')
        n = 1;
    else if (strncmp(s, "\xE2\x80\xA2", 3) == 0 || strncmp(s, "\xE2\x80\x93", 3) == 0)
        n = 3;
    if (!n || !label_end(s + n))
        return false;
    lb->kind = s[0] == '+' ? K_PLUS : K_DASH;
    lb->len = n;
    return true;
}

static bool dieu_label(const char *s, label *lb)
{
    size_t k = pl_starts(s, "dieu");
    if (!k || pl_starts_lower(s) || s[k] != ' ' || !digit(s[k + 1]))
        return false;
    size_t i = k + 1;
    while (digit(s[i]))
        i++;
    if (s[i] == '.' || s[i] == ':')
        i++;
    if (!label_end(s + i))
        return false;
    lb->kind = K_DIEU;
    snprintf(lb->key, sizeof lb->key, "dieu%.*s", (int)(i - k - 1), s + k + 1);
    char *dot = strchr(lb->key, '.');
    if (dot)
        *dot = '\0';
    lb->len = i;
    return true;
}

static bool label_of(const char *s, label *lb)
{
    memset(lb, 0, sizeof *lb);
    lb->kind = K_NONE;
    if (!(numeric_label(s, lb) || roman_label(s, lb) || letter_label(s, lb) ||
          bullet_label(s, lb) || dieu_label(s, lb)))
        return false;
    snprintf(lb->text, sizeof lb->text, "%.*s", (int)lb->len, s);
    while (s[lb->len] == ' ')
        lb->len++;
    return true;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

/* Paragraphs of the body: blank lines separate them, and so does a line that starts a label. */
typedef struct para {
    pd_buf text;
    int no;
} para;

static size_t paragraphs(pl_doc *d, para **out)
{
    size_t n = 0, cap = 0;
    *out = NULL;
    label lb;
    for (size_t i = d->body_start; i < d->body_end; i++) {
        pl_line *l = &d->lines[i];
        l->used = true;
        if (!*l->text)
            continue;
        bool joins = i > d->body_start && *d->lines[i - 1].text && n > 0 && !label_of(l->text, &lb);
        if (joins) {
            pd_buf_printf(&(*out)[n - 1].text, " %s", l->text);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = realloc(*out, cap * sizeof **out);
            if (!*out)
                abort();
        }
        pd_buf_init(&(*out)[n].text);
        pd_buf_puts(&(*out)[n].text, l->text);
        (*out)[n++].no = l->no;
    }
    return n;
}

/* Appends a continuation paragraph: a space when it continues a broken sentence, else a newline. */
static void append_text(pd_buf *b, const char *more)
{
    if (b->len == 0) {
        pd_buf_puts(b, more);
        return;
    }
    bool broken = !strchr(".;:!?)\"", b->data[b->len - 1]) && !ends_with(b->data, "\xE2\x80\x9D") &&
                  pl_starts_lower(more);
    pd_buf_puts(b, broken ? " " : "\n");
    pd_buf_puts(b, more);
}

typedef struct open_item {
    json_t *item;
    enum kind kind;
    int dashes; /* dash children counted for their keys */
    char last_key[24];
} open_item;

/* Warns when "b)" follows without "a)", or "3." without "2.". */
static void check_order(pl_doc *d, const char *prev_key, const label *lb, int no)
{
    if (lb->kind != K_NUM && lb->kind != K_LETTER)
        return;
    char want[16];
    if (!prev_key || !*prev_key)
        snprintf(want, sizeof want, "%s", lb->kind == K_NUM ? "1" : "a");
    else if (lb->kind == K_NUM)
        snprintf(want, sizeof want, "%d", atoi(prev_key) + 1);
    else
        snprintf(want, sizeof want, "%c", prev_key[0] + 1);
    if (strcmp(want, lb->key) != 0 && !(lb->kind == K_LETTER && strcmp(lb->key, "\xC4\x91") == 0))
        pl_warn(d, "Dòng %d: mục %s nhưng không có mục %s%s trước nó", no, lb->text, want,
                lb->kind == K_NUM ? "." : ")");
}

typedef struct items_state {
    pl_doc *d;
    json_t *items;
    open_item stack[8];
    size_t depth;
    char top_last[24]; /* key of the last top-level item of each kind */
    enum kind top_kind;
    int top_dashes;
} items_state;

static json_t *add_item(items_state *st, const label *lb, int no)
{
    while (st->depth > 0 && st->stack[st->depth - 1].kind >= lb->kind)
        st->depth--;
    open_item *parent = st->depth ? &st->stack[st->depth - 1] : NULL;
    char key[48];
    if (lb->kind == K_DASH || lb->kind == K_PLUS) {
        int *count = parent ? &parent->dashes : &st->top_dashes;
        snprintf(key, sizeof key, "%s%d", lb->kind == K_DASH ? "-" : "+", ++*count);
    } else {
        snprintf(key, sizeof key, "%s", lb->key);
        char *last = parent ? parent->last_key : st->top_last;
        check_order(st->d, (parent || st->top_kind == lb->kind) ? last : NULL, lb, no);
        snprintf(last, 24, "%s", lb->key);
        if (!parent)
            st->top_kind = lb->kind;
    }
    const char *ppath = parent ? json_string_value(json_object_get(parent->item, "path")) : NULL;
    char path[256];
    snprintf(path, sizeof path, "%s%s%s", ppath ? ppath : "", ppath ? "." : "", key);
    json_t *item = json_pack("{s:s, s:s, s:i, s:o, s:s, s:i}", "label", lb->text, "path", path,
                             "level", (int)st->depth + 1, "parent",
                             ppath ? json_string(ppath) : json_null(), "text", "", "line", no);
    json_array_append_new(st->items, item);
    if (st->depth < 8)
        st->stack[st->depth++] = (open_item){item, lb->kind, 0, ""};
    return item;
}

/* Closing formula: the last paragraph when it ends in "/." or opens with the usual words. */
static bool is_closing(const char *s)
{
    return ends_with(s, "/.") || pl_starts(s, "voi noi dung tren") || pl_starts(s, "tren day la");
}

static size_t body_end(pl_doc *d)
{
    for (size_t i = d->body_start; i < d->n; i++) {
        const char *s = d->lines[i].text;
        if (pl_starts(s, "noi nhan") || pl_is_sign_authority(s))
            return i;
        if (ends_with(s, "/."))
            return i + 1;
    }
    return d->n;
}

/* Sets the text of an item and the agencies it names. */
static void finish_item(json_t *item, pd_buf *text)
{
    json_object_set_new(item, "text", json_string(text->data ? text->data : ""));
    pl_item_agencies(text->data ? text->data : "", item);
    pd_buf_free(text);
}

void pl_body(pl_doc *d)
{
    d->body_end = body_end(d);
    para *ps;
    size_t np = paragraphs(d, &ps);
    items_state st;
    memset(&st, 0, sizeof st);
    st.d = d;
    st.items = json_object_get(d->out, "items");
    st.top_kind = K_NONE;
    json_t *o = d->out;
    label lb;
    size_t last = np;
    if (np > 1 && !label_of(ps[np - 1].text.data, &lb) && is_closing(ps[np - 1].text.data)) {
        json_object_set_new(o, "closing", json_string(ps[np - 1].text.data));
        last = np - 1;
    }
    pd_buf pre, cur;
    pd_buf_init(&pre);
    pd_buf_init(&cur);
    json_t *item = NULL;
    for (size_t i = 0; i < last; i++) {
        const char *text = ps[i].text.data;
        if (label_of(text, &lb)) {
            if (item)
                finish_item(item, &cur);
            item = add_item(&st, &lb, ps[i].no);
            pd_buf_puts(&cur, text + lb.len);
        } else {
            append_text(item ? &cur : &pre, text);
        }
    }
    if (item)
        finish_item(item, &cur);
    for (size_t i = 0; i < np; i++)
        pd_buf_free(&ps[i].text);
    free(ps);
    if (pre.len) {
        json_t *tmp = json_object();
        pl_item_agencies(pre.data, tmp);
        json_object_set_new(o, "preamble", json_string(pre.data));
        json_object_set(o, "preamble_agencies", json_object_get(tmp, "agencies"));
        json_decref(tmp);
    }
    pd_buf_free(&pre);
}
