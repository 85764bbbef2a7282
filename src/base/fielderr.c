/* Validation problems per field (fielderr.h). */
#include "base/fielderr.h"

#include <string.h>

#include "base/text.h"

void pd_field_errors_add(pd_field_errors *errs, const char *field, const char *message)
{
    if (!errs || errs->count >= PD_MAX_FIELD_ERRORS)
        return;
    pd_field_error *e = &errs->items[errs->count++];
    pd_strlcpy(e->field, field, sizeof e->field);
    pd_strlcpy(e->message, message, sizeof e->message);
}

void pd_field_errors_add_once(pd_field_errors *errs, const char *field, const char *message)
{
    for (int i = 0; errs && i < errs->count; i++)
        if (strcmp(errs->items[i].field, field) == 0)
            return;
    pd_field_errors_add(errs, field, message);
}
