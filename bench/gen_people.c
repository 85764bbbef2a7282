/* bench/gen_people.c: writes a realistic, deterministic CSV registry for the import benchmark:
 * Vietnamese names with diacritics (NFC), birth dates (dd/mm/yyyy), sex, valid CCCD/CMND numbers
 * consistent with birth year and sex (see pd_check_cccd), valid and unique mobile numbers in the
 * forms people type, and addresses, spread over the 8 communes of district 058 (Thành phố Bắc Kạn)
 * by their 2019 population. Usage: gen_people --rows N [--seed S] --out FILE.csv */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct weighted {
    const char *text;
    int weight;
} weighted;

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Surnames: the national frequencies (Nguyễn ~38%) blended with Tày, Nùng and Dao families of Bắc
 * Kạn. */
static const weighted surnames[] = {
    {"Nguyễn", 340}, {"Trần", 95}, {"Lê", 80},    {"Phạm", 60}, {"Hoàng", 70}, {"Huỳnh", 15},
    {"Phan", 30},    {"Vũ", 35},   {"Võ", 15},    {"Đặng", 25}, {"Bùi", 20},   {"Đỗ", 15},
    {"Hồ", 10},      {"Ngô", 12},  {"Dương", 15}, {"Lý", 10},   {"Nông", 35},  {"Triệu", 25},
    {"Ma", 15},      {"Hà", 20},   {"Lường", 8},  {"Bế", 8},    {"Đàm", 8},    {"Lục", 8},
    {"Đinh", 10},    {"Lưu", 8},   {"Bàn", 8},    {"Hứa", 5},   {"Lộc", 5},    {"Mã", 4},
    {"Phùng", 5},    {"Đoàn", 6},  {"Trịnh", 6},  {"Tạ", 3},    {"Chu", 4},    {"Quách", 3},
};
static const char *const male_middle[] = {"Đức",  "Minh", "Quang", "Hữu",   "Thanh", "Ngọc", "Xuân",
                                          "Công", "Đình", "Tiến",  "Trung", "Mạnh",  "Duy",  "Anh",
                                          "Gia",  "Hải",  "Tuấn",  "Bảo",   "Quốc",  "Hoàng"};
static const char *const female_middle[] = {
    "Thu", "Ngọc", "Thanh", "Minh", "Hồng",  "Phương", "Thùy", "Kim",  "Bảo",  "Khánh",
    "Hà",  "Mai",  "Lan",   "Diệu", "Quỳnh", "Thảo",   "Như",  "Hoài", "Bích", "Tuyết"};
static const char *const male_given[] = {
    "An",   "Anh",  "Bình",  "Cường", "Chiến", "Công",  "Dũng",  "Đạt",   "Đức",  "Giang",
    "Hải",  "Hiếu", "Hòa",   "Hoàng", "Hùng",  "Huy",   "Khánh", "Khoa",  "Kiên", "Lâm",
    "Long", "Lợi",  "Mạnh",  "Minh",  "Nam",   "Nghĩa", "Phong", "Phúc",  "Quân", "Quang",
    "Sơn",  "Tài",  "Thắng", "Thành", "Thịnh", "Tiến",  "Toàn",  "Trung", "Tuấn", "Tùng",
    "Việt", "Vinh", "Vũ",    "Khải",  "Bảo",   "Định",  "Đông",  "Hưng",  "Lộc",  "Nguyên",
    "Phát", "Sáng", "Thái",  "Thuận", "Tâm"};
static const char *const female_given[] = {
    "An",   "Anh",   "Chi",    "Dung",  "Dương", "Giang",  "Hà",     "Hạnh",  "Hằng", "Hiền",
    "Hoa",  "Hồng",  "Huệ",    "Hương", "Huyền", "Lan",    "Liên",   "Linh",  "Loan", "Mai",
    "My",   "Nga",   "Ngọc",   "Nhung", "Oanh",  "Phương", "Quỳnh",  "Thảo",  "Thơ",  "Thu",
    "Thủy", "Trang", "Tuyết",  "Vân",   "Yến",   "Ánh",    "Diệp",   "Duyên", "Hậu",  "Lụa",
    "Lý",   "Ngân",  "Nguyệt", "Nhàn",  "Thắm",  "Thoa",   "Thương", "Trâm",  "Uyên", "Xuân"};

/* The communes of district 058 and their 2019 population (data/population.csv), used as weights. */
static const struct {
    const char *code, *name;
    int weight;
    bool ward; /* phường: tổ dân phố; xã: thôn */
} communes[] = {
    {"01834", "Phường Nguyễn Thị Minh Khai", 5495, true},
    {"01837", "Phường Sông Cầu", 9164, true},
    {"01840", "Phường Đức Xuân", 9101, true},
    {"01843", "Phường Phùng Chí Kiên", 6771, true},
    {"01846", "Phường Huyền Tụng", 4876, true},
    {"01849", "Xã Dương Quang", 2981, false},
    {"01852", "Xã Nông Thượng", 3545, false},
    {"01855", "Phường Xuất Hóa", 3103, true},
};
static const char *const villages[] = {"Nà Pài", "Khuổi Cuồng", "Nà Ỏi",   "Bản Cạu",
                                       "Nà Rào", "Phặc Tràng",  "Nà Diểu", "Tân Thành",
                                       "Nà Cưa", "Khuổi Chang"};
static const char *const streets[] = {"Trường Chinh", "Nguyễn Văn Tố",  "Hùng Vương",
                                      "Kon Tum",      "Trần Hưng Đạo",  "Võ Nguyên Giáp",
                                      "Thanh Niên",   "Phùng Chí Kiên", "Nguyễn Thị Minh Khai",
                                      "Đội Kỳ"};
/* Province codes (CCCD) of birth registration: mostly Bắc Kạn (006), then the neighbours and big
 * cities. */
static const weighted birth_provinces[] = {{"006", 80}, {"004", 4}, {"019", 5}, {"020", 3},
                                           {"001", 4},  {"008", 2}, {"079", 2}};
/* Mobile prefixes in use since 2018 (Viettel, Vinaphone, MobiFone, Vietnamobile, Gmobile). */
static const char *const phone_prefixes[] = {
    "032", "033", "034", "035", "036", "037", "038", "039", "096", "097", "098",
    "086", "091", "094", "088", "081", "082", "083", "084", "085", "090", "093",
    "089", "070", "076", "077", "078", "079", "092", "056", "058", "099"};

static uint64_t rng_state;
static uint64_t rng_next(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static int below(int n)
{
    return (int)(rng_next() % (uint64_t)n);
}
static int pick(const weighted *t, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += t[i].weight;
    int x = below(total);
    for (int i = 0; i < n; i++) {
        if (x < t[i].weight)
            return i;
        x -= t[i].weight;
    }
    return n - 1;
}
static int pick_commune(void)
{
    int total = 0;
    for (int i = 0; i < COUNT(communes); i++)
        total += communes[i].weight;
    int x = below(total);
    for (int i = 0; i < COUNT(communes); i++) {
        if (x < communes[i].weight)
            return i;
        x -= communes[i].weight;
    }
    return 0;
}

/* A bijection on [0, m): a*x+b mod m with a coprime to m, so that numbers derived from the row
 * index are unique without looking like a counter. */
static uint64_t scramble(uint64_t x, uint64_t m, uint64_t a, uint64_t b)
{
    return (a * (x % m) + b) % m;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

int main(int argc, char **argv)
{
    long long rows = 1000000;
    unsigned long long seed = 2021;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--rows") && i + 1 < argc)
            rows = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else {
            fprintf(stderr, "usage: gen_people --rows N [--seed S] --out FILE.csv\n");
            return 2;
        }
    }
    if (!out || rows <= 0) {
        fprintf(stderr, "usage: gen_people --rows N [--seed S] --out FILE.csv\n");
        return 2;
    }
    FILE *f = fopen(out, "w");
    if (!f) {
        perror(out);
        return 1;
    }
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    rng_state = seed;
    fputs("full_name,birth_date,sex,id_number,phone,unit_code,address\n", f);
    for (long long i = 0; i < rows; i++) {
        bool male = below(2) == 0;
        /* Age 0..89, fewer of the old: a rough population pyramid. */
        int age = below(90);
        if (age > 60 && below(3) == 0)
            age = below(60);
        int year = 2021 - age, month = 1 + below(12), day = 1 + below(days_in_month(year, month));

        char name[160];
        const char *sur = surnames[pick(surnames, COUNT(surnames))].text;
        bool old = year < 1990;
        const char *middle;
        if (male)
            middle = below(100) < (old ? 65 : 30) ? "Văn" : male_middle[below(COUNT(male_middle))];
        else
            middle =
                below(100) < (old ? 70 : 35) ? "Thị" : female_middle[below(COUNT(female_middle))];
        const char *given =
            male ? male_given[below(COUNT(male_given))] : female_given[below(COUNT(female_given))];
        if (below(10) == 0) { /* four-word names: "Nguyễn Thị Thu Hà" */
            const char *second = male ? male_middle[below(COUNT(male_middle))]
                                      : female_middle[below(COUNT(female_middle))];
            snprintf(name, sizeof name, "%s %s %s %s", sur, middle, second, given);
        } else {
            snprintf(name, sizeof name, "%s %s %s", sur, middle, given);
        }

        /* Papers from 14: mostly CCCD, some old CMND, a few without. */
        char id[16] = "";
        if (age >= 14) {
            int r = below(100);
            if (r < 82) {
                const char *prov =
                    birth_provinces[pick(birth_provinces, COUNT(birth_provinces))].text;
                int gc = (year >= 2000 ? 2 : 0) + (male ? 0 : 1);
                snprintf(id, sizeof id, "%s%d%02d%06llu", prov, gc, year % 100,
                         (unsigned long long)scramble((uint64_t)i, 1000000, 7919, 4242));
            } else if (r < 94) {
                snprintf(id, sizeof id, "095%06llu",
                         (unsigned long long)scramble((uint64_t)i, 1000000, 104729, 777));
            }
        }
        /* Mobile numbers from 12, written as people write them. */
        char phone[24] = "";
        if (age >= 12 && below(100) < 88) {
            const char *pre = phone_prefixes[below(COUNT(phone_prefixes))];
            unsigned long long rest = scramble((uint64_t)i, 10000000, 1299709, 31337);
            char digits[16];
            snprintf(digits, sizeof digits, "%s%07llu", pre, rest);
            switch (below(10)) {
            case 0:
                snprintf(phone, sizeof phone, "+84%s", digits + 1);
                break;
            case 1:
            case 2:
                snprintf(phone, sizeof phone, "%.4s %.3s %.3s", digits, digits + 4, digits + 7);
                break;
            case 3:
                snprintf(phone, sizeof phone, "%.4s.%.3s.%.3s", digits, digits + 4, digits + 7);
                break;
            default:
                snprintf(phone, sizeof phone, "%s", digits);
            }
        }

        int c = pick_commune();
        char address[200];
        if (communes[c].ward)
            snprintf(address, sizeof address, "Số %d, đường %s, Tổ %d, %s", 1 + below(200),
                     streets[below(COUNT(streets))], 1 + below(18), communes[c].name);
        else
            snprintf(address, sizeof address, "Thôn %s, %s", villages[below(COUNT(villages))],
                     communes[c].name);

        fprintf(f, "%s,%02d/%02d/%04d,%s,%s,%s,%s,\"%s\"\n", name, day, month, year,
                male ? "M" : "F", id, phone, communes[c].code, address);
    }
    if (fclose(f) != 0) {
        perror(out);
        return 1;
    }
    return 0;
}
