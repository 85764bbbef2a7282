/* The pure rule of the weekly risk level: from a commune's figures and a rule set (data rows of
 * risk_rules/risk_matrix) to a level 1-4 and its reason in Vietnamese; plus the built-in copy of
 * the seeded national rules, for the what-if CLI that runs without a database. No I/O here. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "risk/risk.h"

/* Vietnamese number: thousands with '.', one decimal with ',' when not whole ("1.234,5"). */
static void fmt_num(double v, char *out, size_t cap)
{
    double r = round(v * 10.0) / 10.0;
    long long whole = (long long)floor(r);
    int tenth = (int)llround((r - (double)whole) * 10.0);
    if (tenth == 10) {
        whole++;
        tenth = 0;
    }
    char digits[32], grouped[48];
    snprintf(digits, sizeof digits, "%lld", whole);
    size_t n = strlen(digits), j = 0;
    for (size_t i = 0; i < n && j + 2 < sizeof grouped; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[j++] = '.';
        grouped[j++] = digits[i];
    }
    grouped[j] = '\0';
    if (tenth)
        snprintf(out, cap, "%.40s,%c", grouped, (char)('0' + tenth % 10));
    else
        snprintf(out, cap, "%.40s", grouped);
}

/* A fraction as a percentage in words: 0.699 -> "69,9%". */
static void fmt_pct(double f, char *out, size_t cap)
{
    char n[48];
    fmt_num(f * 100.0, n, sizeof n);
    snprintf(out, cap, "%s%%", n);
}

/* >= with a tolerance for the rounding of a division (19.9999999 counts as 20). */
static bool at_least(double v, double min)
{
    return v >= min - 1e-9 * (fabs(min) > 1 ? fabs(min) : 1);
}

static int band_of(const pd_risk_rule *r, double rate)
{
    if (at_least(rate, r->band4_min))
        return 4;
    if (at_least(rate, r->band3_min))
        return 3;
    if (at_least(rate, r->band2_min))
        return 2;
    return 1;
}

/* Criterion 2, with the unmet part in words (why) when not met. */
static bool coverage_met(const pd_risk_rule *r, const pd_risk_input *in, char *why, size_t cap)
{
    bool first_218 = strcmp(r->coverage_measure, "full_all") == 0;
    double first = first_218 ? in->full_all : in->dose1_18plus;
    bool ok1 = at_least(first, r->coverage_min);
    bool ok2 = at_least(in->full_elderly, r->elderly_min);
    char a[56], b[56], c[56], d[56];
    fmt_pct(first, a, sizeof a);
    fmt_pct(r->coverage_min, b, sizeof b);
    fmt_pct(in->full_elderly, c, sizeof c);
    fmt_pct(r->elderly_min, d, sizeof d);
    why[0] = '\0';
    if (!ok1)
        snprintf(why, cap, "%s %s < %s",
                 first_218 ? "dân số tiêm đủ liều" : "người từ 18 tuổi tiêm ít nhất 1 mũi", a, b);
    if (!ok2) {
        size_t used = strlen(why);
        snprintf(why + used, cap - used, "%sngười từ %d tuổi tiêm đủ liều %s < %s",
                 used ? ", " : "", r->elderly_age, c, d);
    }
    return ok1 && ok2;
}

static void append(char *buf, size_t cap, const char *text)
{
    size_t used = strlen(buf);
    if (used < cap)
        snprintf(buf + used, cap - used, "%s", text);
}

void pd_risk_level(const pd_risk_rule *rule, const pd_risk_input *in, pd_risk_result *out)
{
    memset(out, 0, sizeof *out);
    out->rate = in->population > 0 ? (double)in->cases * 100000.0 / (double)in->population : 0.0;
    out->band = band_of(rule, out->rate);
    char why[256];
    out->coverage_met = coverage_met(rule, in, why, sizeof why);
    int64_t quiet = in->cases_14d >= 0 ? in->cases_14d : in->cases;
    bool c3 = in->capacity_met && in->capacity_known;
    char rate[48], part[320], body[480];
    fmt_num(out->rate, rate, sizeof rate);
    if (quiet == 0) {
        out->level = 1;
        snprintf(body, sizeof body, "không có ca mắc mới tại cộng đồng trong %d ngày",
                 rule->quiet_days);
    } else {
        out->level = rule->matrix[out->band - 1][out->coverage_met][c3];
        snprintf(body, sizeof body, "%s ca/100.000/tuần", rate);
        if (out->band != out->level) {
            snprintf(part, sizeof part, " (mức %d)", out->band);
            append(body, sizeof body, part);
        }
        if (out->coverage_met)
            append(body, sizeof body, "; độ bao phủ đạt");
        else {
            snprintf(part, sizeof part, "; độ bao phủ chưa đạt (%s)", why);
            append(body, sizeof body, part);
        }
        if (strcmp(rule->method, "218") == 0)
            append(body, sizeof body,
                   c3 ? "; năng lực đáp ứng đạt" : "; năng lực đáp ứng chưa đạt");
    }
    if (!c3 && rule->c3_no_lower && in->previous > out->level) {
        out->level = in->previous;
        snprintf(part, sizeof part, "; năng lực điều trị %s nên không hạ cấp so với tuần trước",
                 in->capacity_known ? "chưa đạt" : "chưa được đánh giá");
        append(body, sizeof body, part);
    }
    snprintf(out->reason, sizeof out->reason, "Cấp %d vì %s", out->level, body);
}

/* ---- The seeded national rules, for use without a database ---------------------------------- */

static void fill_matrix(pd_risk_rule *r)
{
    for (int b = 1; b <= 4; b++)
        for (int c2 = 0; c2 <= 1; c2++)
            for (int c3 = 0; c3 <= 1; c3++) {
                int t = c2 ? b : (b + 1 > 4 ? 4 : b + 1);
                if (strcmp(r->method, "218") == 0 && c3)
                    t = t - 1 < 1 ? 1 : t - 1;
                r->matrix[b - 1][c2][c3] = t;
            }
}

int pd_risk_rule_builtin(const char *date, pd_risk_rule *out, pd_err *err)
{
    memset(out, 0, sizeof *out);
    if (!date || strlen(date) != 10 || strcmp(date, "2021-10-12") < 0)
        return pd_fail(err, PD_EINVAL, "date",
                       "Chưa có quy định cấp độ dịch trước ngày 12/10/2021 (Quyết định 4800)");
    bool q218 = strcmp(date, "2022-01-27") >= 0;
    bool over50 = strcmp(date, "2021-11-01") >= 0;
    out->id = q218 ? 3 : over50 ? 2 : 1;
    pd_strlcpy(out->code, q218 ? "218" : over50 ? "4800-50" : "4800-65", sizeof out->code);
    pd_strlcpy(out->name, q218 ? "Quyết định 218/QĐ-BYT" : "Quyết định 4800/QĐ-BYT",
               sizeof out->name);
    pd_strlcpy(out->method, q218 ? "218" : "4800", sizeof out->method);
    out->band2_min = 20;
    out->band3_min = 50;
    out->band4_min = 150;
    pd_strlcpy(out->coverage_measure, q218 ? "full_all" : "dose1_18plus",
               sizeof out->coverage_measure);
    out->coverage_min = q218 ? 0.75 : 0.70;
    out->elderly_age = over50 ? 50 : 65;
    out->elderly_min = q218 ? 0.90 : 0.80;
    out->quiet_days = 14;
    out->c3_no_lower = true;
    out->is_default = true;
    fill_matrix(out);
    return PD_OK;
}
