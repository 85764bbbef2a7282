/* HTTP handlers for sessions and accounts: login (rate-limited), logout, me, users (admin). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/text.h"
#include "http/handlers.h"
#include "http/static.h"
#include "store/db.h"
#include "units/units.h"

static const struct {
    pd_perm perm;
    const char *name;
} perm_names[] = {{PD_PERM_UNITS_READ, "units.read"},       {PD_PERM_AREAS_WRITE, "areas.write"},
                  {PD_PERM_PEOPLE_READ, "people.read"},     {PD_PERM_PEOPLE_WRITE, "people.write"},
                  {PD_PERM_PEOPLE_IMPORT, "people.import"}, {PD_PERM_PEOPLE_EXPORT, "people.export"},
                  {PD_PERM_AUDIT_READ, "audit.read"},       {PD_PERM_USERS_MANAGE, "users.manage"},
                  {PD_PERM_DECLARE_ASSIST, "declare.assist"},
                  {PD_PERM_DECLARATIONS_READ, "declarations.read"},
                  {PD_PERM_ALERTS_ACT, "alerts.act"},       {PD_PERM_OUTBREAK_WRITE, "outbreak.write"},
                  {PD_PERM_VENUES_READ, "venues.read"},     {PD_PERM_VENUES_WRITE, "venues.write"},
                  {PD_PERM_CHECKINS_READ, "checkins.read"}, {PD_PERM_CHECKIN_SCAN, "checkin.scan"},
                  {PD_PERM_STAYS_READ, "stays.read"},       {PD_PERM_STAYS_WRITE, "stays.write"},
                  {PD_PERM_INGEST, "ingest"},               {PD_PERM_CASES_READ, "cases.read"},
                  {PD_PERM_CASES_WRITE, "cases.write"},     {PD_PERM_TRACE, "trace"},
                  {PD_PERM_LAB_READ, "lab.read"},           {PD_PERM_LAB_WRITE, "lab.write"},
                  {PD_PERM_QUARANTINE_READ, "quarantine.read"},
                  {PD_PERM_QUARANTINE_WRITE, "quarantine.write"},
                  {PD_PERM_CARE_READ, "care.read"},         {PD_PERM_CARE_WRITE, "care.write"},
                  {PD_PERM_VACCINATION_READ, "vaccination.read"},
                  {PD_PERM_VACCINATION_WRITE, "vaccination.write"},
                  {PD_PERM_RISK_READ, "risk.read"},         {PD_PERM_RISK_WRITE, "risk.write"},
                  {PD_PERM_DIRECTIVES_READ, "directives.read"},
                  {PD_PERM_DIRECTIVES_WRITE, "directives.write"},
                  {PD_PERM_TASKS_REPORT, "tasks.report"}};

static json_t *user_json(sqlite3 *db, const pd_actor *a, const char *display_name)
{
    char stored[128];
    if (!display_name && pd_user_display_name(db, a->user_id, stored, sizeof stored) == PD_OK)
        display_name = stored;
    pd_unit u;
    pd_err err;
    bool has_unit = a->scope_code[0] && pd_unit_get(db, a->scope_code, &u, &err) == PD_OK;
    json_t *perms = json_array();
    for (size_t i = 0; i < sizeof perm_names / sizeof perm_names[0]; i++)
        if (pd_actor_can(a, perm_names[i].perm))
            json_array_append_new(perms, json_string(perm_names[i].name));
    return json_pack("{s:I, s:s, s:s, s:s?, s:s, s:s, s:o}", "id", (json_int_t)a->user_id,
                     "username", a->username, "role", pd_role_name(a->role), "unit_code",
                     a->scope_code[0] ? a->scope_code : NULL, "unit_name",
                     has_unit ? u.name : "Toàn quốc", "display_name",
                     display_name ? display_name : "", "permissions", perms);
}

static void set_session_cookie(pd_resp *resp, const char *token, int max_age)
{
    char cookie[256];
    snprintf(cookie, sizeof cookie, "pd_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
             token, max_age, pd_server_secure_cookies() ? "; Secure" : "");
    pd_resp_header(resp, "Set-Cookie", cookie);
}

/* Login is public, so it guards itself: JSON only (no cross-site form posts), rate limited. */
static bool login_input(pd_req *req, pd_resp *resp, char *user, size_t ucap, char *pass,
                        size_t pcap)
{
    json_t *body = pd_req_json(req, resp);
    if (!body)
        return false;
    if (!pd_json_copy(body, "username", user, ucap, resp) ||
        !pd_json_copy(body, "password", pass, pcap, resp))
        return false;
    if (!user[0] || !pass[0]) {
        pd_resp_error(resp, 400, "invalid", user[0] ? "password" : "username",
                      "Nhập tên đăng nhập và mật khẩu");
        return false;
    }
    return true;
}

int pd_api_login(pd_req *req, pd_resp *resp)
{
    char user[64], pass[256], ip[48] = "";
    if (!login_input(req, resp, user, sizeof user, pass, sizeof pass))
        return 0;
    pd_actor probe = {0};
    pd_http_client_ip(req->conn, ip, sizeof ip);
    int64_t now = pd_now();
    int wait = pd_login_throttle_check(user, ip, now);
    if (wait > 0) {
        char secs[16], msg[160];
        snprintf(secs, sizeof secs, "%d", wait);
        snprintf(msg, sizeof msg, "Đăng nhập sai quá nhiều lần. Hãy thử lại sau %d phút.",
                 (wait + 59) / 60);
        pd_resp_header(resp, "Retry-After", secs);
        return pd_resp_error(resp, 429, "rate_limited", "", msg);
    }
    pd_err err;
    if (pd_user_authenticate(req->db, user, pass, &probe, &err) != PD_OK) {
        pd_login_throttle_record(user, ip, false, now);
        return pd_resp_error(resp, 401, "bad_credentials", "", err.message);
    }
    pd_login_throttle_record(user, ip, true, now);
    char token[65], csrf[65];
    if (pd_session_create(req->db, probe.user_id, token, csrf, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    pd_strlcpy(probe.ip, ip, sizeof probe.ip);
    pd_audit_write(req->db, &probe, "login", "session", probe.user_id, probe.scope_code, "", NULL);
    set_session_cookie(resp, token, PD_SESSION_SECONDS);
    return pd_resp_json(resp, 200, json_pack("{s:o, s:s}", "user", user_json(req->db, &probe, NULL),
                                             "csrf", csrf));
}

int pd_api_logout(pd_req *req, pd_resp *resp)
{
    pd_err err;
    pd_session_delete(req->db, req->session_token, &err);
    pd_audit_write(req->db, &req->actor, "logout", "session", req->actor.user_id,
                   req->actor.scope_code, "", NULL);
    set_session_cookie(resp, "", 0);
    return pd_resp_json(resp, 200, json_object());
}

int pd_api_me(pd_req *req, pd_resp *resp)
{
    return pd_resp_json(resp, 200, json_pack("{s:o, s:s}", "user",
                                             user_json(req->db, &req->actor, NULL), "csrf",
                                             req->csrf));
}

int pd_api_users_list(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_USERS_MANAGE))
        return pd_resp_error(resp, 403, "denied", "", "Chỉ quản trị viên được quản lý tài khoản");
    sqlite3_stmt *st = pd_db_prepare(req->db,
                                     "SELECT u.id, u.username, u.role, u.unit_code, n.name,"
                                     " u.display_name, u.disabled, u.created_at FROM users u"
                                     " LEFT JOIN units n ON n.code = u.unit_code ORDER BY u.id",
                                     NULL);
    if (!st)
        return pd_resp_error(resp, 500, "db", "", "Lỗi cơ sở dữ liệu");
    json_t *items = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(
            items, json_pack("{s:I, s:s, s:s, s:s?, s:s, s:s, s:b, s:o}", "id",
                             (json_int_t)sqlite3_column_int64(st, 0), "username", pd_col_text(st, 1),
                             "role", pd_col_text(st, 2), "unit_code",
                             sqlite3_column_text(st, 3) ? pd_col_text(st, 3) : NULL, "unit_name",
                             sqlite3_column_text(st, 4) ? pd_col_text(st, 4) : "Toàn quốc",
                             "display_name", pd_col_text(st, 5), "disabled",
                             sqlite3_column_int(st, 6), "created_at",
                             pd_json_time(sqlite3_column_int64(st, 7))));
    sqlite3_finalize(st);
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

int pd_api_users_create(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_USERS_MANAGE))
        return pd_resp_error(resp, 403, "denied", "", "Chỉ quản trị viên được quản lý tài khoản");
    json_t *body = pd_req_json(req, resp);
    char username[64], password[256], role[16], unit[16], name[128];
    if (!body || !pd_json_copy(body, "username", username, sizeof username, resp) ||
        !pd_json_copy(body, "password", password, sizeof password, resp) ||
        !pd_json_copy(body, "role", role, sizeof role, resp) ||
        !pd_json_copy(body, "unit_code", unit, sizeof unit, resp) ||
        !pd_json_copy(body, "display_name", name, sizeof name, resp))
        return 0;
    pd_err err;
    int64_t id;
    if (pd_user_add(req->db, username, role, unit, password, name, &id, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    pd_audit_write(req->db, &req->actor, "create", "user", id, unit, username, NULL);
    pd_actor created;
    if (pd_actor_load(req->db, id, &created, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 201, json_pack("{s:o}", "user", user_json(req->db, &created, name)));
}
