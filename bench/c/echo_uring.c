// The C io_uring echo server through liburing: the limit a completion-model server can reach here.
// One thread; the ring is IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN (completion work
// runs only when this thread waits). A multishot accept takes connections; each connection has one
// multishot recv that picks buffers from a provided buffer ring; every received buffer is sent back
// as it is (no copy) and returns to the ring when its send completes. One send in flight per
// connection keeps the echo in order; buffers received meanwhile queue behind it.
//
//   echo_uring --port 27101 [--host 127.0.0.1] [--buf-size 32768] [--bufs 4096] [--entries 4096]
// Prints "ready: c io_uring on HOST:PORT" once it listens. Runs until killed.
#define _GNU_SOURCE
#include <errno.h>
#include <liburing.h>
#include <netinet/tcp.h>
#include <sys/mman.h>

#include "common.h"

#define BGID 7
#define KIND_ACCEPT 1u
#define KIND_RECV 2u
#define KIND_SEND 3u

struct conn {
  int fd;
  int recv_armed;     // a multishot recv is live
  int closing;        // the peer is gone: free when nothing is in flight
  int sending;        // a send is in flight
  int send_off;       // bytes of the head buffer already sent
  int head, tail;     // queue of buffer ids waiting to go back (linked through next_bid), -1 empty
  struct conn *starved_next;  // on the list of connections whose recv stopped for want of buffers
  int starved;
};

static struct io_uring ring;
static struct io_uring_buf_ring *br;
static char *buf_base;
static int buf_size = 32 * 1024;
static int nbufs = 4096;
static int *next_bid;
static int *bid_len;
static struct conn *starved_list;
static int listen_fd;

static inline unsigned long long tag(struct conn *c, unsigned kind) {
  return (unsigned long long)(uintptr_t)c | kind;
}

static struct io_uring_sqe *sqe_get(void) {
  struct io_uring_sqe *s = io_uring_get_sqe(&ring);
  while (s == NULL) {  // the submission queue is full: hand it to the kernel and retry
    io_uring_submit(&ring);
    s = io_uring_get_sqe(&ring);
  }
  return s;
}

static void arm_accept(void) {
  struct io_uring_sqe *s = sqe_get();
  io_uring_prep_multishot_accept(s, listen_fd, NULL, NULL, SOCK_CLOEXEC);
  io_uring_sqe_set_data64(s, KIND_ACCEPT);
}

static void arm_recv(struct conn *c) {
  struct io_uring_sqe *s = sqe_get();
  io_uring_prep_recv_multishot(s, c->fd, NULL, 0, 0);
  s->flags |= IOSQE_BUFFER_SELECT;
  s->buf_group = BGID;
  io_uring_sqe_set_data64(s, tag(c, KIND_RECV));
  c->recv_armed = 1;
}

static void send_head(struct conn *c) {
  int bid = c->head;
  struct io_uring_sqe *s = sqe_get();
  io_uring_prep_send(s, c->fd, buf_base + (size_t)bid * buf_size + c->send_off,
                     bid_len[bid] - c->send_off, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(s, tag(c, KIND_SEND));
  c->sending = 1;
}

static void recycle(int bid) {
  io_uring_buf_ring_add(br, buf_base + (size_t)bid * buf_size, buf_size, bid,
                        io_uring_buf_ring_mask(nbufs), 0);
  io_uring_buf_ring_advance(br, 1);
}

static void maybe_free(struct conn *c) {
  if (c->closing && !c->recv_armed && !c->sending && !c->starved) {
    while (c->head >= 0) {  // data that will never go back: its buffers return to the ring
      int bid = c->head;
      c->head = next_bid[bid];
      recycle(bid);
    }
    close(c->fd);
    free(c);
  }
}

// The connection is over: stop its recv; it is freed once nothing of it is in flight.
static void drop(struct conn *c) {
  c->closing = 1;
  if (c->recv_armed) {
    struct io_uring_sqe *s = sqe_get();
    io_uring_prep_cancel64(s, tag(c, KIND_RECV), 0);
    io_uring_sqe_set_data64(s, 0);
  }
  maybe_free(c);
}

static void rearm_starved(void) {
  while (starved_list != NULL) {
    struct conn *c = starved_list;
    starved_list = c->starved_next;
    c->starved = 0;
    if (c->closing) {
      maybe_free(c);
    } else {
      arm_recv(c);
    }
  }
}

static void on_recv(struct conn *c, struct io_uring_cqe *cqe) {
  if (!(cqe->flags & IORING_CQE_F_MORE)) c->recv_armed = 0;
  if (cqe->res > 0) {
    int bid = (int)(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
    bid_len[bid] = cqe->res;
    next_bid[bid] = -1;
    if (c->head < 0) {
      c->head = c->tail = bid;
      c->send_off = 0;
    } else {
      next_bid[c->tail] = bid;
      c->tail = bid;
    }
    if (!c->sending && !c->closing) send_head(c);
    if (!c->recv_armed && !c->closing) arm_recv(c);  // the kernel ended the multishot: renew it
    return;
  }
  if (cqe->res == -ENOBUFS) {  // every buffer is out: wait until sends give some back
    if (!c->recv_armed && !c->starved) {
      c->starved = 1;
      c->starved_next = starved_list;
      starved_list = c;
    }
    return;
  }
  drop(c);  // 0: the peer closed; another error: the connection is broken
}

static void on_send(struct conn *c, struct io_uring_cqe *cqe) {
  c->sending = 0;
  if (cqe->res < 0) {
    drop(c);
    return;
  }
  int bid = c->head;
  c->send_off += cqe->res;
  if (c->send_off >= bid_len[bid]) {
    c->head = next_bid[bid];
    c->send_off = 0;
    recycle(bid);
    if (starved_list != NULL) rearm_starved();
  }
  if (c->head >= 0 && !c->closing) send_head(c);
  maybe_free(c);
}

int main(int argc, char **argv) {
  const char *host = opt_str(argc, argv, "--host", "127.0.0.1");
  int port = opt_int(argc, argv, "--port", 25000);
  buf_size = opt_int(argc, argv, "--buf-size", buf_size);
  nbufs = opt_int(argc, argv, "--bufs", nbufs);
  int entries = opt_int(argc, argv, "--entries", 4096);
  if (nbufs <= 0 || (nbufs & (nbufs - 1)) != 0 || nbufs > 32768) {
    fprintf(stderr, "--bufs must be a power of two up to 32768\n");
    return 2;
  }
  listen_fd = listen_on(host, port);

  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE;
  p.cq_entries = entries * 4;
  int r = io_uring_queue_init_params(entries, &ring, &p);
  if (r < 0) {
    errno = -r;
    die("io_uring_queue_init_params");
  }

  size_t ring_bytes = (size_t)nbufs * sizeof(struct io_uring_buf);
  br = mmap(NULL, ring_bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  buf_base = mmap(NULL, (size_t)nbufs * buf_size, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (br == MAP_FAILED || buf_base == MAP_FAILED) die("mmap");
  next_bid = calloc(nbufs, sizeof *next_bid);
  bid_len = calloc(nbufs, sizeof *bid_len);
  io_uring_buf_ring_init(br);
  struct io_uring_buf_reg reg = {.ring_addr = (unsigned long)br, .ring_entries = nbufs, .bgid = BGID};
  r = io_uring_register_buf_ring(&ring, &reg, 0);
  if (r < 0) {
    errno = -r;
    die("io_uring_register_buf_ring");
  }
  for (int i = 0; i < nbufs; i++) {
    io_uring_buf_ring_add(br, buf_base + (size_t)i * buf_size, buf_size, i, io_uring_buf_ring_mask(nbufs), i);
  }
  io_uring_buf_ring_advance(br, nbufs);

  arm_accept();
  printf("ready: c io_uring on %s:%d\n", host, port);
  fflush(stdout);

  for (;;) {
    r = io_uring_submit_and_wait(&ring, 1);
    if (r < 0 && r != -EINTR && r != -EBUSY) {
      errno = -r;
      die("io_uring_submit_and_wait");
    }
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      seen++;
      unsigned long long d = cqe->user_data;
      unsigned kind = (unsigned)(d & 7u);
      struct conn *c = (struct conn *)(uintptr_t)(d & ~7ull);
      if (kind == KIND_ACCEPT) {
        if (cqe->res >= 0) {
          struct conn *nc = calloc(1, sizeof *nc);
          if (nc == NULL) die("calloc");
          nc->fd = cqe->res;
          nc->head = nc->tail = -1;
          int one = 1;
          setsockopt(nc->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          arm_recv(nc);
        } else if (cqe->res != -EINTR && cqe->res != -ECONNABORTED) {
          fprintf(stderr, "accept: %s\n", strerror(-cqe->res));
        }
        if (!(cqe->flags & IORING_CQE_F_MORE)) arm_accept();
      } else if (kind == KIND_RECV) {
        on_recv(c, cqe);
      } else if (kind == KIND_SEND) {
        on_send(c, cqe);
      }
    }
    io_uring_cq_advance(&ring, seen);
  }
}
