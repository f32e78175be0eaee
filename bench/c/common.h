// What the C echo servers and client share: options, dying loudly, a listening socket.
#ifndef ZLOOP_BENCH_COMMON_H
#define ZLOOP_BENCH_COMMON_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static inline void die(const char *what) {
  perror(what);
  exit(1);
}

static inline const char *opt_str(int argc, char **argv, const char *name, const char *fallback) {
  for (int i = 1; i + 1 < argc; i++) {
    if (strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

static inline int opt_int(int argc, char **argv, const char *name, int fallback) {
  const char *v = opt_str(argc, argv, name, NULL);
  return v == NULL ? fallback : atoi(v);
}

static inline double opt_double(int argc, char **argv, const char *name, double fallback) {
  const char *v = opt_str(argc, argv, name, NULL);
  return v == NULL ? fallback : atof(v);
}

// A listening TCP socket (IPv4 literal address), backlog 4096, SO_REUSEADDR.
static inline int listen_on(const char *host, int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
    fprintf(stderr, "not an IPv4 address: %s\n", host);
    exit(2);
  }
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
  if (listen(fd, 4096) < 0) die("listen");
  return fd;
}

#endif
