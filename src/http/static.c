/* The web UI's files: from the copy embedded in the binary, or from a folder (serve --web DIR). */
#include "http/static.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/assets.h"
#include "base/file.h"
#include "base/text.h"
#include "demo/demo.h"
#include "store/db.h"

static const char *mime_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {{".html", "text/html; charset=utf-8"},
                 {".js", "text/javascript; charset=utf-8"},
                 {".css", "text/css; charset=utf-8"},
                 {".svg", "image/svg+xml"},
                 {".png", "image/png"},
                 {".ico", "image/x-icon"},
                 {".json", "application/json"},
                 {".webmanifest", "application/manifest+json"},
                 {".csv", "text/csv; charset=utf-8"}};
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

void pd_static_serve(const char *web_dir, const char *method, const char *path, pd_resp *resp)
{
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        pd_resp_error(resp, 405, "method_not_allowed", "", "Phương thức không được hỗ trợ");
        return;
    }
    if (strcmp(path, "/") == 0)
        path = "/index.html";
    if (strstr(path, "..") || strlen(path) > 200) {
        pd_resp_error(resp, 404, "not_found", "", "Không có trang này");
        return;
    }
    resp->status = 200;
    pd_strlcpy(resp->content_type, mime_type(path), sizeof resp->content_type);
    pd_resp_header(resp, "Cache-Control", "no-cache");
    if (web_dir) {
        size_t len;
        char full[1024];
        snprintf(full, sizeof full, "%s%s", web_dir, path);
        char *data = pd_file_read(full, &len);
        if (data) {
            resp->raw = data;
            resp->raw_len = len;
            return;
        }
    } else {
        const pd_asset *a = pd_asset_find(pd_web_assets, path);
        if (a) {
            resp->static_data = a->data;
            resp->static_len = a->size;
            return;
        }
    }
    resp->content_type[0] = '\0';
    resp->nheaders = 0;
    pd_resp_error(resp, 404, "not_found", "", "Không có trang này");
}

void pd_static_print_demo_accounts(const char *db_path)
{
    pd_err err;
    sqlite3 *db = pd_db_open_existing(db_path, &err);
    if (!db)
        return;
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "SELECT u.username, u.role, coalesce(n.name, 'Toàn quốc')"
                                     " FROM users u LEFT JOIN units n ON n.code = u.unit_code"
                                     " ORDER BY u.id",
                                     NULL);
    printf("Tài khoản mẫu (chỉ để thử, không dùng cho dữ liệu thật):\n");
    char password[64];
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        pd_demo_password(pd_col_text(st, 0), password, sizeof password);
        printf("  %-10s %-18s %-9s %s\n", pd_col_text(st, 0), password, pd_col_text(st, 1),
               pd_col_text(st, 2));
    }
    sqlite3_finalize(st);
    pd_db_close(db);
}
