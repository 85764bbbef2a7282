/* The demo's samples, pools and a screening campaign. */
#include "demo/demo.h"
#include "demo/demo_internal.h"

int demo_lab_write(sqlite3 *db, demo_rng *rng, struct pd_demo_summary *sum, pd_err *err)
{
    (void)db;
    (void)rng;
    (void)sum;
    (void)err;
    return PD_OK;
}
