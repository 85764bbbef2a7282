/* Internals of the demo's activity part, shared by the files of src/demo/ that write it: the city's
 * venues (venues.c), the residents as the activity sees them, the 14 days of declarations and
 * alerts (declarations.c), check-ins (visits.c), foreign guests' stays and the outbreak area
 * (guests.c). All rows are written with prepared statements inside the demo's transaction. Not a
 * public API. */
#ifndef PD_DEMO_ACTIVITY_H
#define PD_DEMO_ACTIVITY_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "demo/demo.h"
#include "demo/demo_internal.h"

#define DEMO_DAYS 14
#define DEMO_MAX_AREAS 64 /* per commune */
#define DEMO_MAX_VENUES 48

typedef struct demo_commune_info {
    char code[16], name[128];
    bool urban;
    int nareas;
    char area_code[DEMO_MAX_AREAS][16];
    char area_name[DEMO_MAX_AREAS][32];
} demo_commune_info;

typedef struct demo_venue {
    int64_t id;
    const char *name, *kind;
    int commune; /* index into communes */
    int area;    /* index into the commune's areas */
    int per_day; /* visits a day at scale 1 */
} demo_venue;

/* A resident as the activity needs them. */
typedef struct demo_resident {
    int64_t id;
    uint8_t commune;
    uint8_t age;
    bool phone;
    bool outbreak_home; /* lives in the outbreak area */
} demo_resident;

typedef struct demo_world {
    sqlite3 *db;
    pd_err *err;
    demo_rng rng;
    demo_ids *ids;
    double scale;
    int64_t now;       /* pd_now() */
    int64_t today;     /* local day number (days since 1970-01-01) */
    char province[16]; /* "06" */
    int ncommunes;
    demo_commune_info communes[PD_DEMO_MAX_COMMUNES];
    int nvenues;
    demo_venue venues[DEMO_MAX_VENUES];
    demo_resident *residents;
    size_t nresidents;
    size_t *by_commune[PD_DEMO_MAX_COMMUNES]; /* indexes of residents aged 12+, per commune */
    size_t by_commune_n[PD_DEMO_MAX_COMMUNES];
    int64_t user_huyen, user_xa, user_todoi; /* account ids, for created_by and acted_by */
    int outbreak_commune, outbreak_area;     /* the marked thôn */
    int64_t outbreak_from;                   /* its first local day number */
    pd_demo_activity *out;
} demo_world;

/* ---- time ---- */
int64_t demo_day_number(int y, int m, int d);
void demo_day_iso(int64_t day, char out[12]); /* YYYY-MM-DD */
void demo_day_vn(int64_t day, char out[12]);  /* DD/MM/YYYY */
int64_t demo_day_start(int64_t day);          /* Unix time of local midnight */
int demo_weekday(int64_t day);                /* 0 Sunday ... 6 Saturday */

/* ---- the steps, in order ---- */
/* Reads the communes and their areas; sets today. */
int demo_world_open(demo_world *w, sqlite3 *db, uint64_t seed, double scale, demo_ids *ids,
                    const char *province, pd_demo_activity *out, pd_err *err);
void demo_world_close(demo_world *w);
/* Writes the venues (venues.c). */
int demo_venues_write(demo_world *w);
/* Loads the residents once the people are written; the outbreak area is chosen here. */
int demo_residents_load(demo_world *w);
/* After the accounts exist (their ids in w): outbreak area and stays, declarations and alerts,
 * check-ins. */
int demo_outbreak_write(demo_world *w);
int demo_stays_write(demo_world *w);
int demo_declarations_write(demo_world *w);
int demo_visits_write(demo_world *w);

/* A random name for a person in charge of a venue, and a fresh unique phone. */
void demo_responsible(demo_world *w, char *name, size_t ncap, char *phone, size_t pcap);

#endif
