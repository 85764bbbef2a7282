/* Minimal logging to stderr with a level and a local timestamp. */
#ifndef PD_LOG_H
#define PD_LOG_H

void pd_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define pd_info(...) pd_log("info", __VA_ARGS__)
#define pd_warn(...) pd_log("warn", __VA_ARGS__)
#define pd_error(...) pd_log("error", __VA_ARGS__)

#endif
