/* The printable A4 QR poster of a venue: written as SVG (venue name and address, the Vietnamese
 * instructions, a large QR code of the check-in URL), then rendered to PNG or PDF with librsvg and
 * cairo. Text uses DejaVu Sans (Debian fonts-dejavu-core), which has every Vietnamese glyph. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "base/qr.h"
#include "people/unit_cache.h"
#include "venues/venues.h"

/* fontconfig (under librsvg's text layout, partly on pango's own thread) builds a process-wide font
 * cache on first use and never frees it; LeakSanitizer would report it at exit. Sanitized builds
 * tell LeakSanitizer to ignore leaks allocated inside those two libraries only. */
#if defined(__SANITIZE_ADDRESS__)
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\nleak:libpangoft2-1.0.so\n";
}
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}
#endif

#define PAGE_W 2100 /* user units: tenths of a millimetre */
#define PAGE_H 2970
#define QR_SIZE 1240
#define QR_TOP 900
#define GREEN "#0b6e4f"

void pd_venue_checkin_url(const char *base_url, const char *public_code, char *out, size_t cap)
{
    size_t n = strlen(base_url);
    while (n > 0 && base_url[n - 1] == '/')
        n--;
    snprintf(out, cap, "%.*s/#/c/%s", (int)n, base_url, public_code);
}

static void xml_text(pd_buf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            pd_buf_puts(out, "&amp;");
            break;
        case '<':
            pd_buf_puts(out, "&lt;");
            break;
        case '>':
            pd_buf_puts(out, "&gt;");
            break;
        case '"':
            pd_buf_puts(out, "&quot;");
            break;
        default:
            pd_buf_add(out, s, 1);
        }
    }
}

/* One <text> element; anchor "middle" centres it on x. */
static void text_at(pd_buf *out, double x, double y, int size, const char *weight, const char *fill,
                    const char *anchor, const char *s)
{
    pd_buf_printf(out,
                  "<text x=\"%g\" y=\"%g\" font-size=\"%d\" font-weight=\"%s\" fill=\"%s\""
                  " text-anchor=\"%s\">",
                  x, y, size, weight, fill, anchor);
    xml_text(out, s);
    pd_buf_puts(out, "</text>\n");
}

/* Bytes of the first n code points of s. */
static size_t prefix_bytes(const char *s, size_t n)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t at = 0;
    for (size_t i = 0; i < n && s[at]; i++) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + at, -1, &cp);
        at += k > 0 ? (size_t)k : 1;
    }
    return at;
}

/* Splits s into at most max_lines lines of at most width code points at spaces (a word longer than
 * a line is cut); an ellipsis ends the last line when text is left over. Returns the number of
 * lines. */
static int wrap(const char *s, size_t width, int max_lines, char lines[][256])
{
    int n = 0;
    while (*s == ' ')
        s++;
    while (*s && n < max_lines) {
        size_t take = prefix_bytes(s, width);
        if (s[take] && s[take] != ' ') { /* back up to the last space, if any */
            size_t cut = take;
            while (cut > 0 && s[cut] != ' ')
                cut--;
            if (cut > 0)
                take = cut;
        }
        if (take > 250)
            take = 250;
        memcpy(lines[n], s, take);
        lines[n][take] = '\0';
        s += take;
        while (*s == ' ')
            s++;
        n++;
    }
    if (*s && n > 0) {
        char *last = lines[n - 1];
        size_t len = strlen(last), keep = prefix_bytes(last, width > 1 ? width - 1 : 0);
        if (keep < len)
            last[keep] = '\0';
        strncat(last, "…", 255 - strlen(last));
    }
    return n;
}

static void header(pd_buf *out)
{
    pd_buf_printf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"300\" fill=\"" GREEN "\"/>\n",
                  PAGE_W);
    text_at(out, PAGE_W / 2.0, 120, 54, "normal", "#ffffff", "middle",
            "PHÒNG, CHỐNG DỊCH COVID-19");
    text_at(out, PAGE_W / 2.0, 235, 78, "bold", "#ffffff", "middle", "KHAI BÁO VÀO/RA BẰNG MÃ QR");
}

/* Name, kind and commune, address: at most 3 + 1 + 2 lines above the QR code. */
static void venue_block(sqlite3 *db, pd_buf *out, const pd_venue *v)
{
    char lines[3][256];
    int n = wrap(v->name, 26, 3, lines);
    double y = n == 3 ? 420 : 460;
    for (int i = 0; i < n; i++, y += 118)
        text_at(out, PAGE_W / 2.0, y, 100, "bold", "#111111", "middle", lines[i]);
    const pd_venue_kind *k = pd_venue_kind_find(v->kind);
    pd_unit_info u;
    char where[400];
    snprintf(where, sizeof where, "%s%s%s", k ? k->label : "",
             pd_unit_cache_get(db, v->unit_code, &u) ? " · " : "",
             pd_unit_cache_get(db, v->unit_code, &u) ? u.name : "");
    text_at(out, PAGE_W / 2.0, y - 10, 50, "normal", GREEN, "middle", where);
    n = wrap(v->address, 62, 2 - (y > 800), lines);
    for (int i = 0; i < n; i++)
        text_at(out, PAGE_W / 2.0, y + 62 + i * 62, 46, "normal", "#333333", "middle", lines[i]);
}

static int qr_block(pd_buf *out, const char *url, pd_err *err)
{
    pd_buf probe;
    pd_buf_init(&probe);
    double modules = 0;
    int rc = pd_qr_svg_path(url, 0, 0, 1, &probe, &modules, err); /* size in modules */
    pd_buf_free(&probe);
    if (rc != PD_OK)
        return rc;
    double x = (PAGE_W - QR_SIZE) / 2.0, size = 0;
    pd_buf_printf(out,
                  "<rect x=\"%g\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"30\" fill=\"#ffffff\""
                  " stroke=\"" GREEN "\" stroke-width=\"10\"/>\n",
                  x - 30, QR_TOP - 30, QR_SIZE + 60, QR_SIZE + 60);
    pd_buf_puts(out, "<g shape-rendering=\"crispEdges\">");
    rc = pd_qr_svg_path(url, x, QR_TOP, QR_SIZE / modules, out, &size, err);
    pd_buf_puts(out, "</g>\n");
    return rc;
}

static void instructions(pd_buf *out, const pd_venue *v, const char *url)
{
    double y = QR_TOP + QR_SIZE + 150;
    text_at(out, PAGE_W / 2.0, y, 86, "bold", GREEN, "middle", "Quét mã QR để khai báo khi vào/ra");
    static const char *const steps[] = {
        "1. Mở máy ảnh hoặc Zalo trên điện thoại, quét mã QR này.",
        "2. Bấm «Vào» khi đến và «Ra» khi rời đi. Không cần đăng nhập.",
        "3. Không có điện thoại thông minh: đưa mã QR cá nhân để nhân viên quét.",
    };
    for (int i = 0; i < 3; i++)
        text_at(out, 230, y + 110 + i * 72, 46, "normal", "#222222", "start", steps[i]);
    char line[640];
    snprintf(line, sizeof line, "Mã địa điểm: %s", v->public_code);
    text_at(out, PAGE_W / 2.0, PAGE_H - 200, 44, "bold", "#111111", "middle", line);
    snprintf(line, sizeof line, "Hoặc mở: %s", url);
    text_at(out, PAGE_W / 2.0, PAGE_H - 135, 36, "normal", "#333333", "middle", line);
    text_at(out, PAGE_W / 2.0, PAGE_H - 70, 32, "normal", "#555555", "middle",
            "Thông tin chỉ dùng cho công tác phòng, chống dịch.");
}

int pd_venue_poster_svg(sqlite3 *db, const pd_venue *v, const char *base_url, pd_buf *out,
                        pd_err *err)
{
    char url[512];
    pd_venue_checkin_url(base_url, v->public_code, url, sizeof url);
    pd_buf_printf(out,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210mm\" height=\"297mm\""
                  " viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Verdana, sans-serif\">\n"
                  "<title>",
                  PAGE_W, PAGE_H);
    xml_text(out, v->name);
    pd_buf_printf(out, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", PAGE_W,
                  PAGE_H);
    header(out);
    venue_block(db, out, v);
    int rc = qr_block(out, url, err);
    if (rc != PD_OK)
        return rc;
    instructions(out, v, url);
    pd_buf_puts(out, "</svg>\n");
    return PD_OK;
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int length)
{
    pd_buf_add(closure, (const char *)data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* Draws the SVG over the whole of a surface of w x h (white background). */
static int draw(RsvgHandle *h, cairo_surface_t *s, double w, double hgt, pd_err *err)
{
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    RsvgRectangle viewport = {0, 0, w, hgt};
    GError *gerr = NULL;
    gboolean ok = rsvg_handle_render_document(h, cr, &viewport, &gerr);
    cairo_destroy(cr);
    if (!ok) {
        pd_fail(err, PD_EIO, "poster", "Không vẽ được áp phích: %s",
                gerr ? gerr->message : "lỗi librsvg");
        if (gerr)
            g_error_free(gerr);
        return PD_EIO;
    }
    return PD_OK;
}

int pd_venue_poster_render(const char *svg, size_t len, const char *format, pd_buf *out,
                           pd_err *err)
{
    GError *gerr = NULL;
    RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, len, &gerr);
    if (!h) {
        pd_fail(err, PD_EIO, "poster", "SVG áp phích không hợp lệ: %s",
                gerr ? gerr->message : "lỗi librsvg");
        if (gerr)
            g_error_free(gerr);
        return PD_EIO;
    }
    int rc;
    cairo_surface_t *s;
    if (strcmp(format, "pdf") == 0) {
        s = cairo_pdf_surface_create_for_stream(write_buf, out, 595.2756, 841.8898); /* A4, pt */
        rc = draw(h, s, 595.2756, 841.8898, err);
        cairo_surface_finish(s);
    } else {
        s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1240, 1754); /* A4 at 150 dpi */
        rc = draw(h, s, 1240, 1754, err);
        if (rc == PD_OK &&
            cairo_surface_write_to_png_stream(s, write_buf, out) != CAIRO_STATUS_SUCCESS)
            rc = pd_fail(err, PD_EIO, "poster", "Không ghi được ảnh PNG");
    }
    if (rc == PD_OK && cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        rc = pd_fail(err, PD_EIO, "poster", "Lỗi cairo: %s",
                     cairo_status_to_string(cairo_surface_status(s)));
    cairo_surface_destroy(s);
    g_object_unref(h);
    return rc;
}
