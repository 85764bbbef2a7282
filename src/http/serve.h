/* `phongdich serve`: the HTTP server (libmicrohttpd, epoll, a pool of worker threads, keep-alive). */
#ifndef PD_SERVE_H
#define PD_SERVE_H

int pd_cmd_serve(int argc, char **argv);

#endif
