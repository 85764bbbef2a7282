/* Electronic health declarations (khai báo y tế): the public form, the quick daily re-declaration
 * with a personal QR token, declarations made by staff for people without a smartphone, outbreak
 * areas, and the alerts declarations raise for the commune health station of the declared
 * residence.
 *
 * Rules kept by every entry point:
 * - A declaration is matched to a registry person by id number, else by phone + name (folded),
 * within the caller's scope (the public form's scope is the whole country); otherwise a person is
 * created. Registry data are never overwritten by a declaration: when the match disagrees with what
 * was typed (same id number, another name or birth year), the declaration stays on the matched
 * person, keeps the typed identity in its note and raises a "review" alert for staff.
 * - A declaration with a symptom, a declared exposure (contact within 2 m of a case, been in an
 *   outbreak area), or a residence or visited place inside an outbreak area on that date raises an
 *   alert for the residence's commune; an open alert of the same person and commune is extended
 *   instead of opening a second one.
 * - Each write is one transaction with its audit entry; public answers never tell anything about
 * the matched person. */
#ifndef PD_DECLARE_H
#define PD_DECLARE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"
#include "people/people.h"

/* Symptoms (declarations.symptoms): a bit set. */
enum {
    PD_SYM_FEVER = 1 << 0,
    PD_SYM_COUGH = 1 << 1,
    PD_SYM_BREATH = 1 << 2, /* shortness of breath */
    PD_SYM_SORE_THROAT = 1 << 3,
    PD_SYM_TASTE_SMELL = 1 << 4, /* loss of taste or smell */
    PD_SYM_NAUSEA = 1 << 5,
    PD_SYM_DIARRHOEA = 1 << 6,
};
#define PD_SYM_COUNT 7
#define PD_SYM_ALL ((1 << PD_SYM_COUNT) - 1)

/* Exposures (declarations.exposures): a bit set. */
enum {
    PD_EXP_CONTACT = 1 << 0,       /* within 2 m of a COVID-19 case */
    PD_EXP_OUTBREAK_AREA = 1 << 1, /* has been in an outbreak area */
    PD_EXP_ANIMAL_MARKET = 1 << 2, /* farm or live-animal market */
};
#define PD_EXP_COUNT 3
#define PD_EXP_ALL ((1 << PD_EXP_COUNT) - 1)

/* Bit i's API name ("fever", "contact", ...) and Vietnamese label ("sốt", ...). */
extern const char *const pd_symptom_names[PD_SYM_COUNT];
extern const char *const pd_symptom_labels[PD_SYM_COUNT];
extern const char *const pd_exposure_names[PD_EXP_COUNT];
extern const char *const pd_exposure_labels[PD_EXP_COUNT];
/* The bit of a name, 0 if unknown. */
int pd_symptom_bit(const char *name);
int pd_exposure_bit(const char *name);

/* A place visited in the 14 days before the declaration. */
typedef struct pd_place_visit {
    char unit_code[16]; /* any level; "" when only described in words */
    char place[128];
    char date[12]; /* YYYY-MM-DD, local */
} pd_place_visit;
#define PD_MAX_PLACES 20

typedef enum pd_declare_via { PD_VIA_SELF, PD_VIA_STAFF, PD_VIA_INGEST } pd_declare_via;

/* One declaration as given. Full declarations carry an identity and residence (person) unless
 * person_id names a registry person; daily ones (daily = true) carry symptoms and exposures only.
 */
typedef struct pd_declaration_in {
    bool daily;
    pd_declare_via via;
    int64_t person_id; /* declare for this registry person; 0: match or create from person */
    pd_person person;  /* identity and residence as typed; birth_date may be a year */
    char travel[128];  /* means of travel, in words */
    int nplaces;
    pd_place_visit places[PD_MAX_PLACES];
    int symptoms, exposures; /* PD_SYM_*, PD_EXP_* */
    int vaccine_doses;       /* as declared; -1 not said */
    char note[512];
    char external_id[64]; /* ingest: idempotency key; "" none */
    int64_t declared_at;  /* Unix seconds; 0 = now */
} pd_declaration_in;

/* Sets the defaults (vaccine_doses -1, nationality VN). */
void pd_declaration_init(pd_declaration_in *in);

typedef struct pd_declaration_out {
    int64_t declaration_id, person_id;
    int64_t alert_id;    /* 0: no alert raised or extended */
    bool person_created; /* no registry person matched */
    bool needs_review;   /* matched a person whose registry identity differs from the typed one */
    bool replayed; /* external_id was already stored: nothing written, ids of the stored one */
} pd_declaration_out;

/* Normalises and validates a declaration in place: identity (full declarations without person_id),
 * residence, places (dated within the 14 days before declared_at, not after it), bit sets, doses,
 * lengths. Every problem goes to errs with its field (birth_date problems are named birth_year
 * when only a year was given). require_phone: the public form needs a number to call back. */
int pd_declaration_normalize(sqlite3 *db, pd_declaration_in *in, bool require_phone,
                             pd_field_errors *errs);

/* THE ENTRY FOR BULK INGEST. Records one declaration already normalised by
 * pd_declaration_normalize inside the caller's open transaction (BEGIN ... COMMIT is the caller's):
 * matches or creates the person within the actor's scope (in->person_id, when set, must exist: it
 * is not scope-checked here), stores the declaration (via = in->via, created_by = actor->user_id
 * for staff and ingest), raises or extends the alert, writes the audit entries as actor. It checks
 * no permission: the caller does (PD_PERM_INGEST for ingest). A second call with the same
 * external_id writes nothing and answers PD_OK with out->replayed and the stored ids. Errors leave
 * the transaction for the caller to roll back. */
int pd_declaration_record(sqlite3 *db, const pd_actor *actor, pd_declaration_in *in,
                          pd_declaration_out *out, pd_err *err);

/* Personal QR tokens: PD_TOKEN_CHARS characters of Crockford base32 (128 random bits); only the
 * SHA-256 of the canonical text is stored. */
#define PD_TOKEN_CHARS 26
/* Canonical form of a typed or scanned token (case, spaces, dashes, O->0, I/L->1). False if it
 * cannot be a token. */
bool pd_token_normalize(const char *in, char out[PD_TOKEN_CHARS + 1]);
/* "ABCD-EFGH-..." for reading aloud or typing (out: at least 34 bytes). */
void pd_token_display(const char *token, char *out, size_t cap);
/* Lowercase hex SHA-256 of a canonical token. */
void pd_token_hash(const char *token, char hex[65]);
/* The person a live token belongs to. PD_ENOTFOUND for an unknown, malformed or revoked token. For
 * check-in scanning and the daily re-declaration; tells nothing else about the person. */
int pd_token_resolve(sqlite3 *db, const char *token, int64_t *person_id, pd_err *err);
/* Staff: a new token for a person in scope (PD_PERM_DECLARE_ASSIST), revoking every older one. */
int pd_token_issue(sqlite3 *db, const pd_actor *actor, int64_t person_id,
                   char token[PD_TOKEN_CHARS + 1], pd_err *err);
/* Staff: revokes every live token of a person in scope; *revoked receives how many. */
int pd_token_revoke_all(sqlite3 *db, const pd_actor *actor, int64_t person_id, int *revoked,
                        pd_err *err);
/* Staff (declare.assist or declarations.read): how many live tokens a person in scope has and when
 * the newest was issued (0 if none). */
int pd_token_status(sqlite3 *db, const pd_actor *actor, int64_t person_id, int *live,
                    int64_t *last_issued, pd_err *err);

/* The public form (no login): validates (phone required), records with via self in one
 * transaction (audited as "public" from ip) and gives a personal token: token_in is kept when it is
 * live and belongs to the matched person, else a new one is issued (older ones stay live: a
 * stranger typing someone's id number must not cancel that person's QR). On PD_EINVAL errs says
 * why. */
int pd_declare_public(sqlite3 *db, const char *ip, pd_declaration_in *in, const char *token_in,
                      char token_out[PD_TOKEN_CHARS + 1], int64_t *declared_at,
                      pd_field_errors *errs, pd_err *err);

/* The daily re-declaration with a personal token: in->symptoms, exposures and note only; the
 * residence is that of the person's latest full declaration (else the registry's). PD_ENOTFOUND
 * for an unknown or revoked token. */
int pd_declare_daily(sqlite3 *db, const char *ip, const char *token, pd_declaration_in *in,
                     int64_t *declared_at, pd_field_errors *errs, pd_err *err);

/* Staff-assisted declaration (PD_PERM_DECLARE_ASSIST): for a registry person in scope (person_id;
 * the residence defaults to the registry's) or for an identity typed by staff, matched within
 * scope. The declared residence must lie in scope. via = staff, created_by = the account. */
int pd_declare_assist(sqlite3 *db, const pd_actor *actor, pd_declaration_in *in,
                      pd_declaration_out *out, pd_field_errors *errs, pd_err *err);

/* A stored declaration with the person's name and phone. */
typedef struct pd_declaration {
    int64_t id, person_id;
    char kind[8]; /* full, daily */
    char via[8];  /* self, staff, ingest */
    int64_t declared_at;
    char unit_code[16], area_code[16], district_code[16], province_code[16];
    char address[256];
    char travel[128];
    char places[8192];                      /* JSON array of {unit_code, place, date} */
    int symptoms, exposures, vaccine_doses; /* doses -1: not said */
    char note[1024];
    int64_t created_by;
    char full_name[128], phone[16];
} pd_declaration;

typedef struct pd_declaration_query {
    char from[12], to[12]; /* local dates YYYY-MM-DD, inclusive; "" open */
    bool symptoms_only;
    char unit_code[16]; /* any level inside scope; "" all */
    int64_t person_id;  /* 0 any */
    int64_t before_id;  /* keyset paging, newest first; 0 from the newest */
    int limit;          /* default 50, at most 200 */
} pd_declaration_query;

typedef int (*pd_declaration_cb)(const pd_declaration *d, void *ctx);
/* Declarations in scope (PD_PERM_DECLARATIONS_READ), newest first (by declared_at within a unit or
 * a person; by id for a country-wide list). PD_EINVAL for a bad date or an unknown unit. Not
 * audited (a list), like the people list. */
int pd_declarations_list(sqlite3 *db, const pd_actor *actor, const pd_declaration_query *q,
                         pd_declaration_cb cb, void *ctx, bool *more, pd_err *err);
/* One declaration in scope; audited as a read. */
int pd_declaration_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_declaration *out,
                       pd_err *err);

/* Outbreak areas: a unit of any level marked from one local date to another (open = still). */
typedef struct pd_outbreak_area {
    int64_t id;
    char unit_code[16];
    char unit_name[128];
    int level;
    char from_date[12], to_date[12]; /* to_date "" = open */
    char note[256];
    int64_t created_by, created_at;
} pd_outbreak_area;

/* Marks a unit in scope (PD_PERM_OUTBREAK_WRITE). a->unit_code, from_date (default today),
 * to_date (optional), note; fills the rest. */
int pd_outbreak_add(sqlite3 *db, const pd_actor *actor, pd_outbreak_area *a, pd_err *err);
/* Ends a marking in scope on to_date ("" = today). PD_ECONFLICT if it already ended before. */
int pd_outbreak_end(sqlite3 *db, const pd_actor *actor, int64_t id, const char *to_date,
                    pd_outbreak_area *out, pd_err *err);
typedef int (*pd_outbreak_cb)(const pd_outbreak_area *a, void *ctx);
/* Every marking (PD_PERM_UNITS_READ: outbreak areas are public knowledge), newest first;
 * active_only keeps those in force today. */
int pd_outbreak_list(sqlite3 *db, const pd_actor *actor, bool active_only, pd_outbreak_cb cb,
                     void *ctx, pd_err *err);
/* Whether unit_code or one of its ancestors is marked on date (YYYY-MM-DD); *hit gets the marking.
 */
int pd_outbreak_match(sqlite3 *db, const char *unit_code, const char *date, bool *found,
                      pd_outbreak_area *hit, pd_err *err);

/* Alerts: work for the commune health station. */
typedef struct pd_alert {
    int64_t id, person_id, declaration_id;
    char reason[64]; /* comma list: symptoms, exposure, outbreak_area, review */
    char detail[2048];
    char unit_code[16], district_code[16], province_code[16];
    int64_t created_at;
    char status[8];  /* open, done */
    char action[24]; /* called, sent_for_testing, told_to_isolate, no_answer, other; "" */
    char action_note[512];
    int64_t acted_by, acted_at;
    char acted_by_name[64];
    char full_name[128], phone[16], address[256];
} pd_alert;

typedef struct pd_alert_query {
    char status[8];     /* open (default), done, all */
    char reason[24];    /* one reason, "" any */
    char unit_code[16]; /* province, district or commune inside scope; "" all */
    int64_t before_id;
    int limit; /* default 50, at most 200 */
} pd_alert_query;

typedef int (*pd_alert_cb)(const pd_alert *a, void *ctx);
/* Alerts in scope (PD_PERM_ALERTS_ACT or PD_PERM_DECLARATIONS_READ), newest first. */
int pd_alerts_list(sqlite3 *db, const pd_actor *actor, const pd_alert_query *q, pd_alert_cb cb,
                   void *ctx, bool *more, pd_err *err);
/* Records the action taken on an open alert in scope and closes it (PD_PERM_ALERTS_ACT). action
 * "other" needs a note. PD_ECONFLICT if already closed. */
int pd_alert_act(sqlite3 *db, const pd_actor *actor, int64_t id, const char *action,
                 const char *note, pd_alert *out, pd_err *err);
/* Known actions and their Vietnamese labels. */
extern const char *const pd_alert_actions[];
const char *pd_alert_action_label(const char *action);

/* Dashboard figures for the caller's scope (PD_PERM_UNITS_READ or PD_PERM_DECLARATIONS_READ:
 * aggregates only). "today" is the local day of pd_now(). */
typedef struct pd_declare_stats {
    int64_t open_alerts, declarations_today, symptoms_today;
} pd_declare_stats;
int pd_declare_stats_get(sqlite3 *db, const pd_actor *actor, pd_declare_stats *out, pd_err *err);

/* `serve --declare-rate N`: public declarations a minute per client address (default 20); the
 * public unit tree allows ten times as many (at least 120). Call once, before serving. */
void pd_declare_set_rate(int per_minute);

#endif
