/* Validation problems of a record, one per field at fault, each with its Vietnamese message: what a
 * domain function fills and the API answers as {"errors":[{"field","message"}]}. */
#ifndef PD_FIELDERR_H
#define PD_FIELDERR_H

typedef struct pd_field_error {
    char field[32];
    char message[256];
} pd_field_error;

#define PD_MAX_FIELD_ERRORS 16
typedef struct pd_field_errors {
    int count;
    pd_field_error items[PD_MAX_FIELD_ERRORS];
} pd_field_errors;

/* Adds a problem (errs may be NULL: nothing is kept); beyond PD_MAX_FIELD_ERRORS it is dropped. */
void pd_field_errors_add(pd_field_errors *errs, const char *field, const char *message);
/* The same, but only the first problem of each field is kept. */
void pd_field_errors_add_once(pd_field_errors *errs, const char *field, const char *message);

#endif
