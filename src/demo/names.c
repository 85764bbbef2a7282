/* Vietnamese names and occupations for the demo population: surnames weighted for Bắc Kạn (Tày,
 * Nùng, Dao and Kinh families), middle and given names by sex and generation, occupations by age.
 * The weights are approximations; see docs/demo-data.md. All strings are NFC. */
#include "demo/demo_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct weighted {
    const char *text;
    int weight;
} weighted;

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const weighted surnames[] = {
    /* Common among Tày and Nùng families. */
    {"Hoàng", 9},
    {"Nông", 7},
    {"Hà", 4},
    {"Ma", 3},
    {"Lý", 3},
    {"Dương", 3},
    {"Lường", 2},
    {"Đàm", 2},
    {"Lục", 2},
    {"Bế", 2},
    {"Lưu", 2},
    {"Hứa", 1},
    {"Lộc", 1},
    {"Mã", 1},
    /* Common among Dao families. */
    {"Triệu", 5},
    {"Bàn", 2},
    {"Đặng", 3},
    /* Common among Kinh families (and widespread in every group). */
    {"Nguyễn", 14},
    {"Trần", 5},
    {"Lê", 4},
    {"Phạm", 3},
    {"Vũ", 2},
    {"Đỗ", 2},
    {"Bùi", 2},
    {"Đinh", 2},
    {"Ngô", 1},
    {"Phùng", 1},
    {"Đoàn", 1},
    {"Trịnh", 1},
    {"Hồ", 1},
};

/* Index of an entry drawn in proportion to the weights. */
static int pick(demo_rng *r, const weighted *table, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += table[i].weight;
    int x = demo_rng_below(r, total);
    for (int i = 0; i < n; i++) {
        if (x < table[i].weight)
            return i;
        x -= table[i].weight;
    }
    return n - 1;
}

int demo_surname_pick(demo_rng *r)
{
    return pick(r, surnames, COUNT(surnames));
}

const char *demo_surname(int index)
{
    return index >= 0 && index < COUNT(surnames) ? surnames[index].text : surnames[0].text;
}

/* Middle names: Văn and Thị dominate older generations; younger people get a wider choice. */
static const char *const male_middle[] = {"Đức",  "Minh", "Quang", "Hữu",  "Thanh", "Ngọc",
                                          "Xuân", "Công", "Đình",  "Tiến", "Trung", "Mạnh",
                                          "Duy",  "Anh",  "Gia",   "Hải",  "Tuấn",  "Bảo"};
static const char *const female_middle[] = {"Thu",  "Ngọc", "Thanh", "Minh",  "Hồng", "Phương",
                                            "Thùy", "Kim",  "Bảo",   "Khánh", "Hà",   "Mai",
                                            "Lan",  "Diệu", "Hải",   "Quỳnh", "Thảo", "Như"};

static const char *const male_given[] = {
    "Hùng",  "Dũng", "Tuấn",  "Minh",  "Hải",   "Nam",   "Thắng", "Long",  "Cường", "Sơn",
    "Hòa",   "Bình", "Phong", "Quân",  "Đức",   "Huy",   "Khánh", "Trung", "Hiếu",  "Tùng",
    "Thành", "Vinh", "Quang", "Tiến",  "Lâm",   "Kiên",  "Đạt",   "Khoa",  "Bảo",   "An",
    "Phúc",  "Duy",  "Việt",  "Hưng",  "Lợi",   "Chiến", "Thái",  "Tài",   "Toàn",  "Nguyên",
    "Dương", "Hiệp", "Tâm",   "Thịnh", "Vượng", "Quyết", "Hoàn",  "Lộc",   "Tú",    "Khải"};
static const char *const female_given[] = {
    "Lan",   "Hương",  "Hoa",   "Mai",  "Linh", "Huyền", "Trang", "Thảo", "Ngọc",   "Hạnh",
    "Hằng",  "Phương", "Nhung", "Thủy", "Hà",   "Vân",   "Yến",   "Loan", "Dung",   "Nga",
    "Oanh",  "Hiền",   "Liên",  "Thu",  "Anh",  "Quỳnh", "Chi",   "Vy",   "My",     "Ngân",
    "Giang", "Diệp",   "Tuyết", "Hồng", "Xuân", "Duyên", "Nhàn",  "Thơm", "Lụa",    "Hoài",
    "Thư",   "Trâm",   "Ánh",   "Uyên", "Nhi",  "Tâm",   "Hậu",   "Lệ",   "Khuyên", "Chinh"};

static const char *pick_text(demo_rng *r, const char *const *table, int n)
{
    return table[demo_rng_below(r, n)];
}

static const char *middle_name(demo_rng *r, char sex, int birth_year)
{
    bool older = birth_year < 1980;
    if (sex == 'M')
        return demo_rng_chance(r, older ? 0.65 : 0.3)
                   ? "Văn"
                   : pick_text(r, male_middle, COUNT(male_middle));
    return demo_rng_chance(r, older ? 0.8 : 0.4)
               ? "Thị"
               : pick_text(r, female_middle, COUNT(female_middle));
}

void demo_full_name(demo_rng *r, int surname, char sex, int birth_year, char *out, size_t cap)
{
    const char *middle = middle_name(r, sex, birth_year);
    const char *given;
    do
        given = sex == 'M' ? pick_text(r, male_given, COUNT(male_given))
                           : pick_text(r, female_given, COUNT(female_given));
    while (strcmp(given, middle) == 0);
    snprintf(out, cap, "%s %s %s", demo_surname(surname), middle, given);
}

/* ---- occupations ---- */

static const weighted ward_men[] = {{"Cán bộ", 12},
                                    {"Công nhân", 12},
                                    {"Buôn bán", 10},
                                    {"Kinh doanh", 5},
                                    {"Lao động tự do", 15},
                                    {"Nông dân", 8},
                                    {"Lái xe", 6},
                                    {"Thợ xây", 7},
                                    {"Thợ cơ khí", 3},
                                    {"Giáo viên", 3},
                                    {"Nhân viên y tế", 2},
                                    {"Công an", 3},
                                    {"Quân nhân", 2},
                                    {"Nhân viên văn phòng", 6},
                                    {"Kỹ sư", 3}};
static const weighted ward_women[] = {
    {"Cán bộ", 12},    {"Công nhân", 10},      {"Buôn bán", 16},
    {"Kinh doanh", 4}, {"Lao động tự do", 10}, {"Nông dân", 7},
    {"Giáo viên", 9},  {"Nhân viên y tế", 5},  {"Nhân viên văn phòng", 8},
    {"Nội trợ", 8},    {"Thợ may", 4},         {"Kế toán", 4}};
static const weighted rural_men[] = {{"Nông dân", 50}, {"Lao động tự do", 14}, {"Công nhân", 8},
                                     {"Thợ xây", 7},   {"Lái xe", 4},          {"Buôn bán", 5},
                                     {"Cán bộ", 4},    {"Giáo viên", 1},       {"Thợ cơ khí", 2}};
static const weighted rural_women[] = {{"Nông dân", 52}, {"Lao động tự do", 10}, {"Công nhân", 7},
                                       {"Buôn bán", 8},  {"Nội trợ", 8},         {"Giáo viên", 4},
                                       {"Cán bộ", 3},    {"Nhân viên y tế", 2},  {"Thợ may", 3}};

static const char *working(demo_rng *r, char sex, bool urban)
{
    if (urban)
        return sex == 'M' ? ward_men[pick(r, ward_men, COUNT(ward_men))].text
                          : ward_women[pick(r, ward_women, COUNT(ward_women))].text;
    return sex == 'M' ? rural_men[pick(r, rural_men, COUNT(rural_men))].text
                      : rural_women[pick(r, rural_women, COUNT(rural_women))].text;
}

/* Past retirement age (60 for men, 55 for women before the 2021 reform). */
static const char *retired(demo_rng *r, char sex, bool urban)
{
    if (demo_rng_chance(r, urban ? 0.55 : 0.2))
        return "Hưu trí";
    if (!urban && demo_rng_chance(r, 0.7))
        return "Nông dân";
    if (sex == 'F' && demo_rng_chance(r, 0.6))
        return "Nội trợ";
    return demo_rng_chance(r, 0.5) ? "Buôn bán" : "Lao động tự do";
}

const char *demo_occupation(demo_rng *r, int age, char sex, bool urban)
{
    if (age < 6)
        return "Trẻ em";
    if (age < 15 || (age < 18 && demo_rng_chance(r, 0.85)))
        return "Học sinh";
    if (age < 18)
        return "Lao động tự do";
    if (age <= 22 && demo_rng_chance(r, urban ? 0.35 : 0.15))
        return "Sinh viên";
    if (age >= (sex == 'M' ? 60 : 55))
        return retired(r, sex, urban);
    return working(r, sex, urban);
}
