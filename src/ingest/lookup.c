/* In-memory lookups of the ingest: a string -> int64 hash map, the venues (by id or public code,
 * with whether the caller's scope covers them) and the people (by CCCD/CMND/passport or phone),
 * either preloaded for large files or looked up one indexed query at a time for small ones. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/validate.h"
#include "ingest/internal.h"
#include "store/db.h"
#include "venues/venues.h"

/* ---- hash map ---- */

/* Eight bytes at a time, each word multiplied in and folded; a final avalanche (the splitmix64
 * finaliser). Keys are short (ids, numbers), so this is most of a lookup's cost after the miss. */
static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0x94D049BB133111EBull;
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
}

void ik_init(ik_map *m)
{
    memset(m, 0, sizeof *m);
    pd_buf_init(&m->keys);
}

void ik_free(ik_map *m)
{
    free(m->slots);
    pd_buf_free(&m->keys);
    memset(m, 0, sizeof *m);
}

static void ik_resize(ik_map *m, size_t cap)
{
    ik_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        abort(); /* out of memory, as pd_buf does */
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].off)
            continue;
        size_t j = m->slots[i].hash & (cap - 1);
        while (slots[j].off)
            j = (j + 1) & (cap - 1);
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

static ik_slot *ik_find(const ik_map *m, const char *key, size_t len, uint64_t h)
{
    if (!m->cap)
        return NULL;
    for (size_t j = h & (m->cap - 1);; j = (j + 1) & (m->cap - 1)) {
        ik_slot *s = &m->slots[j];
        if (!s->off)
            return s;
        if (s->hash == h && s->len == len && memcmp(m->keys.data + s->off, key, len) == 0)
            return s;
    }
}

static void ik_grow(ik_map *m)
{
    ik_resize(m, m->cap ? m->cap * 2 : 1024);
}

void ik_reserve(ik_map *m, size_t n)
{
    size_t cap = m->cap ? m->cap : 1024;
    while (n * 10 >= cap * 7)
        cap *= 2;
    if (cap > m->cap)
        ik_resize(m, cap);
}

bool ik_put(ik_map *m, const char *key, size_t len, int64_t value, int64_t *old)
{
    if ((m->count + 1) * 10 >= m->cap * 7)
        ik_grow(m);
    if (!m->keys.len)
        pd_buf_add(&m->keys, "", 1); /* offset 0 means a free slot */
    uint64_t h = hash_bytes(key, len);
    ik_slot *s = ik_find(m, key, len, h);
    if (s->off) {
        if (old)
            *old = s->value;
        return false;
    }
    if (m->keys.len + len > UINT32_MAX)
        abort(); /* 4 GiB of keys: far beyond any file we accept */
    *s = (ik_slot){h, (uint32_t)m->keys.len, (uint32_t)len, value};
    pd_buf_add(&m->keys, key, len);
    m->count++;
    return true;
}

void ik_set(ik_map *m, const char *key, size_t len, int64_t value)
{
    if (!ik_put(m, key, len, value, NULL))
        ik_find(m, key, len, hash_bytes(key, len))->value = value;
}

bool ik_get(const ik_map *m, const char *key, size_t len, int64_t *value)
{
    ik_slot *s = ik_find(m, key, len, hash_bytes(key, len));
    if (!s || !s->off)
        return false;
    *value = s->value;
    return true;
}

/* ---- venues ---- */

/* How long a visit lasts when the other system recorded no check-out: the venue's own setting,
 * else its kind's (venues.h), as the check-in module closes a visit nobody checked out of. */
static int default_stay(const char *kind)
{
    const pd_venue_kind *k = pd_venue_kind_find(kind);
    return k ? k->stay_minutes : 120;
}

static void venue_keys(ingest_venues *v, size_t index, const char *public_code)
{
    char key[32];
    int n = snprintf(key, sizeof key, "#%lld", (long long)v->items[index].id);
    ik_set(&v->by_key, key, (size_t)n, (int64_t)index);
    if (public_code[0])
        ik_set(&v->by_key, public_code, strlen(public_code), (int64_t)index);
}

int ingest_venues_load(sqlite3 *db, const pd_actor *actor, ingest_venues *v, pd_err *err)
{
    memset(v, 0, sizeof *v);
    ik_init(&v->by_key);
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "SELECT id, public_code, kind, default_stay_minutes,"
                                     " coalesce(closed_at, 0), province_code, district_code,"
                                     " unit_code, coalesce(area_code, '') FROM venues ORDER BY id",
                                     err);
    if (!st)
        return PD_EDB;
    size_t cap = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (v->count == cap) {
            cap = cap ? cap * 2 : 256;
            ingest_venue *items = realloc(v->items, cap * sizeof *items);
            if (!items)
                abort();
            v->items = items;
        }
        ingest_venue *x = &v->items[v->count];
        x->id = sqlite3_column_int64(st, 0);
        x->default_stay_minutes = sqlite3_column_int(st, 3) > 0 ? sqlite3_column_int(st, 3)
                                                                : default_stay(pd_col_text(st, 2));
        x->closed_at = sqlite3_column_int64(st, 4);
        x->in_scope =
            pd_scope_covers(actor, pd_col_text(st, 5), pd_col_text(st, 6), pd_col_text(st, 7));
        pd_strlcpy(x->province_code, pd_col_text(st, 5), sizeof x->province_code);
        pd_strlcpy(x->district_code, pd_col_text(st, 6), sizeof x->district_code);
        pd_strlcpy(x->unit_code, pd_col_text(st, 7), sizeof x->unit_code);
        pd_strlcpy(x->area_code, pd_col_text(st, 8), sizeof x->area_code);
        venue_keys(v, v->count++, pd_col_text(st, 1));
    }
    int rc = r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}

const ingest_venue *ingest_venue_find(const ingest_venues *v, const char *text)
{
    int64_t index;
    char key[32];
    if (pd_all_digits(text) && strlen(text) < 19) {
        int n = snprintf(key, sizeof key, "#%s", text + strspn(text, "0"));
        if (ik_get(&v->by_key, key, (size_t)n, &index))
            return &v->items[index];
    }
    if (ik_get(&v->by_key, text, strlen(text), &index))
        return &v->items[index];
    return NULL;
}

void ingest_venues_free(ingest_venues *v)
{
    free(v->items);
    ik_free(&v->by_key);
    memset(v, 0, sizeof *v);
}

/* ---- people ---- */

person_key_kind ingest_person_key(const char *text, char *key, size_t cap)
{
    char s[40];
    size_t n = 0;
    bool letters = false;
    for (const char *p = text; *p; p++) {
        if (*p == ' ' || *p == '.' || *p == '-' || *p == '(' || *p == ')')
            continue;
        if (n + 1 >= sizeof s)
            return PK_NONE;
        letters |= isalpha((unsigned char)*p) != 0;
        s[n++] = (char)toupper((unsigned char)*p);
    }
    s[n] = '\0';
    pd_err err;
    if (letters) { /* a passport */
        if (pd_check_passport(s, &err) != PD_OK)
            return PK_NONE;
        pd_strlcpy(key, s, cap);
        return PK_ID;
    }
    bool digits = pd_all_digits(s);
    bool phone = s[0] == '+' || (digits && (n == 10 || n == 11) && s[0] == '0') ||
                 (digits && (n == 11 || n == 12) && s[0] == '8' && s[1] == '4');
    if (phone)
        return pd_normalize_phone(s, key, cap, &err) == PD_OK ? PK_PHONE : PK_NONE;
    bool id = digits && (n == 9 || (n >= 6 && n <= 8) || /* CMND, a passport of digits */
                         (n == 12 && pd_check_cccd(s, 0, 0, &err) == PD_OK));
    if (id) {
        pd_strlcpy(key, s, cap);
        return PK_ID;
    }
    return PK_NONE;
}

/* The first id a number is stored under wins: people are read in id order, so a number several
 * people share (a family phone) names the earliest registered, as a phone check-in does. */
static void preload_key(ik_map *m, char tag, const char *value, int64_t id)
{
    char key[40];
    int n = snprintf(key, sizeof key, "%c%s", tag, value);
    if (n > 0 && (size_t)n < sizeof key)
        ik_put(m, key, (size_t)n, id, NULL);
}

static int preload(sqlite3 *db, ingest_people *p, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "SELECT id, id_number, phone FROM people WHERE id_number IS"
                                     " NOT NULL OR phone IS NOT NULL ORDER BY id",
                                     err);
    if (!st)
        return PD_EDB;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (sqlite3_column_type(st, 1) != SQLITE_NULL)
            preload_key(&p->keys, 'i', pd_col_text(st, 1), id);
        if (sqlite3_column_type(st, 2) != SQLITE_NULL)
            preload_key(&p->keys, 'p', pd_col_text(st, 2), id);
    }
    int rc = r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    p->preloaded = rc == PD_OK;
    return rc;
}

int ingest_people_open(sqlite3 *db, int64_t rows_hint, ingest_people *p, pd_err *err)
{
    memset(p, 0, sizeof *p);
    ik_init(&p->keys);
    int64_t people = 0;
    sqlite3_stmt *st = pd_db_prepare(db, "SELECT count(*) FROM people", err);
    if (!st)
        return PD_EDB;
    if (sqlite3_step(st) == SQLITE_ROW)
        people = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rows_hint >= 20000 || rows_hint * 4 >= people)
        return preload(db, p, err);
    p->by_id = pd_db_prepare(db, "SELECT min(id) FROM people WHERE id_number = ?", err);
    p->by_phone =
        p->by_id ? pd_db_prepare(db, "SELECT min(id) FROM people WHERE phone = ?", err) : NULL;
    return p->by_phone ? PD_OK : PD_EDB;
}

static int64_t query_one(sqlite3_stmt *st, const char *key)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0; /* NULL: 0 */
    sqlite3_reset(st);
    return id;
}

int64_t ingest_people_find(ingest_people *p, person_key_kind kind, const char *key)
{
    if (kind == PK_NONE)
        return 0;
    if (!p->preloaded)
        return query_one(kind == PK_ID ? p->by_id : p->by_phone, key);
    char k[40];
    size_t n = strlen(key);
    if (n + 1 >= sizeof k)
        return 0;
    k[0] = kind == PK_ID ? 'i' : 'p';
    memcpy(k + 1, key, n);
    int64_t id = 0;
    return ik_get(&p->keys, k, n + 1, &id) ? id : 0;
}

void ingest_people_close(ingest_people *p)
{
    sqlite3_finalize(p->by_id);
    sqlite3_finalize(p->by_phone);
    ik_free(&p->keys);
    memset(p, 0, sizeof *p);
}
