/* `phongdich directive import --db DB FILE [--json] [--dry-run]`: reads a dispatch (.md, .txt or
 * .docx), parses it (parse.h), saves it with its original text (directives.h; not with --dry-run)
 * and prints its structure: the JSON of parse.h with --json (plus "id" when saved), else a summary
 * in Vietnamese. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/auth.h"
#include "base/file.h"
#include "base/text.h"
#include "cli/cli.h"
#include "directives/cli.h"
#include "directives/directives.h"
#include "directives/parse.h"
#include "store/db.h"

static void usage(void)
{
    fprintf(stderr, "Cách dùng:\n"
                    "  phongdich directive import --db DB TỆP [--json] [--dry-run]\n"
                    "  TỆP: văn bản .md, .txt (UTF-8) hoặc .docx\n");
}

static bool is_docx(const char *path)
{
    size_t n = strlen(path);
    return n > 5 && strcasecmp(path + n - 5, ".docx") == 0;
}

static char *read_input(const char *path, size_t *len)
{
    pd_err err;
    if (is_docx(path)) {
        char *text = NULL;
        if (pd_directive_docx_text(path, &text, len, &err) != PD_OK) {
            fprintf(stderr, "%s\n", err.message);
            return NULL;
        }
        return text;
    }
    char *text = pd_file_read(path, len);
    if (!text)
        fprintf(stderr, "Không đọc được tệp %s\n", path);
    return text;
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "(trống)";
}

static void print_list(const char *title, json_t *arr)
{
    printf("%s (%zu):\n", title, json_array_size(arr));
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) printf("  - %s\n", json_string_value(v));
}

static void print_summary(json_t *o)
{
    printf("Loại: %s\nCơ quan ban hành: %s\nSố/ký hiệu: %s\nNgày: %s (%s)\nTrích yếu: %s\n",
           str(o, "type_name"), str(o, "issuer"), str(o, "number"), str(o, "date"),
           str(o, "date_text"), str(o, "subject"));
    print_list("Kính gửi", json_object_get(o, "recipients"));
    size_t i;
    json_t *v;
    printf("Văn bản dẫn chiếu (%zu):\n", json_array_size(json_object_get(o, "references")));
    json_array_foreach(json_object_get(o, "references"), i, v)
    {
        printf("  - %s %s ngày %s của %s (%s)\n", str(v, "type_name"), str(v, "number"),
               str(v, "date"), str(v, "issuer"),
               strcmp(str(v, "relation"), "implements") == 0 ? "thực hiện" : "dẫn chiếu");
    }
    printf("Nhiệm vụ (%zu mục):\n", json_array_size(json_object_get(o, "items")));
    json_array_foreach(json_object_get(o, "items"), i, v)
    {
        char head[100];
        pd_strlcpy(head, str(v, "text"), sizeof head);
        printf("  %s %s%s\n", str(v, "path"), head,
               strlen(head) < strlen(str(v, "text")) ? "…" : "");
        size_t k;
        json_t *a;
        json_array_foreach(json_object_get(v, "agencies"), k, a)
        {
            printf("      → %s\n", json_string_value(a));
        }
    }
    json_t *id = json_object_get(o, "id");
    if (id)
        printf("Đã lưu văn bản, mã số %lld.\n", (long long)json_integer_value(id));
    json_t *sg = json_object_get(o, "signer");
    printf("Người ký: %s, %s\n", str(sg, "name"), str(sg, "title"));
    size_t left = json_array_size(json_object_get(o, "unparsed"));
    if (left)
        printf("Chưa đọc được %zu dòng (xem --json, trường \"unparsed\")\n", left);
}

static int save(const pd_args *a, const char *text, size_t len, json_t *parsed)
{
    (void)len;
    sqlite3 *db = pd_cli_open_db(a, 0);
    if (!db)
        return 1;
    pd_actor cli = pd_actor_cli();
    pd_err err;
    int64_t id = 0;
    int rc = pd_directive_save(db, &cli, text, parsed, &id, &err);
    pd_db_close(db);
    if (rc != PD_OK) {
        fprintf(stderr, "Không lưu được văn bản: %s\n", err.message);
        return 1;
    }
    json_object_set_new(parsed, "id", json_integer(id));
    return 0;
}

int pd_directive_cli_import(int argc, char **argv)
{
    static const char *const known[] = {"db=", "json", "dry-run", NULL};
    pd_args a = {argc - 1, argv + 1, known};
    const char *path = pd_arg_positional(&a, 0);
    if (!pd_args_check(&a) || !path || (!pd_arg(&a, "db") && !pd_arg_flag(&a, "dry-run"))) {
        usage();
        return 2;
    }
    size_t len = 0;
    char *text = read_input(path, &len);
    if (!text)
        return 1;
    pd_err err;
    json_t *parsed = pd_directive_parse(text, len, &err);
    if (!parsed) {
        fprintf(stderr, "%s: %s\n", path, err.message);
        free(text);
        return 1;
    }
    int rc = pd_arg_flag(&a, "dry-run") ? 0 : save(&a, text, len, parsed);
    if (rc == 0) {
        if (pd_arg_flag(&a, "json")) {
            json_dumpf(parsed, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            putchar('\n');
        } else {
            print_summary(parsed);
        }
    }
    json_decref(parsed);
    free(text);
    return rc;
}
