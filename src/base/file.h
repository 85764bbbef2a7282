/* Whole-file helpers. */
#ifndef PD_FILE_H
#define PD_FILE_H

#include <stddef.h>

/* Reads a whole file into a NUL-terminated malloc'd buffer; NULL if it cannot be read. */
char *pd_file_read(const char *path, size_t *len);

#endif
