/* Shared pieces of the declarations module: the symptom and exposure tables, local dates as day
 * numbers, unit scope checks and the public pages' audit actor. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"
#include "base/validate.h"
#include "declare/internal.h"
#include "people/unit_cache.h"

const char *const pd_symptom_names[PD_SYM_COUNT] = {
    "fever", "cough", "breath", "sore_throat", "taste_smell", "nausea", "diarrhoea"};
const char *const pd_symptom_labels[PD_SYM_COUNT] = {
    "sốt", "ho", "khó thở", "đau họng", "mất vị giác hoặc khứu giác", "buồn nôn", "tiêu chảy"};
const char *const pd_exposure_names[PD_EXP_COUNT] = {"contact", "outbreak_area", "animal_market"};
const char *const pd_exposure_labels[PD_EXP_COUNT] = {
    "tiếp xúc gần (dưới 2 m) với ca bệnh COVID-19", "đã đến vùng có dịch",
    "đến trang trại, chợ buôn bán động vật sống"};

static int bit_of(const char *const *names, int count, const char *name)
{
    for (int i = 0; name && i < count; i++)
        if (strcmp(names[i], name) == 0)
            return 1 << i;
    return 0;
}

int pd_symptom_bit(const char *name)
{
    return bit_of(pd_symptom_names, PD_SYM_COUNT, name);
}

int pd_exposure_bit(const char *name)
{
    return bit_of(pd_exposure_names, PD_EXP_COUNT, name);
}

void pd_declaration_init(pd_declaration_in *in)
{
    memset(in, 0, sizeof *in);
    in->vaccine_doses = -1;
    pd_strlcpy(in->person.nationality, "VN", sizeof in->person.nationality);
}

bool pd_declare_date_days(const char *s, int64_t *days)
{
    pd_date d;
    if (!s || !pd_date_parse(s, &d) || d.month == 0)
        return false;
    *days = pd_days_from_civil(d.year, d.month, d.day);
    return true;
}

void pd_declare_days_date(int64_t days, char out[12])
{
    pd_date d = pd_local_date(pd_declare_day_start(days));
    pd_date_format(&d, out, 12);
}

void pd_declare_local_date(int64_t unix_seconds, char out[12])
{
    pd_date d = pd_local_date(unix_seconds);
    pd_date_format(&d, out, 12);
}

void pd_declare_date_vn(const char *iso, char *out, size_t cap)
{
    int y, m, d;
    if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3)
        snprintf(out, cap, "%02d/%02d/%04d", d, m, y);
    else
        pd_strlcpy(out, iso, cap);
}

int64_t pd_declare_day_start(int64_t days)
{
    return days * 86400 - PD_TZ_OFFSET_SECONDS;
}

bool pd_declare_unit_in_scope(sqlite3 *db, const pd_actor *actor, const char *code)
{
    pd_unit_info u;
    if (!code || !code[0] || !pd_unit_cache_get(db, code, &u))
        return false;
    /* A province or district unit is in scope only for actors at or above its level. */
    if (actor->scope_level == PD_SCOPE_COUNTRY)
        return true;
    if ((int)actor->scope_level > u.level && u.level < 3)
        return false;
    return pd_scope_covers(actor, u.province_code, u.district_code, u.commune_code);
}

int pd_declare_unit_filter(sqlite3 *db, const char *alias, const char *code, bool has_area,
                           char *cond, size_t cap, char *param, size_t pcap, pd_err *err)
{
    static const char *const columns[] = {"", "province_code", "district_code", "unit_code",
                                          "unit_code"};
    pd_unit_info u;
    if (!pd_unit_cache_get(db, code, &u) || u.level < 1 || u.level > 4)
        return pd_fail(err, PD_EINVAL, "unit", "Không có đơn vị hành chính mã %s", code);
    if (u.level == 4 && has_area) {
        snprintf(cond, cap, "%s.area_code = ?", alias);
        pd_strlcpy(param, code, pcap);
        return PD_OK;
    }
    snprintf(cond, cap, "%s.%s = ?", alias, columns[u.level]);
    pd_strlcpy(param,
               u.level == 1   ? u.province_code
               : u.level == 2 ? u.district_code
                              : u.commune_code,
               pcap);
    return PD_OK;
}

pd_actor pd_declare_public_actor(const char *ip)
{
    pd_actor a;
    memset(&a, 0, sizeof a);
    a.role = PD_ROLE_VIEWER; /* holds no permission that matters: the public code checks none */
    a.scope_level = PD_SCOPE_COUNTRY;
    pd_strlcpy(a.username, "public", sizeof a.username);
    pd_strlcpy(a.ip, ip ? ip : "", sizeof a.ip);
    return a;
}

void pd_declare_cut_utf8(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--; /* s[max] continues a character: cut before that character starts */
    s[max] = '\0';
}
