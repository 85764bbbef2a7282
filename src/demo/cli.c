/* `phongdich demo`: builds the demo database and prints what was created, in Vietnamese or as JSON.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/args.h"
#include "base/text.h"
#include "demo/demo.h"
#include "store/db.h"

static const char *const known_options[] = {"db=", "seed=", "scale=", "json", "help", NULL};

static void usage(FILE *f)
{
    fputs("Cách dùng: phongdich demo --db TỆP [--seed N] [--scale X] [--json]\n"
          "Tạo cơ sở dữ liệu mẫu cho Thành phố Bắc Kạn theo số dân Tổng điều tra 2019.\n"
          "  --db TỆP     tệp cơ sở dữ liệu (tạo mới nếu chưa có; không được có sẵn dân cư)\n"
          "  --seed N     hạt giống ngẫu nhiên (mặc định 2021); cùng hạt giống cho cùng dữ liệu\n"
          "  --scale X    hệ số quy mô dân số (mặc định 1 ≈ 45.036 người; 22 ≈ 1 triệu người)\n"
          "  --json       in kết quả dạng JSON\n",
          f);
}

static bool parse_seed(const char *s, uint64_t *out)
{
    if (!s)
        return true;
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 19)
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno != 0 || v > 9223372036854775807ull)
        return false;
    *out = (uint64_t)v;
    return true;
}

/* Accepts 0.5 and the Vietnamese 0,5. */
static bool parse_scale(const char *s, double *out)
{
    if (!s)
        return true;
    char buf[64];
    pd_strlcpy(buf, s, sizeof buf);
    for (char *p = buf; *p; p++)
        if (*p == ',')
            *p = '.';
    char *end = NULL;
    double v = strtod(buf, &end);
    if (!*buf || *end != '\0' || !(v > 0) || v > PD_DEMO_MAX_SCALE)
        return false;
    *out = v;
    return true;
}

/* 45036 -> "45.036" */
static const char *thousands(int64_t n, char *out, size_t cap)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? -n : n));
    size_t len = strlen(digits), at = 0;
    if (n < 0 && at + 1 < cap)
        out[at++] = '-';
    for (size_t i = 0; i < len && at + 2 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[at++] = '.';
        out[at++] = digits[i];
    }
    out[at] = '\0';
    return out;
}

/* A number written the Vietnamese way, with a decimal comma: 0,5 */
static const char *decimal(double v, const char *fmt, char *out, size_t cap)
{
    snprintf(out, cap, fmt, v);
    for (char *p = out; *p; p++)
        if (*p == '.')
            *p = ',';
    return out;
}

/* Prints s padded with spaces to width characters (code points, not bytes). */
static void pad(const char *s, int width)
{
    int n = (int)pd_utf8_length(s);
    printf("%s%*s", s, n < width ? width - n : 0, "");
}

/* Prints s right-aligned in width characters. */
static void lpad(const char *s, int width)
{
    int n = (int)pd_utf8_length(s);
    printf("%*s%s", n < width ? width - n : 0, "", s);
}

static const char *role_label(const char *role)
{
    static const char *const map[][2] = {{"admin", "Quản trị"}, {"province", "Tỉnh"},
                                         {"district", "Huyện"}, {"commune", "Xã"},
                                         {"team", "Tổ COVID"},  {"viewer", "Chỉ xem"},
                                         {"police", "Công an"}, {"venue", "Địa điểm"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], role) == 0)
            return map[i][1];
    return role;
}

static void print_communes(const pd_demo_summary *s)
{
    char a[32], b[32], c[32];
    pad("Mã", 7);
    lpad("Dân số 2019", 14);
    lpad("Nhân khẩu", 12);
    lpad("Số hộ", 10);
    lpad("Tổ/thôn", 9);
    printf("  Xã, phường\n");
    int64_t census = 0;
    for (int i = 0; i < s->commune_count; i++) {
        const pd_demo_commune *m = &s->communes[i];
        census += m->census;
        printf("%-7s %13s %11s %9s %8d  %s\n", m->code, thousands(m->census, a, sizeof a),
               thousands(m->people, b, sizeof b), thousands(m->households, c, sizeof c), m->areas,
               m->name);
    }
    pad("Tổng", 7);
    printf(" %13s %11s %9s %8d\n", thousands(census, a, sizeof a),
           thousands(s->people, b, sizeof b), thousands(s->households, c, sizeof c), s->areas);
}

/* "2021-11-15" -> "15/11/2021" */
static const char *vn_date(const char *iso, char *out, size_t cap)
{
    if (strlen(iso) == 10)
        snprintf(out, cap, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    else
        pd_strlcpy(out, iso, cap);
    return out;
}

static void print_activity(const pd_demo_summary *s)
{
    const pd_demo_activity *a = &s->activity;
    char from[16], to[16], ob[16], n1[32], n2[32], n3[32];
    printf("\nHoạt động mẫu trong 14 ngày, từ %s đến %s:\n", vn_date(a->first_day, from, sizeof from),
           vn_date(a->last_day, to, sizeof to));
    printf("  %d địa điểm có mã QR (chợ, bến xe, trường học, bệnh viện, cơ quan, cơ sở lưu trú...)\n",
           a->venues);
    printf("  %s khai báo y tế (%s có triệu chứng); %s cảnh báo đang mở, %s đã xử lý\n",
           thousands(a->declarations, n1, sizeof n1),
           thousands(a->declarations_with_symptoms, n2, sizeof n2),
           thousands(a->alerts_open, n3, sizeof n3), thousands(a->alerts_done, to, sizeof to));
    printf("  %s lượt check-in; %lld khách nước ngoài lưu trú (%lld đang lưu trú)\n",
           thousands(a->checkins, n1, sizeof n1), (long long)a->stays, (long long)a->stays_present);
    printf("  %d ca bệnh (F0) trong các chuỗi lây nhiễm; %s F1, %s F2 đã truy vết\n", a->cases,
           thousands(a->contacts_f1, n1, sizeof n1), thousands(a->contacts_f2, n2, sizeof n2));
    if (a->outbreak_areas)
        printf("  Vùng dịch: %s (%s), từ ngày %s\n", a->outbreak_name, a->outbreak_unit,
               vn_date(a->outbreak_from, ob, sizeof ob));
}

static void print_accounts(const pd_demo_summary *s)
{
    printf("\nTài khoản mẫu (mật khẩu chỉ dùng để thử, không dùng cho dữ liệu thật):\n  ");
    pad("Tên đăng nhập", 15);
    pad("Mật khẩu", 17);
    pad("Vai trò", 10);
    printf("Phạm vi\n");
    for (int i = 0; i < s->account_count; i++) {
        const pd_demo_account *a = &s->accounts[i];
        printf("  ");
        pad(a->username, 15);
        pad(a->password, 17);
        pad(role_label(a->role), 10);
        printf("%s%s%s%s\n", a->unit_name, *a->unit_code ? " (" : "", a->unit_code,
               *a->unit_code ? ")" : "");
    }
}

static void print_text(const pd_demo_summary *s, double seconds)
{
    char scale[32], secs[32];
    printf("Đã tạo dữ liệu mẫu cho %s (mã %s), hạt giống %llu, hệ số quy mô %s.\n\n",
           s->district_name, s->district_code, (unsigned long long)s->seed,
           decimal(s->scale, "%g", scale, sizeof scale));
    print_communes(s);
    print_activity(s);
    print_accounts(s);
    printf("\nThời gian: %s giây.\n", decimal(seconds, "%.2f", secs, sizeof secs));
}

static json_t *communes_json(const pd_demo_summary *s)
{
    json_t *arr = json_array();
    for (int i = 0; i < s->commune_count; i++) {
        const pd_demo_commune *m = &s->communes[i];
        json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:I, s:I, s:i}", "code", m->code,
                                             "name", m->name, "census_2019", (json_int_t)m->census,
                                             "people", (json_int_t)m->people, "households",
                                             (json_int_t)m->households, "areas", m->areas));
    }
    return arr;
}

static json_t *accounts_json(const pd_demo_summary *s)
{
    json_t *arr = json_array();
    for (int i = 0; i < s->account_count; i++) {
        const pd_demo_account *a = &s->accounts[i];
        json_array_append_new(arr,
                              json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s}", "username", a->username,
                                        "password", a->password, "role", a->role, "unit_code",
                                        *a->unit_code ? a->unit_code : NULL, "unit_name",
                                        a->unit_name, "display_name", a->display_name));
    }
    return arr;
}

static json_t *activity_json(const pd_demo_activity *a)
{
    json_t *o = json_pack("{s:s, s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "first_day",
                          a->first_day, "last_day", a->last_day, "venues", a->venues,
                          "declarations", (json_int_t)a->declarations,
                          "declarations_with_symptoms", (json_int_t)a->declarations_with_symptoms,
                          "alerts_open", (json_int_t)a->alerts_open, "alerts_done",
                          (json_int_t)a->alerts_done, "checkins", (json_int_t)a->checkins, "stays",
                          (json_int_t)a->stays, "stays_present", (json_int_t)a->stays_present,
                          "main_market_id", (json_int_t)a->main_market_id);
    json_object_set_new(o, "cases", json_integer(a->cases));
    json_object_set_new(o, "contacts_f1", json_integer(a->contacts_f1));
    json_object_set_new(o, "contacts_f2", json_integer(a->contacts_f2));
    if (a->outbreak_areas)
        json_object_set_new(o, "outbreak_area",
                            json_pack("{s:s, s:s, s:s}", "unit_code", a->outbreak_unit, "name",
                                      a->outbreak_name, "from_date", a->outbreak_from));
    return o;
}

static void print_json(const pd_demo_summary *s, double seconds)
{
    json_t *root = json_pack(
        "{s:{s:s, s:s}, s:I, s:f, s:I, s:I, s:i, s:o, s:o, s:f}", "district", "code",
        s->district_code, "name", s->district_name, "seed", (json_int_t)s->seed, "scale", s->scale,
        "people", (json_int_t)s->people, "households", (json_int_t)s->households, "areas", s->areas,
        "communes", communes_json(s), "accounts", accounts_json(s), "seconds", seconds);
    if (root)
        json_object_set_new(root, "activity", activity_json(&s->activity));
    char *text = root ? json_dumps(root, JSON_INDENT(2)) : NULL;
    if (text)
        printf("%s\n", text);
    free(text);
    json_decref(root);
}

static void show_progress(int64_t done, int64_t total, void *ctx)
{
    (void)ctx;
    char a[32], b[32];
    fprintf(stderr, "\rĐang ghi dân cư: %s / %s người", thousands(done, a, sizeof a),
            thousands(total, b, sizeof b));
    if (done >= total)
        fputc('\n', stderr);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int build(const char *path, const pd_demo_options *opt, bool json)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pd_err err;
    pd_err_clear(&err);
    sqlite3 *db = pd_db_open(path, &err);
    if (!db) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    pd_demo_summary *s = malloc(sizeof *s);
    int rc = s ? pd_demo_build(db, opt, s, &err) : pd_fail(&err, PD_ELIMIT, "", "Hết bộ nhớ");
    pd_db_close(db);
    if (rc == PD_OK && json)
        print_json(s, seconds_since(&t0));
    else if (rc == PD_OK)
        print_text(s, seconds_since(&t0));
    else
        fprintf(stderr, "Không tạo được dữ liệu mẫu: %s\n", err.message);
    free(s);
    return rc == PD_OK ? 0 : 1;
}

int pd_cmd_demo(int argc, char **argv)
{
    pd_args args = {argc, argv, known_options};
    if (pd_arg_flag(&args, "help")) {
        usage(stdout);
        return 0;
    }
    if (!pd_args_check(&args) || pd_arg_positional(&args, 0)) {
        usage(stderr);
        return 2;
    }
    const char *path = pd_arg(&args, "db");
    pd_demo_options opt = {.seed = PD_DEMO_DEFAULT_SEED, .scale = 1.0};
    if (!path || !*path) {
        fputs("Thiếu --db: tệp cơ sở dữ liệu cần tạo\n", stderr);
        return 2;
    }
    if (!parse_seed(pd_arg(&args, "seed"), &opt.seed)) {
        fputs("--seed phải là số nguyên không âm (tối đa 9223372036854775807)\n", stderr);
        return 2;
    }
    if (!parse_scale(pd_arg(&args, "scale"), &opt.scale)) {
        fprintf(stderr, "--scale phải là số lớn hơn 0 và không quá %.0f (vd. 0.5, 1, 22)\n",
                PD_DEMO_MAX_SCALE);
        return 2;
    }
    bool json = pd_arg_flag(&args, "json");
    if (isatty(STDERR_FILENO) && opt.scale >= 4) {
        opt.progress = show_progress;
    }
    return build(path, &opt, json);
}
