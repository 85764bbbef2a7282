/* Whole-file helpers. */
#include "base/file.h"

#include <stdio.h>

#include "base/text.h"

char *pd_file_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    pd_buf b;
    pd_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        pd_buf_add(&b, chunk, n);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        pd_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return pd_buf_steal(&b);
}
