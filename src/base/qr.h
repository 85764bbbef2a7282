/* QR codes (libqrencode) as SVG: the personal QR of a declaration and the QR on a venue's poster.
 * A QR holds only an opaque token or a URL, never personal data. */
#ifndef PD_QR_H
#define PD_QR_H

#include "base/err.h"
#include "base/text.h"

/* Appends a standalone <svg> of text's QR code (error correction M, 4-module quiet zone) to out,
 * each module `module` user units wide. PD_EINVAL if the text is too long for a QR code. */
int pd_qr_svg(const char *text, int module, pd_buf *out, pd_err *err);

/* Appends only the <path> of the dark modules, placed at (x, y), for embedding in a larger SVG
 * (a poster); *size receives the code's width in user units, quiet zone included. */
int pd_qr_svg_path(const char *text, double x, double y, double module, pd_buf *out, double *size,
                   pd_err *err);

#endif
