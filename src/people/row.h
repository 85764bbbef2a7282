/* The columns of a person as selected from the people table (alias p), and their decoding. Shared by
 * the people functions and the search. */
#ifndef PD_PEOPLE_ROW_H
#define PD_PEOPLE_ROW_H

#include <sqlite3.h>

#include "people/people.h"

#define PD_PERSON_COLUMNS                                                                          \
    "p.id, p.full_name, coalesce(p.birth_date,''), p.sex, p.id_type, coalesce(p.id_number,''),"    \
    " coalesce(p.phone,''), p.nationality, p.unit_code, coalesce(p.area_code,''), p.district_code," \
    " p.province_code, p.address, coalesce(p.household_id,0), p.relation, p.occupation, p.note,"   \
    " p.created_at, p.updated_at, p.version"

/* Decodes PD_PERSON_COLUMNS starting at column `first`. */
void pd_person_from_row(sqlite3_stmt *st, int first, pd_person *p);

#endif
