/* Accounts, roles, sessions and scope: who is asking, what their role allows, and which administrative
 * units they may see. A scope is one unit and everything under it; NULL/empty unit means the country. */
#ifndef PD_AUTH_H
#define PD_AUTH_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef enum pd_role {
    PD_ROLE_ADMIN,
    PD_ROLE_PROVINCE,
    PD_ROLE_DISTRICT,
    PD_ROLE_COMMUNE,
    PD_ROLE_TEAM,   /* community COVID team: reads people of its commune */
    PD_ROLE_VIEWER, /* sees units and aggregate figures, never personal records */
    PD_ROLE_POLICE, /* police of a province, district or commune: stays of foreigners, venues */
    PD_ROLE_VENUE,  /* staff of one venue (users.venue_id): scans visitors, registers guests */
    PD_ROLE_COUNT
} pd_role;

typedef enum pd_perm {
    PD_PERM_UNITS_READ,
    PD_PERM_AREAS_WRITE, /* add thôn/bản/tổ dân phố under a commune in scope */
    PD_PERM_PEOPLE_READ,
    PD_PERM_PEOPLE_WRITE,
    PD_PERM_PEOPLE_IMPORT,
    PD_PERM_PEOPLE_EXPORT,
    PD_PERM_AUDIT_READ,
    PD_PERM_USERS_MANAGE,
    PD_PERM_DECLARE_ASSIST,     /* declare on behalf of someone without a smartphone */
    PD_PERM_DECLARATIONS_READ,  /* read declarations of residents in scope */
    PD_PERM_ALERTS_ACT,         /* work the alert list: record calls, tests, isolation */
    PD_PERM_OUTBREAK_WRITE,     /* mark units as outbreak areas */
    PD_PERM_VENUES_READ,
    PD_PERM_VENUES_WRITE,
    PD_PERM_CHECKINS_READ,      /* who was where: personal data */
    PD_PERM_CHECKIN_SCAN,       /* check a visitor in or out by their personal QR */
    PD_PERM_STAYS_READ,
    PD_PERM_STAYS_WRITE,
    PD_PERM_INGEST,             /* bulk ingest of check-ins and declarations from other systems */
    PD_PERM_CASES_READ,         /* cases (F0), their contacts and the hand-off lists in scope */
    PD_PERM_CASES_WRITE,        /* confirm cases, change their status, add contacts by hand */
    PD_PERM_TRACE,              /* run tracing and save what it found; lockdown suggestions */
    PD_PERM_LAB_READ,           /* samples, pools, results and screening campaigns in scope */
    PD_PERM_LAB_WRITE,          /* take samples, enter or import results, run pools and campaigns */
    PD_PERM_QUARANTINE_READ,    /* quarantine orders, facilities, health checks, worklists */
    PD_PERM_QUARANTINE_WRITE,   /* start, check, release and hand over people in quarantine */
    PD_PERM_CARE_READ,          /* F0 in care: risk colour, place of care, monitoring entries */
    PD_PERM_CARE_WRITE,         /* triage, assign beds, record home monitoring, release */
    PD_PERM_VACCINATION_READ,   /* who got which dose; due and not-yet-vaccinated lists */
    PD_PERM_VACCINATION_WRITE,  /* sessions, doses, priority groups, dose imports */
    PD_PERM_RISK_READ,          /* aggregate figures: coverage, risk levels, the map, reports */
    PD_PERM_RISK_WRITE,         /* capacity checklist; confirm and publish a week's levels */
    PD_PERM_DIRECTIVES_READ,    /* dispatches, their chain, agencies and task boards */
    PD_PERM_DIRECTIVES_WRITE,   /* import and correct dispatches, set tasks, draft new ones */
    PD_PERM_TASKS_REPORT,       /* report progress on the tasks of one's own agency */
} pd_perm;

/* Scope levels: which column of a record the scope filters on. */
typedef enum pd_scope_level {
    PD_SCOPE_COUNTRY = 0,
    PD_SCOPE_PROVINCE = 1,
    PD_SCOPE_DISTRICT = 2,
    PD_SCOPE_COMMUNE = 3,
} pd_scope_level;

/* The caller of a domain function. The CLI acts as a country-wide admin named "cli". */
typedef struct pd_actor {
    int64_t user_id; /* 0 for the CLI */
    char username[64];
    pd_role role;
    pd_scope_level scope_level;
    char scope_code[16]; /* "" for the country */
    int64_t venue_id;    /* role venue: the venue the account works at; else 0 */
    char ip[48];         /* for the audit log; "" from the CLI */
} pd_actor;

const char *pd_role_name(pd_role role);
/* -1 if unknown. */
int pd_role_parse(const char *name);
bool pd_actor_can(const pd_actor *actor, pd_perm perm);

/* The CLI's actor: admin over the whole country. */
pd_actor pd_actor_cli(void);

/* True if a record held at these codes lies inside the actor's scope. */
bool pd_scope_covers(const pd_actor *actor, const char *province_code, const char *district_code,
                     const char *commune_code);

/* The SQL condition restricting a table (alias) to the actor's scope, with one '?' to bind to
 * pd_scope_param(), or "1" (and NULL param) for the country. E.g. "p.district_code = ?". */
const char *pd_scope_sql(const pd_actor *actor, const char *alias, char *out, size_t cap);
const char *pd_scope_param(const pd_actor *actor);

/* Resolves a unit code into the scope it gives (level and code). PD_ENOTFOUND if no such unit;
 * a level-4 area resolves to its commune. */
int pd_scope_resolve(sqlite3 *db, const char *unit_code, pd_scope_level *level, char *code,
                     size_t cap, pd_err *err);

/* Creates an account. The role must fit the unit's level (province -> a province, district -> a
 * district, commune/team/venue -> a commune; police any unit; admin/viewer any level or the
 * country). Argon2id hash. */
int pd_user_add(sqlite3 *db, const char *username, const char *role, const char *unit_code,
                const char *password, const char *display_name, int64_t *id_out, pd_err *err);

/* Attaches an account of role venue to the venue it works at (users.venue_id). The venue must exist
 * and lie in the account's commune. */
int pd_user_set_venue(sqlite3 *db, int64_t user_id, int64_t venue_id, pd_err *err);

/* Checks a username and password. Same error, same work for an unknown user and a wrong password. */
int pd_user_authenticate(sqlite3 *db, const char *username, const char *password, pd_actor *out,
                         pd_err *err);

/* The account's display name ("" when none was given). */
int pd_user_display_name(sqlite3 *db, int64_t user_id, char *out, size_t cap);

/* Loads the actor for an account id. */
int pd_actor_load(sqlite3 *db, int64_t user_id, pd_actor *out, pd_err *err);

/* Sessions: a random 256-bit cookie value (only its SHA-256 is stored) and a CSRF token. */
#define PD_SESSION_SECONDS (12 * 3600)
int pd_session_create(sqlite3 *db, int64_t user_id, char token[65], char csrf[65], pd_err *err);
/* Finds a live session: fills actor and csrf. PD_ENOTFOUND if absent or expired. */
int pd_session_lookup(sqlite3 *db, const char *token, pd_actor *actor, char csrf[65], pd_err *err);
int pd_session_delete(sqlite3 *db, const char *token, pd_err *err);

/* Login rate limit: at most PD_LOGIN_MAX_FAILURES failed attempts per username and per IP in
 * PD_LOGIN_WINDOW seconds. Thread-safe, in memory. */
#define PD_LOGIN_MAX_FAILURES 5
#define PD_LOGIN_WINDOW 900
/* 0 if allowed now, else seconds to wait. */
int pd_login_throttle_check(const char *username, const char *ip, int64_t now);
void pd_login_throttle_record(const char *username, const char *ip, bool success, int64_t now);
void pd_login_throttle_reset(void);

#endif
