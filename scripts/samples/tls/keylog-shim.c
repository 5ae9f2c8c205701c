/*
 * An LD_PRELOAD shim that makes any OpenSSL 1.1.1+/3.x program write an NSS key log to $SSLKEYLOGFILE, as
 * curl, Firefox and `node --tls-keylog` do natively. nghttp, nghttpd and Python grpcio (Debian links it
 * against the system libssl) have no key log option; OpenSSL itself only offers the callback
 * (SSL_CTX_set_keylog_callback), so this wraps SSL_new and installs one on every context that has none.
 *
 *   gcc -shared -fPIC -O2 -o keylog-shim.so keylog-shim.c -lssl -ldl
 *   SSLKEYLOGFILE=keys.log LD_PRELOAD=./keylog-shim.so nghttp https://...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One write(2) per line with O_APPEND, so lines from several threads or processes never interleave. */
static void keylog_line(const SSL *ssl, const char *line) {
  (void)ssl;
  const char *path = getenv("SSLKEYLOGFILE");
  if (path == NULL) return;
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
  if (fd < 0) return;
  size_t n = strlen(line);
  char *buf = malloc(n + 1);
  if (buf != NULL) {
    memcpy(buf, line, n);
    buf[n] = '\n';
    if (write(fd, buf, n + 1) < 0) { /* nothing to do: a missing line shows up as undecryptable records */ }
    free(buf);
  }
  close(fd);
}

SSL *SSL_new(SSL_CTX *ctx) {
  static SSL *(*real_new)(SSL_CTX *) = NULL;
  if (real_new == NULL) real_new = (SSL * (*)(SSL_CTX *)) dlsym(RTLD_NEXT, "SSL_new");
  if (ctx != NULL && SSL_CTX_get_keylog_callback(ctx) == NULL) SSL_CTX_set_keylog_callback(ctx, keylog_line);
  return real_new(ctx);
}
