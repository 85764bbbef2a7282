/* Import of people from CSV/XLSX (all or nothing, every rejected row named by line and field,
 * progress reported) and export of people to XLSX/CSV. Column headers are matched folded, in
 * Vietnamese or English (e.g. "Họ và tên" / "full_name"); see docs/import-format.md. */
#ifndef PD_PEOPLE_TRANSFER_H
#define PD_PEOPLE_TRANSFER_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"
#include "people/people.h"

typedef struct pd_row_error {
    int64_t line; /* 1-based line (CSV) or row (XLSX) in the file; 0 for the file as a whole */
    char field[32];
    char message[256];
} pd_row_error;

#define PD_IMPORT_MAX_REPORTED_ERRORS 1000
typedef struct pd_import_report {
    int64_t rows_total;          /* data rows read */
    int64_t rows_imported;       /* 0 unless every row was valid */
    int64_t error_count;         /* all rejected fields, even beyond those kept */
    int64_t households_imported; /* new households formed from "Mã hộ" (0 unless all valid) */
    int errors_kept;
    pd_row_error errors[PD_IMPORT_MAX_REPORTED_ERRORS];
    char format[8];    /* "csv" or "xlsx" */
    char encoding[24]; /* "utf-8", "utf-8-bom", ... */
} pd_import_report;

/* Progress: rows are validated and written in one pass, reported as phase "validate" about every 1%
 * of the file or 10,000 rows; "write" is reported once at the end, just before COMMIT, with done ==
 * total == rows read. done/total are rows (total is an estimate from the part of the file read
 * until the last call). Return non-zero to cancel: nothing is written and the import returns
 * PD_ELIMIT with err->field "cancelled". */
typedef int (*pd_progress_cb)(const char *phase, int64_t done, int64_t total, void *ctx);

typedef struct pd_import_options {
    const char *format;       /* "csv", "xlsx" or NULL to detect from the content */
    const char *default_unit; /* commune for rows with no or an empty unit cell; "" none */
    pd_progress_cb progress;
    void *progress_ctx;
    const char *file_name; /* shown in the audit entry; NULL: the base name of path */
    bool single_thread;    /* read, check and write on the calling thread (otherwise a second thread
                              reads and checks while this one writes; also single when the database
                              has no file, e.g. ":memory:") */
} pd_import_options;

/* Imports every row or none, in one transaction (BEGIN IMMEDIATE). Returns PD_OK when all rows were
 * written; PD_EINVAL with report->error_count > 0 when rows were rejected (report lists line, field
 * and message, database unchanged, err holds a summary); PD_EINVAL with error_count == 0 when the
 * file itself is refused (encoding, unknown or missing columns, no data: err says why); PD_EDENIED,
 * PD_EIO, PD_ELIMIT, PD_EDB otherwise. A file refused part-way after rows were already rejected
 * also appends its reason to the report (field "file"). Needs PD_PERM_PEOPLE_IMPORT; rows outside
 * the actor's scope are rejected like invalid ones. Audited once (action "import") on success. opt
 * may be NULL. */
int pd_people_import(sqlite3 *db, const pd_actor *actor, const char *path,
                     const pd_import_options *opt, pd_import_report *report, pd_err *err);

/* Writes the people in scope matching q (paging fields ignored) to path as "xlsx" or "csv" (UTF-8
 * with BOM, so that Excel shows the diacritics). Needs PD_PERM_PEOPLE_EXPORT. Audited once. */
int pd_people_export(sqlite3 *db, const pd_actor *actor, const pd_people_query *q, const char *path,
                     const char *format, int64_t *rows_out, pd_err *err);

/* The column header the export writes (and the import accepts) for a field name of pd_row_error
 * ("phone" -> "Số điện thoại"); the name itself if unknown. */
const char *pd_import_field_label(const char *field);

#endif
