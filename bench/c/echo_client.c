// The C load client of the echo matrix, a drop-in for zloop.bench.echo.EchoClient (same options,
// same TSV lines): uvloop's echo protocol on N connections, one thread, level-triggered epoll.
// Each connection sends a message of --size bytes (lower-case letters, the last byte '\n'), waits
// for the whole echo, checks it byte for byte against what it sent, and repeats.
//
//   echo_client --size 1024 --conns 8 --warmup 10 --duration 2.5 --rounds 3
//       --out results.tsv --run full --clk-tck 100 [--read-size 262144] [--check every|first] NAME:PORT:PID ...
//
// Per server: a correctness check (3 messages of random letters on one connection), a warm-up until
// the server has used --warmup seconds of CPU (or 5x --warmup of wall time has passed), then --rounds rounds that measure every server once for --duration seconds,
// round-robin, starting one server later each round. A measurement opens fresh connections, runs a
// 0.2 s unmeasured lead-in, counts echoes completed in the window, reads the server's and its own
// utime+stime from /proc/PID/stat, drains the requests in flight (3 s at most) and closes.
// --check every (the default) compares every echoed byte; --check first only the correctness check.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>

#include "common.h"

#define LEAD_IN_NS 200000000LL
#define STALL_NS 500000000LL
#define DRAIN_NS 3000000000LL

struct target {
  char name[128];
  int port;
  int pid;
};

struct conn {
  int fd;
  int written;    // bytes of the message written so far
  int received;   // bytes of the echo read so far
  int want_out;   // EPOLLOUT is in the interest set
  long long sent_at;
};

struct load {
  long long completed, reads, max_rtt, last_progress;
  int stalls, sending, busy;
  char error[200];
};

static int size, conns, read_size = 256 * 1024, check_every = 1;
static double clk_tck;
static const char *host;
static char *message;
static char *rbuf;

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void log_line(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

// {utime, stime} in clock ticks of a process, or {-1, -1} when it is gone.
static void cpu_ticks(int pid, long long out[2]) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, pid > 0 ? "/proc/%d/stat" : "/proc/self/stat", pid);
  out[0] = out[1] = -1;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return;
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (p == NULL) return;
  p += 2;  // field 3 (state)
  for (int field = 3; field < 14 && p; field++) {
    p = strchr(p, ' ');
    if (p) p++;
  }
  if (p == NULL) return;
  out[0] = strtoll(p, &p, 10);
  out[1] = strtoll(p, &p, 10);
}

static int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  inet_pton(AF_INET, host, &a.sin_addr);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Sends 3 messages of random letters on one connection and compares each echo; NULL when right.
static const char *verify(struct target *t, char *why, size_t why_len) {
  int fd = connect_to(t->port);
  if (fd < 0) {
    snprintf(why, why_len, "connect: %s", strerror(errno));
    return why;
  }
  fcntl(fd, F_SETFL, O_NONBLOCK);
  char *sent = malloc(size), *got = malloc(size);
  unsigned seed = (unsigned)size;
  const char *result = NULL;
  for (int m = 0; m < 3 && result == NULL; m++) {
    for (int j = 0; j < size - 1; j++) sent[j] = (char)('a' + rand_r(&seed) % 26);
    sent[size - 1] = '\n';
    int w = 0, r = 0;
    long long deadline = now_ns() + 10000000000LL;
    while (r < size) {  // write and read together: big messages would fill both buffers otherwise
      struct pollfd pf = {.fd = fd, .events = POLLIN | (w < size ? POLLOUT : 0)};
      if (poll(&pf, 1, 100) < 0 && errno != EINTR) {
        snprintf(why, why_len, "poll: %s", strerror(errno));
        result = why;
        break;
      }
      if (w < size && (pf.revents & POLLOUT)) {
        ssize_t n = write(fd, sent + w, size - w);
        if (n > 0) w += (int)n;
      }
      if (pf.revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = read(fd, got + r, size - r);
        if (n == 0 || (n < 0 && errno != EAGAIN)) {
          snprintf(why, why_len, "the server closed the connection after %d of %d bytes", r, size);
          result = why;
          break;
        }
        if (n > 0) r += (int)n;
      }
      if (now_ns() > deadline) {
        snprintf(why, why_len, "no whole echo within 10 s (%d of %d bytes)", r, size);
        result = why;
        break;
      }
    }
    if (result == NULL && memcmp(sent, got, size) != 0) {
      snprintf(why, why_len, "the echo differs from what was sent");
      result = why;
    }
  }
  free(sent);
  free(got);
  close(fd);
  return result;
}

static void set_out(int ep, struct conn *c, int want) {
  if (c->want_out != want) {
    c->want_out = want;
    struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
  }
}

static int send_msg(int ep, struct conn *c, long long now) {
  c->written = 0;
  c->received = 0;
  c->sent_at = now;
  ssize_t n = write(c->fd, message, size);
  if (n < 0) {
    if (errno != EAGAIN) return -1;
    n = 0;
  }
  c->written = (int)n;
  set_out(ep, c, c->written < size);
  return 0;
}

static void fail(struct load *l, const char *what) {
  if (l->error[0] == 0) snprintf(l->error, sizeof l->error, "%s", what);
}

static void on_event(int ep, struct load *l, struct conn *c, unsigned events) {
  if ((events & EPOLLOUT) && c->written < size) {
    ssize_t n = write(c->fd, message + c->written, size - c->written);
    if (n < 0 && errno != EAGAIN) {
      fail(l, strerror(errno));
      return;
    }
    if (n > 0) c->written += (int)n;
    if (c->written >= size) set_out(ep, c, 0);
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    ssize_t n = read(c->fd, rbuf, read_size);
    if (n < 0) {
      if (errno != EAGAIN) fail(l, strerror(errno));
      return;
    }
    if (n == 0) {
      fail(l, "the server closed a connection");
      return;
    }
    l->reads++;
    if (c->received + n > size) {
      fail(l, "echo longer than the message");
      return;
    }
    if (check_every && memcmp(rbuf, message + c->received, (size_t)n) != 0) {
      fail(l, "the echo differs from what was sent");
      return;
    }
    c->received += (int)n;
    if (c->received == size) {
      long long now = now_ns();
      l->completed++;
      long long rtt = now - c->sent_at;
      if (rtt > l->max_rtt) l->max_rtt = rtt;
      if (now - l->last_progress > STALL_NS) l->stalls++;
      l->last_progress = now;
      if (l->sending) {
        if (send_msg(ep, c, now) < 0) fail(l, strerror(errno));
      } else {
        l->busy--;
      }
    }
  }
}

static void pump(int ep, struct load *l, struct epoll_event *evs, int max, long long until) {
  while (l->error[0] == 0) {
    long long left = until - now_ns();
    if (left <= 0) return;
    int ms = (int)(left / 1000000);
    int n = epoll_wait(ep, evs, max, ms < 1 ? 1 : ms);
    for (int i = 0; i < n; i++) on_event(ep, l, evs[i].data.ptr, evs[i].events);
  }
}

struct result {
  long long requests, reads;
  double seconds, server_cpu, client_cpu, server_user, max_rtt_ms;
  int stalls;
  char status[256];
};

static void measure(struct target *t, double seconds, struct result *res) {
  memset(res, 0, sizeof *res);
  struct conn *cs = calloc(conns, sizeof *cs);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  int opened = 0;
  struct load l;
  memset(&l, 0, sizeof l);
  l.sending = 1;
  struct epoll_event *evs = calloc(conns, sizeof *evs);
  for (; opened < conns; opened++) {
    struct conn *c = &cs[opened];
    c->fd = connect_to(t->port);
    if (c->fd < 0) {
      snprintf(res->status, sizeof res->status, "error: connect: %s", strerror(errno));
      goto done;
    }
    fcntl(c->fd, F_SETFL, O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
  }
  long long now = now_ns();
  l.last_progress = now;
  for (int i = 0; i < conns; i++) {
    if (send_msg(ep, &cs[i], now) < 0) fail(&l, strerror(errno));
  }
  l.busy = conns;
  pump(ep, &l, evs, conns, now + LEAD_IN_NS);
  long long start_completed = l.completed, start_reads = l.reads;
  long long s0[2], c0[2], s1[2], c1[2];
  cpu_ticks(t->pid, s0);
  cpu_ticks(0, c0);
  long long start = now_ns();
  long long end = start + (long long)(seconds * 1e9);
  l.max_rtt = 0;
  l.stalls = 0;
  l.last_progress = start;
  pump(ep, &l, evs, conns, end);
  long long stop = now_ns();
  cpu_ticks(t->pid, s1);
  cpu_ticks(0, c1);
  res->requests = l.completed - start_completed;
  res->reads = l.reads - start_reads;
  if (stop - l.last_progress > STALL_NS) l.stalls++;
  l.sending = 0;
  long long drain_end = now_ns() + DRAIN_NS;
  while (l.busy > 0 && l.error[0] == 0 && now_ns() < drain_end) {
    int n = epoll_wait(ep, evs, conns, 50);
    for (int i = 0; i < n; i++) on_event(ep, &l, evs[i].data.ptr, evs[i].events);
  }
  if (l.error[0]) {
    snprintf(res->status, sizeof res->status, "error: %s", l.error);
  } else if (l.busy > 0) {
    snprintf(res->status, sizeof res->status, "stuck: %d requests unanswered %lld s after the window", l.busy,
             DRAIN_NS / 1000000000LL);
  } else if (s0[0] < 0 || s1[0] < 0) {
    snprintf(res->status, sizeof res->status, "server process gone");
  } else {
    snprintf(res->status, sizeof res->status, "ok");
  }
  res->seconds = (stop - start) / 1e9;
  res->server_cpu = (s1[0] + s1[1] - s0[0] - s0[1]) / clk_tck;
  res->client_cpu = (c1[0] + c1[1] - c0[0] - c0[1]) / clk_tck;
  res->server_user = (s1[0] - s0[0]) / clk_tck;
  res->max_rtt_ms = l.max_rtt / 1e6;
  res->stalls = l.stalls;
done:
  for (int i = 0; i < opened; i++) close(cs[i].fd);
  close(ep);
  free(cs);
  free(evs);
}

static void write_line(FILE *out, const char *run, struct target *t, const char *round, struct result *r) {
  for (char *p = r->status; *p; p++) {
    if (*p == '\t' || *p == '\n') *p = ' ';
  }
  fprintf(out, "%s\t%d\t%d\t%s\t%s\t%lld\t%.4f\t%.1f\t%.3f\t%.3f\t%.2f\t%d\t%s\t%.3f\t%lld\n", run, size,
          conns, t->name, round, r->requests, r->seconds, r->seconds > 0 ? r->requests / r->seconds : 0.0,
          r->server_cpu, r->client_cpu, r->max_rtt_ms, r->stalls, r->status, r->server_user, r->reads);
  fflush(out);
}

int main(int argc, char **argv) {
  size = opt_int(argc, argv, "--size", 1024);
  conns = opt_int(argc, argv, "--conns", 8);
  double warmup = opt_double(argc, argv, "--warmup", 10);
  double duration = opt_double(argc, argv, "--duration", 2.5);
  int rounds = opt_int(argc, argv, "--rounds", 3);
  const char *run = opt_str(argc, argv, "--run", "run");
  const char *out_path = opt_str(argc, argv, "--out", "echo-results.tsv");
  clk_tck = opt_double(argc, argv, "--clk-tck", 100);
  host = opt_str(argc, argv, "--host", "127.0.0.1");
  read_size = opt_int(argc, argv, "--read-size", read_size);
  check_every = strcmp(opt_str(argc, argv, "--check", "every"), "first") != 0;
  if (size < 1 || conns < 1 || read_size < 1) {
    fprintf(stderr, "--size, --conns and --read-size must be positive\n");
    return 2;
  }
  struct rlimit nofile;
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;  // 1,000 connections need more than the usual 1,024 fds
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  message = malloc(size);
  for (int j = 0; j < size - 1; j++) message[j] = (char)('a' + j % 26);
  message[size - 1] = '\n';
  rbuf = malloc(read_size);

  struct target *ts = calloc(argc, sizeof *ts);
  int nt = 0;
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "--", 2) == 0) {
      i++;
      continue;
    }
    struct target *t = &ts[nt];
    char *colon2 = strrchr(argv[i], ':');
    char *colon1 = colon2 ? memrchr(argv[i], ':', colon2 - argv[i]) : NULL;
    if (colon1 == NULL || (size_t)(colon1 - argv[i]) >= sizeof t->name) {
      fprintf(stderr, "a target is NAME:PORT:PID, not %s\n", argv[i]);
      return 2;
    }
    memcpy(t->name, argv[i], colon1 - argv[i]);
    t->port = atoi(colon1 + 1);
    t->pid = atoi(colon2 + 1);
    nt++;
  }
  if (nt == 0) {
    fprintf(stderr, "no targets (NAME:PORT:PID ...)\n");
    return 2;
  }
  FILE *out = fopen(out_path, "a");
  if (out == NULL) die(out_path);
  fseek(out, 0, SEEK_END);
  if (ftell(out) == 0) {
    fprintf(out, "run\tsize\tconns\tserver\tround\trequests\tseconds\treq_per_s\tserver_cpu_s\tclient_cpu_s"
                 "\tmax_rtt_ms\tstalls\tstatus\tserver_user_s\tclient_reads\n");
  }
  struct target **live = calloc(nt, sizeof *live);
  int nl = 0;
  struct result r;
  for (int i = 0; i < nt; i++) {
    char why[200];
    const char *problem = verify(&ts[i], why, sizeof why);
    if (problem == NULL) {
      live[nl++] = &ts[i];
    } else {
      log_line("%-24s FAILED the correctness check: %s", ts[i].name, problem);
      memset(&r, 0, sizeof r);
      snprintf(r.status, sizeof r.status, "check-failed: %s", problem);
      write_line(out, run, &ts[i], "check", &r);
    }
  }
  for (int i = 0; i < nl; i++) {
    // The JIT needs CPU time, not wall time: on a busy host a server gets a fraction of its core,
    // so the warm-up lasts until the server has used --warmup seconds of CPU (at most 5x as long).
    double cpu = 0, wall = 0;
    while (cpu < warmup && wall < 5 * warmup) {
      double chunk = warmup - cpu < 1 ? warmup - cpu : 1;
      measure(live[i], chunk < 0.2 ? 0.2 : chunk, &r);
      cpu += r.server_cpu;
      wall += r.seconds + 0.2;
      write_line(out, run, live[i], "warmup", &r);
      if (strcmp(r.status, "ok") != 0) break;
    }
    log_line("%-24s warm-up %5.1f s (%4.1f s of server CPU): %10.0f req/s  %s", live[i]->name, wall, cpu,
             r.seconds > 0 ? r.requests / r.seconds : 0.0, r.status);
  }
  for (int round = 0; round < rounds; round++) {
    for (int i = 0; i < nl; i++) {
      struct target *t = live[(i + round) % nl];
      measure(t, duration, &r);
      double q = (double)(r.requests > 0 ? r.requests : 1);
      log_line("%-24s round %d: %10.0f req/s  server %5.1f us/req (%4.1f user, %3.0f%% cpu)  client %3.0f%% cpu"
               "  %.1f reads/req  max rtt %6.1f ms%s%s%s",
               t->name, round + 1, r.seconds > 0 ? r.requests / r.seconds : 0.0, r.server_cpu * 1e6 / q,
               r.server_user * 1e6 / q, r.seconds > 0 ? 100 * r.server_cpu / r.seconds : 0.0,
               r.seconds > 0 ? 100 * r.client_cpu / r.seconds : 0.0, r.reads / q, r.max_rtt_ms,
               r.stalls > 0 ? "  STALLS" : "", strcmp(r.status, "ok") ? "  " : "",
               strcmp(r.status, "ok") ? r.status : "");
      char rn[16];
      snprintf(rn, sizeof rn, "%d", round + 1);
      write_line(out, run, t, rn, &r);
    }
  }
  fclose(out);
  return 0;
}
