/* QR code to SVG: libqrencode computes the modules; each dark run of a row becomes one path segment,
 * which keeps the SVG small enough to send with every declaration. */
#include "base/qr.h"

#include <qrencode.h>
#include <string.h>

#define QUIET_ZONE 4

static QRcode *encode(const char *text, pd_err *err)
{
    QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (!qr)
        pd_fail(err, PD_EINVAL, "qr", "Nội dung quá dài để tạo mã QR");
    return qr;
}

/* One "M x y h w v 1 h -w z" rectangle per horizontal run of dark modules. */
static void append_runs(const QRcode *qr, double x0, double y0, double m, pd_buf *out)
{
    for (int y = 0; y < qr->width; y++) {
        const unsigned char *row = qr->data + (size_t)y * (size_t)qr->width;
        for (int x = 0; x < qr->width;) {
            if (!(row[x] & 1)) {
                x++;
                continue;
            }
            int start = x;
            while (x < qr->width && (row[x] & 1))
                x++;
            pd_buf_printf(out, "M%g %gh%gv%gh%gz", x0 + (start + QUIET_ZONE) * m,
                          y0 + (y + QUIET_ZONE) * m, (x - start) * m, m, -(x - start) * m);
        }
    }
}

int pd_qr_svg_path(const char *text, double x, double y, double module, pd_buf *out, double *size,
                   pd_err *err)
{
    QRcode *qr = encode(text, err);
    if (!qr)
        return PD_EINVAL;
    *size = (qr->width + 2 * QUIET_ZONE) * module;
    pd_buf_printf(out, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"#fff\"/>", x, y,
                  *size, *size);
    pd_buf_puts(out, "<path fill=\"#000\" d=\"");
    append_runs(qr, x, y, module, out);
    pd_buf_puts(out, "\"/>");
    QRcode_free(qr);
    return PD_OK;
}

int pd_qr_svg(const char *text, int module, pd_buf *out, pd_err *err)
{
    pd_buf body;
    pd_buf_init(&body);
    double size = 0;
    int rc = pd_qr_svg_path(text, 0, 0, module, &body, &size, err);
    if (rc == PD_OK)
        pd_buf_printf(out,
                      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %g %g\" width=\"%g\""
                      " height=\"%g\" shape-rendering=\"crispEdges\">%s</svg>",
                      size, size, size, size, body.data ? body.data : "");
    pd_buf_free(&body);
    return rc;
}
