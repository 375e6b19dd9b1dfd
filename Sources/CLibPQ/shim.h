#ifndef STORETOP_CLIBPQ_SHIM_H
#define STORETOP_CLIBPQ_SHIM_H
#include <postgresql/libpq-fe.h>
#include <poll.h>

/// Waits until the connection's socket is readable or `timeout_ms` passes.
/// Returns >0 when readable, 0 on timeout, <0 on error (errno set).
static inline int storetop_pq_wait_readable(PGconn *conn, int timeout_ms) {
    struct pollfd pfd;
    pfd.fd = PQsocket(conn);
    if (pfd.fd < 0) return -1;
    pfd.events = POLLIN;
    pfd.revents = 0;
    return poll(&pfd, 1, timeout_ms);
}
#endif
