// The C epoll echo server: the limit an epoll-model server can reach on this host.
// One thread, level-triggered epoll, non-blocking sockets, one read buffer for every connection
// (it stays in the cache; a buffer per connection would spread 1,000 connections' echoes over
// 1,000 buffers). Each readiness event is one read() and one write() of what it read; a short write
// copies the rest aside and switches the connection to EPOLLOUT until it is gone (no reads
// meanwhile: the client waits for its echo).
//
//   echo_epoll --port 27100 [--host 127.0.0.1] [--buffer 262144]   (the shared read buffer)
// Prints "ready: c epoll on HOST:PORT" once it listens. Runs until killed.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

struct conn {
  int fd;
  int pending_off;  // bytes of pending[0, pending_len) already written back after a short write
  int pending_len;
  char *pending;    // what a short write left, or NULL
};

static char *rbuf;

static int buffer_size = 256 * 1024;

static void close_conn(int ep, struct conn *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c->pending);
  free(c);
}

// Writes buf[off, len); returns 1 when all is written, 0 when the socket is full, -1 on error.
static int flush(struct conn *c) {
  while (c->pending_off < c->pending_len) {
    ssize_t n = write(c->fd, c->pending + c->pending_off, c->pending_len - c->pending_off);
    if (n < 0) {
      if (errno == EAGAIN) return 0;
      if (errno == EINTR) continue;
      return -1;
    }
    c->pending_off += (int)n;
  }
  return 1;
}

int main(int argc, char **argv) {
  const char *host = opt_str(argc, argv, "--host", "127.0.0.1");
  int port = opt_int(argc, argv, "--port", 25000);
  buffer_size = opt_int(argc, argv, "--buffer", buffer_size);
  rbuf = malloc(buffer_size);
  if (rbuf == NULL) die("malloc");
  int lfd = listen_on(host, port);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) die("epoll_create1");
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0) die("epoll_ctl listen");
  printf("ready: c epoll on %s:%d\n", host, port);
  fflush(stdout);

  struct epoll_event events[512];
  for (;;) {
    int n = epoll_wait(ep, events, 512, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < n; i++) {
      struct conn *c = events[i].data.ptr;
      if (c == NULL) {  // the listener: take every waiting connection
        for (;;) {
          int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (fd < 0) {
            if (errno == EAGAIN || errno == ECONNABORTED || errno == EINTR) break;
            if (errno == EMFILE || errno == ENFILE) { perror("accept4"); break; }
            die("accept4");
          }
          int one = 1;
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct conn *nc = calloc(1, sizeof *nc);
          if (nc == NULL) die("calloc");
          nc->fd = fd;
          struct epoll_event cev = {.events = EPOLLIN, .data.ptr = nc};
          if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev) < 0) die("epoll_ctl add");
        }
        continue;
      }
      if (c->pending_len > 0) {  // EPOLLOUT: the rest of a short write
        int r = flush(c);
        if (r < 0) { close_conn(ep, c); continue; }
        if (r == 0) continue;
        c->pending_len = c->pending_off = 0;
        free(c->pending);
        c->pending = NULL;
        struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &cev);
        continue;
      }
      ssize_t got = read(c->fd, rbuf, buffer_size);
      if (got <= 0) {
        if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        close_conn(ep, c);
        continue;
      }
      ssize_t put = 0;
      while (put < got) {
        ssize_t n = write(c->fd, rbuf + put, got - put);
        if (n < 0) {
          if (errno == EINTR) continue;
          break;
        }
        put += n;
      }
      if (put < got && errno != EAGAIN) { close_conn(ep, c); continue; }
      if (put < got) {  // the socket is full: keep the rest until it drains
        c->pending = malloc(got - put);
        if (c->pending == NULL) die("malloc");
        memcpy(c->pending, rbuf + put, got - put);
        c->pending_off = 0;
        c->pending_len = (int)(got - put);
        struct epoll_event cev = {.events = EPOLLOUT, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &cev);
      }
    }
  }
}
