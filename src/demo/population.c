/* Demo population model: the 2019 census age pyramid, household sizes, who lives in a household
 * (couples, children, grandparents, married children) and full birth dates. Figures and their
 * sources are listed in docs/demo-data.md. */
#include "demo/demo_internal.h"

#include <math.h>
#include <stdio.h>

/* How hard the age draws are pulled towards the pyramid (ratio of expected to actual, raised). */
#define DEMO_GAIN_POWER 16

/* Percent of Viet Nam's population in each five-year band, 2019 census (approximate, see the docs).
 * 0-14: 24.3, 15-64: 68.0, 65+: 7.7. */
const double demo_pyramid[DEMO_BANDS] = {
    8.2, 8.6, 7.5,                               /* 0-4, 5-9, 10-14 */
    6.6, 7.1, 8.4, 8.3, 7.7, 7.2, 6.6, 6.0, 5.6, /* 15-19 ... 55-59 */
    4.5,                                         /* 60-64 */
    3.2, 1.9, 1.2, 1.4,                          /* 65-69, 70-74, 75-79, 80+ */
};

int demo_age_band(int age)
{
    int b = age / 5;
    return b < DEMO_BANDS - 1 ? (b < 0 ? 0 : b) : DEMO_BANDS - 1;
}

void demo_ages_init(demo_ages *a)
{
    for (int age = 0; age < 80; age++)
        a->weight[age] = demo_pyramid[age / 5] / 5.0;
    /* 80+: each further year of age about 15 % smaller, up to 100. */
    double sum = 0, w = 1;
    for (int age = 80; age <= DEMO_MAX_AGE; age++, w *= 0.85)
        sum += w;
    w = 1;
    for (int age = 80; age <= DEMO_MAX_AGE; age++, w *= 0.85)
        a->weight[age] = demo_pyramid[DEMO_BANDS - 1] * w / sum;
    for (int b = 0; b < DEMO_BANDS; b++)
        a->band_count[b] = 0;
    a->total = 0;
}

/* How far each band lags behind the pyramid: above 1 when short of people, below 1 when ahead. */
static void band_gains(const demo_ages *a, double *gain)
{
    for (int b = 0; b < DEMO_BANDS; b++) {
        double expected = demo_pyramid[b] / 100.0 * (double)(a->total + 1);
        double g = (expected + 2.0) / ((double)a->band_count[b] + 2.0);
        g = g < 0.5 ? 0.5 : g > 2.0 ? 2.0 : g;
        gain[b] = pow(g, DEMO_GAIN_POWER);
    }
}

int demo_ages_draw(demo_ages *a, demo_rng *r, int lo, int hi)
{
    lo = lo < 0 ? 0 : lo > DEMO_MAX_AGE ? DEMO_MAX_AGE : lo;
    hi = hi > DEMO_MAX_AGE ? DEMO_MAX_AGE : hi < lo ? lo : hi;
    double gain[DEMO_BANDS], sum = 0;
    band_gains(a, gain);
    for (int age = lo; age <= hi; age++)
        sum += a->weight[age] * gain[demo_age_band(age)];
    double x = demo_rng_unit(r) * sum;
    int age = lo;
    for (; age < hi; age++) {
        x -= a->weight[age] * gain[demo_age_band(age)];
        if (x < 0)
            break;
    }
    a->band_count[demo_age_band(age)]++;
    a->total++;
    return age;
}

/* Household sizes 1..10 per thousand households: wards a little smaller (mean ~3.5) than rural
 * communes (mean ~3.8). */
int demo_household_size(demo_rng *r, bool urban)
{
    static const int ward[10] = {110, 190, 215, 245, 125, 70, 28, 12, 3, 2};
    static const int rural[10] = {80, 160, 200, 250, 150, 90, 40, 18, 8, 4};
    return 1 + demo_rng_weighted(r, urban ? ward : rural, 10);
}

/* ---- household composition ----
 * Ages are drawn from the youngest generation up: first the eldest child, then parents 20-40 years
 * older, then grandparents. Drawing the children first lets the pyramid steer their ages directly.
 */

typedef struct hh_ctx {
    demo_rng *r;
    demo_ages *ages;
    demo_household *h;
} hh_ctx;

static int imin(int a, int b)
{
    return a < b ? a : b;
}

static int imax(int a, int b)
{
    return a > b ? a : b;
}

static void add(hh_ctx *c, int age, char sex, int surname, const char *relation)
{
    if (c->h->size >= DEMO_MAX_MEMBERS)
        return;
    demo_member *m = &c->h->m[c->h->size++];
    m->age = age;
    m->sex = sex;
    m->surname = surname;
    m->relation = relation;
}

static int draw(hh_ctx *c, int lo, int hi)
{
    return demo_ages_draw(c->ages, c->r, imax(lo, 0), imin(hi, DEMO_MAX_AGE));
}

static char child_sex(hh_ctx *c)
{
    return demo_rng_chance(c->r, 0.53) ? 'M' : 'F'; /* sex ratio at birth ~111 */
}

/* The eldest child: mostly under 30, sometimes an adult still living with the parents. */
static int draw_eldest(hh_ctx *c, int max_age)
{
    return draw(c, 0, imin(max_age, demo_rng_chance(c->r, 0.85) ? 30 : 45));
}

/* A couple: the man (spouse) is 3 years younger to 10 years older than the woman, both 20-40
 * years older than their eldest child (eldest < 0: no child). The husband heads most households. */
typedef struct couple {
    int husband, wife;
    bool wife_heads;
} couple;

static couple draw_couple(hh_ctx *c, int eldest, int head_lo, int head_hi, double male_head)
{
    couple k = {0, 0, !demo_rng_chance(c->r, male_head)};
    int lo = eldest < 0 ? head_lo : imax(head_lo, eldest + 20);
    int hi = eldest < 0 ? head_hi : imin(head_hi, eldest + 40);
    int young = eldest < 0 ? 20 : eldest + 20, old = eldest < 0 ? DEMO_MAX_AGE : eldest + 40;
    if (k.wife_heads) {
        k.wife = draw(c, lo, hi);
        k.husband = draw(c, imax(young, k.wife - 3), imin(DEMO_MAX_AGE, k.wife + 10));
    } else {
        k.husband = draw(c, lo, imin(hi + 5, head_hi));
        k.wife = draw(c, imax(young, k.husband - 10), imin(old, k.husband + 3));
    }
    return k;
}

/* Adds the couple as head and spouse; returns the surname of their children (the husband's). */
static int add_couple(hh_ctx *c, couple k, int family)
{
    int other = demo_surname_pick(c->r);
    if (k.wife_heads) {
        add(c, k.wife, 'F', other, "Chủ hộ");
        add(c, k.husband, 'M', family, "Chồng");
    } else {
        add(c, k.husband, 'M', family, "Chủ hộ");
        add(c, k.wife, 'F', other, "Vợ");
    }
    return family;
}

/* Younger siblings of the eldest child: born when the mother was 20-40. */
static void add_younger(hh_ctx *c, int count, int eldest, int mother, int surname, const char *rel)
{
    for (int i = 0; i < count; i++)
        add(c, draw(c, imax(0, mother - 40), eldest), child_sex(c), surname, rel);
}

static void make_single(hh_ctx *c, int family)
{
    int age = draw(c, 25, 95);
    double female = age >= 60 ? 0.65 : 0.45;
    add(c, age, demo_rng_chance(c->r, female) ? 'F' : 'M', family, "Chủ hộ");
}

/* A lone parent (mostly a mother) with `count` children. */
static void make_lone_parent(hh_ctx *c, int count, int family)
{
    int eldest = draw_eldest(c, 60);
    char sex = demo_rng_chance(c->r, 0.75) ? 'F' : 'M';
    int age = draw(c, imax(25, eldest + 20), eldest + 40);
    add(c, age, sex, sex == 'M' ? family : demo_surname_pick(c->r), "Chủ hộ");
    int surname = sex == 'M' ? family : demo_surname_pick(c->r);
    add(c, eldest, child_sex(c), surname, "Con");
    add_younger(c, count - 1, eldest, age, surname, "Con");
}

static void make_pair(hh_ctx *c, int family)
{
    double x = demo_rng_unit(c->r);
    if (x < 0.50) {
        add_couple(c, draw_couple(c, -1, 25, 90, 0.85), family);
    } else if (x < 0.88) {
        make_lone_parent(c, 1, family);
    } else { /* a grandparent raising a grandchild */
        int child = draw(c, 0, 17);
        char sex = demo_rng_chance(c->r, 0.65) ? 'F' : 'M';
        add(c, draw(c, imax(50, child + 40), child + 80), sex, family, "Chủ hộ");
        add(c, child, child_sex(c), sex == 'M' ? family : demo_surname_pick(c->r), "Cháu");
    }
}

/* Parents and their children (a lone parent only in small households). */
static void make_nuclear(hh_ctx *c, int size, int family)
{
    if (size <= 4 && demo_rng_chance(c->r, 0.1)) {
        make_lone_parent(c, size - 1, family);
        return;
    }
    int eldest = draw_eldest(c, 60);
    couple k = draw_couple(c, eldest, 25, DEMO_MAX_AGE, 0.85);
    int surname = add_couple(c, k, family);
    add(c, eldest, child_sex(c), surname, "Con");
    add_younger(c, size - c->h->size, eldest, k.wife, surname, "Con");
}

/* The head's family with one or both of the head's parents. */
static void make_with_parents(hh_ctx *c, int size, int family)
{
    int old = size >= 5 && demo_rng_chance(c->r, 0.5) ? 2 : 1;
    int children = size - 2 - old;
    int eldest = children > 0 ? draw_eldest(c, 30) : -1;
    couple k = draw_couple(c, eldest, 25, 60, 1.0);
    add_couple(c, k, family);
    int head = k.husband;
    if (old == 2 || demo_rng_chance(c->r, 0.3)) {
        int father = draw(c, head + 20, head + 40);
        add(c, father, 'M', family, "Bố");
        if (old == 2)
            add(c, draw(c, imax(head + 20, father - 10), imin(head + 40, father + 3)), 'F',
                demo_surname_pick(c->r), "Mẹ");
    } else {
        add(c, draw(c, head + 20, head + 40), 'F', demo_surname_pick(c->r), "Mẹ");
    }
    if (children > 0) {
        add(c, eldest, child_sex(c), family, "Con");
        add_younger(c, children - 1, eldest, k.wife, family, "Con");
    }
}

/* The married child (a son with his wife or a daughter with her husband); returns the child's age
 * and sets the grandchildren's surname and mother's age. */
static int add_married_child(hh_ctx *c, int eldest_grandchild, int family, int *surname,
                             int *mother)
{
    bool son = demo_rng_chance(c->r, 0.8);
    couple k = draw_couple(c, eldest_grandchild, 22, 60, son ? 1.0 : 0.0);
    if (son) {
        add(c, k.husband, 'M', family, "Con");
        add(c, k.wife, 'F', demo_surname_pick(c->r), "Con dâu");
        *surname = family;
    } else {
        *surname = demo_surname_pick(c->r);
        add(c, k.wife, 'F', family, "Con");
        add(c, k.husband, 'M', *surname, "Con rể");
    }
    *mother = k.wife;
    return son ? k.husband : k.wife;
}

/* An older head (or a widow/widower) living with a married child, the child's spouse and
 * grandchildren, sometimes with unmarried children too. */
static void make_with_married_child(hh_ctx *c, int size, int family)
{
    bool widowed = demo_rng_chance(c->r, 0.25);
    int core = (widowed ? 1 : 2) + 2;
    int extra = size - core, grandchildren = imin(extra, 3);
    int eldest = grandchildren > 0 ? draw(c, 0, 20) : -1;
    /* The head goes first in the list: reserve the slots, then fill them from the young up. */
    int head_slot = c->h->size;
    c->h->size += widowed ? 1 : 2;
    int surname, young_mother;
    int child = add_married_child(c, eldest, family, &surname, &young_mother);
    int filled = c->h->size;
    c->h->size = head_slot;
    int mother;
    if (widowed) {
        char sex = demo_rng_chance(c->r, 0.75) ? 'F' : 'M';
        int age = draw(c, child + 20, child + 40);
        add(c, age, sex, sex == 'M' ? family : demo_surname_pick(c->r), "Chủ hộ");
        mother = sex == 'F' ? age : imax(child + 20, age - 3);
    } else {
        couple k = draw_couple(c, child, 42, DEMO_MAX_AGE, 1.0);
        add_couple(c, k, family);
        mother = k.wife;
    }
    c->h->size = filled;
    if (grandchildren > 0) {
        add(c, eldest, child_sex(c), surname, "Cháu");
        add_younger(c, grandchildren - 1, eldest, young_mother, surname, "Cháu");
    }
    for (int i = 0; i < extra - grandchildren; i++) /* unmarried younger siblings */
        add(c, draw(c, imax(0, mother - 40), child), child_sex(c), family, "Con");
}

void demo_household_make(demo_rng *r, demo_ages *ages, int size, demo_household *out)
{
    hh_ctx c = {r, ages, out};
    out->size = 0;
    size = imin(imax(size, 1), DEMO_MAX_MEMBERS);
    int family = demo_surname_pick(r);
    if (size == 1) {
        make_single(&c, family);
        return;
    }
    if (size == 2) {
        make_pair(&c, family);
        return;
    }
    /* Percent of nuclear / with the head's parents / with a married child, by size. */
    static const int mix[4][3] = {{92, 8, 0}, {80, 12, 8}, {55, 25, 20}, {25, 35, 40}};
    int kind = demo_rng_weighted(r, mix[imin(size, 6) - 3], 3);
    if (kind == 0)
        make_nuclear(&c, size, family);
    else if (kind == 1)
        make_with_parents(&c, size, family);
    else
        make_with_married_child(&c, size, family);
}

/* ---- birth dates ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_date(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void date_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int demo_birth_date(demo_rng *r, int age, char *out, size_t cap)
{
    /* Born after the reference day age+1 years earlier, on or before it `age` years earlier. */
    int64_t first = days_from_date(DEMO_REF_YEAR - age - 1, DEMO_REF_MONTH, DEMO_REF_DAY) + 1;
    int64_t last = days_from_date(DEMO_REF_YEAR - age, DEMO_REF_MONTH, DEMO_REF_DAY);
    int64_t day = first + (int64_t)(demo_rng_unit(r) * (double)(last - first + 1));
    if (day > last)
        day = last;
    int y, m, d;
    date_from_days(day, &y, &m, &d);
    snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
    return y;
}
