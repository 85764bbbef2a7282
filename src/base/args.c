/* Parsing of --name VALUE / --name=VALUE / --flag options. */
#include "base/args.h"

#include <stdio.h>
#include <string.h>

/* Returns 2 if name is a known option taking a value, 1 if a known flag, 0 if unknown. */
static int option_kind(const pd_args *a, const char *name, size_t len)
{
    for (const char *const *k = a->known; k && *k; k++) {
        size_t kl = strcspn(*k, "=");
        if (kl == len && strncmp(*k, name, len) == 0)
            return (*k)[kl] == '=' ? 2 : 1;
    }
    return 0;
}

bool pd_args_check(const pd_args *a)
{
    for (int i = 0; i < a->argc; i++) {
        const char *s = a->argv[i];
        if (strncmp(s, "--", 2) != 0)
            continue;
        size_t len = strcspn(s + 2, "=");
        int kind = option_kind(a, s + 2, len);
        if (kind == 0) {
            fprintf(stderr, "Tùy chọn không hợp lệ: %s\n", s);
            return false;
        }
        if (kind == 2 && s[2 + len] != '=') {
            if (i + 1 >= a->argc) {
                fprintf(stderr, "Thiếu giá trị cho tùy chọn %s\n", s);
                return false;
            }
            i++;
        }
    }
    return true;
}

const char *pd_arg(const pd_args *a, const char *name)
{
    size_t nl = strlen(name);
    for (int i = 0; i < a->argc; i++) {
        const char *s = a->argv[i];
        if (strncmp(s, "--", 2) != 0 || strncmp(s + 2, name, nl) != 0)
            continue;
        if (s[2 + nl] == '=')
            return s + 3 + nl;
        if (s[2 + nl] == '\0' && i + 1 < a->argc)
            return a->argv[i + 1];
    }
    return NULL;
}

bool pd_arg_flag(const pd_args *a, const char *name)
{
    for (int i = 0; i < a->argc; i++)
        if (strncmp(a->argv[i], "--", 2) == 0 && strcmp(a->argv[i] + 2, name) == 0)
            return true;
    return false;
}

const char *pd_arg_positional(const pd_args *a, int n)
{
    for (int i = 0; i < a->argc; i++) {
        const char *s = a->argv[i];
        if (strncmp(s, "--", 2) == 0) {
            size_t len = strcspn(s + 2, "=");
            if (option_kind(a, s + 2, len) == 2 && s[2 + len] != '=')
                i++;
            continue;
        }
        if (n-- == 0)
            return s;
    }
    return NULL;
}
