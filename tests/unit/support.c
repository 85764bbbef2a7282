/* Helpers shared by the unit tests: a private temporary folder per test group. */
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int pd_test_make_dir(char *dir, size_t cap, const char *prefix)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, cap, "%s/%s_XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
    return mkdtemp(dir) ? 0 : -1;
}

int pd_test_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    return rmdir(dir);
}
