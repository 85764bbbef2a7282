/* Error reporting shared by every module: a code, the field at fault and a message for the user (Vietnamese). */
#ifndef PD_ERR_H
#define PD_ERR_H

enum pd_status {
    PD_OK = 0,
    PD_EINVAL,    /* bad input: field and message say what */
    PD_ENOTFOUND, /* no such record, or outside the caller's scope (never told apart) */
    PD_EDENIED,   /* the caller's role may not do this */
    PD_ECONFLICT, /* duplicate or stale version */
    PD_EDB,       /* the store failed */
    PD_EIO,       /* a file could not be read or written */
    PD_ELIMIT,    /* too large, too many, too fast */
};

typedef struct pd_err {
    int code;
    char field[64];
    char message[512];
} pd_err;

/* Fills err (if not NULL) and returns code, so callers can `return pd_fail(...)`. */
int pd_fail(pd_err *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

void pd_err_clear(pd_err *err);

/* A short English name for a status, for logs. */
const char *pd_status_name(int code);

#endif
