/* Helpers shared by the unit tests: a private temporary folder per test group. */
#ifndef PD_TEST_SUPPORT_H
#define PD_TEST_SUPPORT_H

#include <stddef.h>

/* Creates $TMPDIR/<prefix>_XXXXXX (or under /tmp) and writes its path into dir. 0 on success. */
int pd_test_make_dir(char *dir, size_t cap, const char *prefix);
/* Removes the files in dir, then dir itself. 0 on success. */
int pd_test_remove_dir(const char *dir);

#endif
