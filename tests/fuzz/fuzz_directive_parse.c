/* libFuzzer target for the dispatch reader: any bytes go through pd_directive_parse (parse.h) and,
 * for every agency mention it reports, the offsets must lie inside the text; every result must be
 * an object with the contract's fields. Built and run by tests/fuzz/run.sh. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "directives/parse.h"

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_mentions(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    check(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';
    size_t len = strlen(text);
    json_t *arr = pd_directive_agency_mentions(text);
    size_t i;
    json_t *m;
    json_array_foreach(arr, i, m)
    {
        json_int_t s = json_integer_value(json_object_get(m, "start"));
        json_int_t e = json_integer_value(json_object_get(m, "end"));
        check(s >= 0 && s < e && (size_t)e <= len);
    }
    json_decref(arr);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pd_err err;
    json_t *o = pd_directive_parse((const char *)data, size, &err);
    if (o) {
        static const char *const keys[] = {"issuer",  "number",     "date",       "type",
                                           "subject", "recipients", "references", "items",
                                           "signer",  "unparsed"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            check(json_object_get(o, keys[k]) != NULL);
        char *dump = json_dumps(o, JSON_COMPACT);
        check(dump != NULL);
        free(dump);
        json_decref(o);
    } else {
        check(err.message[0] != '\0');
    }
    if (size < 4096)
        check_mentions(data, size);
    return 0;
}
