/* `phongdich venue list|add|poster`: the CLI front end of venues.h, acting as the CLI actor (a
 * country-wide admin). The poster is written as SVG, PNG or PDF after the output file's extension.
 */
#include "venues/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "store/db.h"
#include "venues/venues.h"

#define DEFAULT_BASE_URL "http://127.0.0.1:8080" /* the default address of `phongdich serve` */

static void usage(void)
{
    fprintf(
        stderr,
        "Cách dùng:\n"
        "  phongdich venue list   --db DB [--q TÊN] [--unit MÃ] [--kind LOẠI] [--json]\n"
        "  phongdich venue add    --db DB --name TÊN --kind LOẠI --unit MÃ_XÃ [--address ĐỊA_CHỈ]\n"
        "                         [--responsible TÊN] [--phone SỐ] [--stay PHÚT] [--json]\n"
        "  phongdich venue poster --db DB --venue ID --out TỆP.png|TỆP.svg|TỆP.pdf"
        " [--base-url URL]\n");
}

typedef struct list_out {
    json_t *items; /* --json; NULL: text */
    int64_t last_id;
} list_out;

static int print_venue(const pd_venue *v, void *ctx)
{
    list_out *o = ctx;
    json_t *items = o->items;
    o->last_id = v->id;
    const pd_venue_kind *k = pd_venue_kind_find(v->kind);
    if (items)
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id",
                                               (json_int_t)v->id, "name", v->name, "unit_code",
                                               v->unit_code, "kind", v->kind, "kind_label",
                                               k ? k->label : "", "public_code", v->public_code,
                                               "closed", v->closed_at != 0));
    else
        printf("%6lld  %-40s %-8s %-14s %s%s\n", (long long)v->id, v->name, v->unit_code, v->kind,
               v->public_code, v->closed_at ? "  (đã đóng)" : "");
    return 0;
}

static int venue_list(int argc, char **argv)
{
    static const char *const known[] = {"db=", "q=", "unit=", "kind=", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a))
        return 2;
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_venue_query q = {.limit = 500};
    snprintf(q.q, sizeof q.q, "%s", pd_arg(&a, "q") ? pd_arg(&a, "q") : "");
    snprintf(q.unit_code, sizeof q.unit_code, "%s", pd_arg(&a, "unit") ? pd_arg(&a, "unit") : "");
    snprintf(q.kind, sizeof q.kind, "%s", pd_arg(&a, "kind") ? pd_arg(&a, "kind") : "");
    json_t *items = pd_arg_flag(&a, "json") ? json_array() : NULL;
    list_out o = {items, 0};
    pd_actor cli = pd_actor_cli();
    pd_err err;
    bool more = false;
    int rc;
    do { /* every page */
        rc = pd_venues_list(db, &cli, &q, print_venue, &o, &more, &err);
        q.after_id = o.last_id;
    } while (rc == PD_OK && more);
    if (rc != PD_OK)
        fprintf(stderr, "%s\n", err.message);
    if (items) {
        json_t *doc = json_pack("{s:o}", "items", items);
        json_dumpf(doc, stdout, JSON_COMPACT);
        putchar('\n');
        json_decref(doc);
    }
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}

static void copy_arg(const pd_args *a, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s", pd_arg(a, name) ? pd_arg(a, name) : "");
}

static int venue_add(int argc, char **argv)
{
    static const char *const known[] = {"db=",          "name=",  "kind=", "unit=", "address=",
                                        "responsible=", "phone=", "stay=", "json",  NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a) || !pd_arg(&a, "name") || !pd_arg(&a, "kind") || !pd_arg(&a, "unit")) {
        usage();
        return 2;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_venue v;
    memset(&v, 0, sizeof v);
    copy_arg(&a, "name", v.name, sizeof v.name);
    copy_arg(&a, "kind", v.kind, sizeof v.kind);
    copy_arg(&a, "unit", v.unit_code, sizeof v.unit_code);
    copy_arg(&a, "address", v.address, sizeof v.address);
    copy_arg(&a, "responsible", v.responsible_name, sizeof v.responsible_name);
    copy_arg(&a, "phone", v.responsible_phone, sizeof v.responsible_phone);
    v.default_stay_minutes = pd_arg(&a, "stay") ? atoi(pd_arg(&a, "stay")) : 0;
    pd_actor cli = pd_actor_cli();
    pd_field_errors errs = {0};
    pd_err err;
    int rc = pd_venue_create(db, &cli, &v, &errs, &err);
    if (rc != PD_OK)
        for (int i = 0; i < (errs.count ? errs.count : 1); i++)
            fprintf(stderr, "%s\n", errs.count ? errs.items[i].message : err.message);
    else if (pd_arg_flag(&a, "json"))
        printf("{\"id\": %lld, \"public_code\": \"%s\"}\n", (long long)v.id, v.public_code);
    else
        printf("Đã thêm địa điểm %lld: %s (mã %s)\n", (long long)v.id, v.name, v.public_code);
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}

static const char *format_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return NULL;
    if (strcasecmp(dot, ".png") == 0)
        return "png";
    if (strcasecmp(dot, ".svg") == 0)
        return "svg";
    if (strcasecmp(dot, ".pdf") == 0)
        return "pdf";
    return NULL;
}

static int write_file(const char *path, const pd_buf *b)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->data, 1, b->len, f) != b->len) {
        fprintf(stderr, "Không ghi được tệp %s\n", path);
        if (f)
            fclose(f);
        return 1;
    }
    return fclose(f) == 0 ? 0 : 1;
}

static int make_poster(sqlite3 *db, int64_t id, const char *base, const char *format,
                       const char *out)
{
    pd_actor cli = pd_actor_cli();
    pd_venue v;
    pd_err err;
    pd_buf svg, file;
    pd_buf_init(&svg);
    pd_buf_init(&file);
    int rc = pd_venue_get(db, &cli, id, &v, &err);
    if (rc == PD_OK)
        rc = pd_venue_poster_svg(db, &v, base, &svg, &err);
    if (rc == PD_OK && strcmp(format, "svg") != 0)
        rc = pd_venue_poster_render(svg.data, svg.len, format, &file, &err);
    int status = 1;
    if (rc != PD_OK)
        fprintf(stderr, "%s\n", err.message);
    else
        status = write_file(out, strcmp(format, "svg") == 0 ? &svg : &file);
    pd_buf_free(&svg);
    pd_buf_free(&file);
    return status;
}

static int venue_poster(int argc, char **argv)
{
    static const char *const known[] = {"db=", "venue=", "out=", "base-url=", NULL};
    pd_args a = {argc, argv, known};
    const char *out = pd_arg(&a, "out");
    if (!pd_args_check(&a) || !pd_arg(&a, "venue") || !out) {
        usage();
        return 2;
    }
    const char *format = format_of(out);
    if (!format) {
        fprintf(stderr, "Tệp --out phải có đuôi .png, .svg hoặc .pdf\n");
        return 2;
    }
    const char *base = pd_arg(&a, "base-url") ? pd_arg(&a, "base-url") : DEFAULT_BASE_URL;
    if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0) {
        fprintf(stderr, "--base-url phải bắt đầu bằng http:// hoặc https://\n");
        return 2;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    int status = make_poster(db, atoll(pd_arg(&a, "venue")), base, format, out);
    pd_db_close(db);
    if (status == 0)
        printf("Đã ghi áp phích vào %s\n", out);
    return status;
}

int pd_cmd_venue(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "list") == 0)
        return venue_list(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "add") == 0)
        return venue_add(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "poster") == 0)
        return venue_poster(argc - 1, argv + 1);
    usage();
    return 2;
}
