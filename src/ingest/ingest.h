/* Bulk ingest of check-ins and health declarations sent by other systems (QR check-in apps, the
 * national declaration app), from CSV, XLSX or JSON Lines. Every row carries an external id: a row
 * whose external id was already ingested (before, or earlier in the same file) is skipped and
 * counted as such, never stored twice, so a file can be sent again safely. A file is ingested all
 * or nothing, in one transaction: if any row is rejected, nothing is written and every rejected row
 * is reported by line and field (Vietnamese messages). See docs/import-format.md. */
#ifndef PD_INGEST_H
#define PD_INGEST_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"

typedef enum pd_ingest_kind {
    PD_INGEST_CHECKINS,
    PD_INGEST_DECLARATIONS,
} pd_ingest_kind;

/* "checkins" / "declarations" -> kind; -1 if unknown. */
int pd_ingest_kind_parse(const char *name);
const char *pd_ingest_kind_name(pd_ingest_kind kind);

typedef struct pd_ingest_error {
    int64_t line; /* 1-based line (CSV, JSONL) or row (XLSX); 0 for the file as a whole */
    char field[32];
    char message[256];
} pd_ingest_error;

#define PD_INGEST_MAX_REPORTED_ERRORS 1000
typedef struct pd_ingest_report {
    int64_t rows_total;     /* data rows read */
    int64_t rows_inserted;  /* new rows written (0 unless the file was accepted) */
    int64_t rows_skipped;   /* rows whose external id was already ingested */
    int64_t people_created; /* check-ins: visitors nobody in the registry had the number of */
    int64_t error_count;    /* all rejected fields, even beyond those kept */
    int errors_kept;
    pd_ingest_error errors[PD_INGEST_MAX_REPORTED_ERRORS];
    char format[8]; /* "csv", "xlsx" or "jsonl" */
    bool bulk;      /* large load: the indexes were rebuilt once at the end */
    double seconds; /* wall time, and its parts: */
    double read_seconds, index_seconds,
        commit_seconds; /* rows read and written; index builds; COMMIT */
} pd_ingest_report;

/* Progress: rows read so far and an estimate of the total, in phase "read" about every 1%, then
 * "index" (rebuilding indexes, bulk loads only) and "write" (just before COMMIT). Return non-zero
 * to cancel: nothing is written and the ingest returns PD_ELIMIT with err->field "cancelled". May
 * be called from a worker thread. */
typedef int (*pd_ingest_progress_cb)(const char *phase, int64_t done, int64_t total, void *ctx);

typedef struct pd_ingest_options {
    pd_ingest_kind kind;
    const char *format; /* "csv", "xlsx", "jsonl" or NULL: from the content */
    pd_ingest_progress_cb progress;
    void *progress_ctx;
    const char *file_name; /* shown in the audit entry; NULL: the base name of path */
    int threads;           /* 0: parse on a second thread for large files; 1: never */
} pd_ingest_options;

/* Ingests path. Needs PD_PERM_INGEST; the venue of a check-in must lie in the caller's scope, as
 * must the residence of a declared person. Returns PD_OK when the file was accepted (rows inserted
 * and skipped counted in report); PD_EINVAL with report->error_count > 0 when rows were rejected
 * (database unchanged); PD_EINVAL with error_count == 0 when the file itself is refused (format,
 * columns, no data; err says why); PD_EDENIED, PD_EIO, PD_ELIMIT, PD_EDB otherwise. Audited once
 * (action "ingest") on success. */
int pd_ingest_file(sqlite3 *db, const pd_actor *actor, const char *path,
                   const pd_ingest_options *opt, pd_ingest_report *report, pd_err *err);

/* Parses a time as ingested: ISO 8601 "2021-11-15T08:30:00+07:00" (offset "Z", "+07:00", "+0700"
 * or none; seconds and fractions optional; 'T' or a space), or "15/11/2021 08:30[:00]". A time
 * without an offset is Viet Nam time (UTC+7). False if it is not a valid time. */
bool pd_ingest_parse_time(const char *s, int64_t *unix_out);

#endif
