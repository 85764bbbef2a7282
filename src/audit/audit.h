/* The audit log: who read or changed which record, and when. Changes are logged inside the same
 * transaction as the change; reads are queued and written in batches (group commit) by a writer thread
 * when the server runs, or at once from the CLI. */
#ifndef PD_AUDIT_H
#define PD_AUDIT_H

#include <sqlite3.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"

/* Writes one entry with the caller's connection (use inside the change's transaction). */
int pd_audit_write(sqlite3 *db, const pd_actor *actor, const char *action, const char *entity,
                   int64_t entity_id, const char *unit_code, const char *detail, pd_err *err);

/* Records a read. Queued if the background writer runs, else written at once on db. */
void pd_audit_read(sqlite3 *db, const pd_actor *actor, const char *entity, int64_t entity_id,
                   const char *unit_code, const char *detail);

/* Starts/stops the background writer on its own connection to path; stop flushes the queue. */
int pd_audit_writer_start(const char *db_path, pd_err *err);
void pd_audit_writer_stop(void);
/* Blocks until every queued entry is on disk. */
void pd_audit_flush(void);

typedef struct pd_audit_entry {
    int64_t id, at, user_id, entity_id;
    char username[64], action[24], entity[24], unit_code[16], ip[48];
    char detail[512];
} pd_audit_entry;

typedef struct pd_audit_query {
    int64_t from, to; /* Unix seconds; 0 = open */
    char username[64];
    char entity[24];
    int64_t entity_id; /* 0 = any */
    char action[24];
    int64_t before_id; /* keyset paging, newest first; 0 = from the newest */
    int limit;
} pd_audit_query;

typedef int (*pd_audit_cb)(const pd_audit_entry *e, void *ctx);
/* Lists entries newest first; needs PD_PERM_AUDIT_READ. Browsing is itself audited. */
int pd_audit_list(sqlite3 *db, const pd_actor *actor, const pd_audit_query *q, pd_audit_cb cb,
                  void *ctx, pd_err *err);

#endif
