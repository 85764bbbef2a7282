/* Contacts and trace results as JSON (jansson), shared by the HTTP API and the CLI. */
#ifndef PD_TRACE_JSON_H
#define PD_TRACE_JSON_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "trace/trace.h"

/* What the lists show of a contact's person. */
typedef struct pd_trace_person {
    bool found;
    char full_name[128], birth_date[12], phone[16], address[256];
    char unit_code[16], area_code[16], district_code[16], province_code[16];
    bool is_case;       /* an active case */
    bool in_quarantine; /* an active quarantine order */
} pd_trace_person;

/* 1 found, 0 no such person, -1 the store failed. */
int pd_trace_person_read(sqlite3 *db, int64_t person_id, pd_trace_person *p);

/* A contact as stored or as just found. */
typedef struct pd_trace_contact_in {
    int64_t case_id, person_id;
    int level;
    int64_t via_person_id, exposure_at;
    const json_t *evidence; /* raw: [{kind, venue_id, from, to, via}] with Unix times */
    int64_t evidence_total;
} pd_trace_contact_in;

/* CONTACT (docs/api.md); NULL if the store failed. */
json_t *pd_trace_contact_json(sqlite3 *db, const pd_trace_contact_in *in);
/* The person's open (pending or active) quarantine order, this case's first; null if none. */
json_t *pd_trace_order_json(sqlite3 *db, int64_t person_id, int64_t case_id);
/* A result's kept evidence of c, raw. */
json_t *pd_trace_evidence_raw(const pd_trace_result *r, const pd_contact *c);
/* {"case", "window": {"start","end"}, "f1": [CONTACT], "f2": [CONTACT]}. */
json_t *pd_trace_result_json(sqlite3 *db, const pd_trace_result *r);

#endif
