/* Decoding a person row selected with PD_PERSON_COLUMNS. */
#include "people/row.h"

#include <string.h>

#include "base/text.h"
#include "store/db.h"

void pd_person_from_row(sqlite3_stmt *st, int first, pd_person *p)
{
    memset(p, 0, sizeof *p);
    p->id = sqlite3_column_int64(st, first + 0);
    pd_strlcpy(p->full_name, pd_col_text(st, first + 1), sizeof p->full_name);
    pd_strlcpy(p->birth_date, pd_col_text(st, first + 2), sizeof p->birth_date);
    pd_strlcpy(p->sex, pd_col_text(st, first + 3), sizeof p->sex);
    pd_strlcpy(p->id_type, pd_col_text(st, first + 4), sizeof p->id_type);
    pd_strlcpy(p->id_number, pd_col_text(st, first + 5), sizeof p->id_number);
    pd_strlcpy(p->phone, pd_col_text(st, first + 6), sizeof p->phone);
    pd_strlcpy(p->nationality, pd_col_text(st, first + 7), sizeof p->nationality);
    pd_strlcpy(p->unit_code, pd_col_text(st, first + 8), sizeof p->unit_code);
    pd_strlcpy(p->area_code, pd_col_text(st, first + 9), sizeof p->area_code);
    pd_strlcpy(p->district_code, pd_col_text(st, first + 10), sizeof p->district_code);
    pd_strlcpy(p->province_code, pd_col_text(st, first + 11), sizeof p->province_code);
    pd_strlcpy(p->address, pd_col_text(st, first + 12), sizeof p->address);
    p->household_id = sqlite3_column_int64(st, first + 13);
    pd_strlcpy(p->relation, pd_col_text(st, first + 14), sizeof p->relation);
    pd_strlcpy(p->occupation, pd_col_text(st, first + 15), sizeof p->occupation);
    pd_strlcpy(p->note, pd_col_text(st, first + 16), sizeof p->note);
    p->created_at = sqlite3_column_int64(st, first + 17);
    p->updated_at = sqlite3_column_int64(st, first + 18);
    p->version = sqlite3_column_int(st, first + 19);
}

