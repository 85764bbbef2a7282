/* Nationalities of guests: the assigned ISO 3166-1 alpha-2 codes (checked against Debian's
 * iso-codes 4.15) and the Vietnamese names of the nationalities most often seen among visitors. */
#include <stdbool.h>
#include <string.h>

#include "stays/stays.h"

/* All 249 assigned codes, sorted, two letters each. */
static const char codes[] =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICK"
    "CLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGS"
    "GTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULV"
    "LYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPM"
    "PNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTR"
    "TTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

bool pd_country_valid(const char *code)
{
    if (!code || strlen(code) != 2)
        return false;
    size_t lo = 0, hi = (sizeof codes - 1) / 2;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strncmp(codes + 2 * mid, code, 2);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static const char *const names[][2] = {
    {"AU", "Úc"},          {"BE", "Bỉ"},
    {"CA", "Ca-na-đa"},    {"CH", "Thụy Sĩ"},
    {"CN", "Trung Quốc"},  {"CZ", "Séc"},
    {"DE", "Đức"},         {"DK", "Đan Mạch"},
    {"ES", "Tây Ban Nha"}, {"FI", "Phần Lan"},
    {"FR", "Pháp"},        {"GB", "Anh"},
    {"HK", "Hồng Công"},   {"ID", "In-đô-nê-xi-a"},
    {"IN", "Ấn Độ"},       {"IT", "I-ta-li-a"},
    {"JP", "Nhật Bản"},    {"KH", "Cam-pu-chia"},
    {"KR", "Hàn Quốc"},    {"LA", "Lào"},
    {"MM", "Mi-an-ma"},    {"MY", "Ma-lai-xi-a"},
    {"NL", "Hà Lan"},      {"NO", "Na Uy"},
    {"NZ", "Niu Di-lân"},  {"PH", "Phi-líp-pin"},
    {"PL", "Ba Lan"},      {"RU", "Nga"},
    {"SE", "Thụy Điển"},   {"SG", "Xin-ga-po"},
    {"TH", "Thái Lan"},    {"TW", "Đài Loan"},
    {"UA", "U-crai-na"},   {"US", "Hoa Kỳ"},
    {"VN", "Việt Nam"},
};

const char *pd_country_name(const char *code)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i][0], code) == 0)
            return names[i][1];
    return code;
}
