/* The demo's history for the weekly risk levels (risk.c): the 2021 wave of community cases, which
 * demo.c may write before the outbreak (so that case ids keep following confirmation times);
 * demo_risk_write() (demo_internal.h) writes it itself when that has not happened. */
#ifndef PD_DEMO_RISK_H
#define PD_DEMO_RISK_H

#include <sqlite3.h>

#include "base/err.h"

struct pd_demo_summary;
int demo_risk_history_write(sqlite3 *db, struct pd_demo_summary *sum, pd_err *err);

#endif
