// The ceiling for source.redis and sink.redis: the same client library
// (hiredis) driven by the smallest loop that does the same work, against
// the same server. Prints records/s and CPU seconds per million records of
// this process (the server's CPU is not counted, as for Sluice).
//   redis_ceiling --free-port      prints a free loopback port (for the script)
//   redis_ceiling PORT N           N entries (seq, ts, key, value, as
//                                  source.generator makes them): pipelined
//                                  XADD, 1000 per round trip, to
//                                  `ceiling:stream`; then XREADGROUP COUNT
//                                  1000 and XACK of each batch until all N
//                                  are read back.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0
      || ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    return -1;
  ::close(fd);
  return ntohs(a.sin_port);
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "redis_ceiling: %s\n", what.c_str());
  std::exit(1);
}

redisReply* get_reply(redisContext* c) {
  void* r = nullptr;
  if (redisGetReply(c, &r) != REDIS_OK || !r) die(std::string("lost the server: ") + c->errstr);
  auto* reply = static_cast<redisReply*>(r);
  if (reply->type == REDIS_REPLY_ERROR) die(reply->str);
  return reply;
}

void report(const char* label, long long n, double wall, double cpu) {
  std::printf("%-44s %10lld records  %7.2f s  %8.3f M records/s  cpu %6.2f s per M records\n",
              label, n, wall, n / wall / 1e6, cpu / (n / 1e6));
}

} // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--free-port") == 0) {
    std::printf("%d\n", free_port());
    return 0;
  }
  if (argc != 3) die("usage: redis_ceiling --free-port | redis_ceiling PORT N");
  const int port = std::atoi(argv[1]);
  const long long n = std::atoll(argv[2]);
  timeval tv{5, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (!c || c->err) die("cannot connect");
  redisSetTimeout(c, tv);
  freeReplyObject(redisCommand(c, "DEL ceiling:stream"));

  // XADD, pipelined: the values formatted as Sluice's sink formats them.
  auto t0 = std::chrono::steady_clock::now();
  double cpu0 = cpu_seconds();
  const long long base_us = 1767225600000000LL; // 2026-01-01
  std::string seq, ts, key, value;
  for (long long from = 0; from < n; from += 1000) {
    const long long to = std::min(n, from + 1000);
    for (long long i = from; i < to; ++i) {
      seq = std::to_string(i);
      const long long us = base_us + i * 1000;
      char buf[64];
      const std::time_t secs = static_cast<std::time_t>(us / 1000000);
      std::tm tm{};
      gmtime_r(&secs, &tm);
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900,
                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                    (us / 1000) % 1000);
      ts = buf;
      key = "k" + std::to_string(i % 10000);
      value = std::to_string((i % 1000) / 10.0);
      const char* args[] = {"XADD",       "ceiling:stream", "*",   "seq",       seq.c_str(),
                            "ts",         ts.c_str(),       "key", key.c_str(), "value",
                            value.c_str()};
      redisAppendCommandArgv(c, 11, args, nullptr);
    }
    for (long long i = from; i < to; ++i) freeReplyObject(get_reply(c));
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  report("ceiling: hiredis XADD, 1000 per round trip", n, wall, cpu_seconds() - cpu0);

  // XREADGROUP COUNT 1000, then XACK of what it read, as one round trip.
  freeReplyObject(redisCommand(c, "XGROUP CREATE ceiling:stream ceiling 0"));
  t0 = std::chrono::steady_clock::now();
  cpu0 = cpu_seconds();
  long long read = 0;
  std::vector<std::string> ids;
  std::vector<const char*> ack;
  double checksum = 0; // touch the values, as a reader would
  while (read < n) {
    ack = {"XACK", "ceiling:stream", "ceiling"};
    for (const auto& id : ids) ack.push_back(id.c_str());
    if (ids.size() > 0)
      redisAppendCommandArgv(c, static_cast<int>(ack.size()), ack.data(), nullptr);
    redisAppendCommand(c, "XREADGROUP GROUP ceiling c COUNT 1000 STREAMS ceiling:stream >");
    if (!ids.empty()) freeReplyObject(get_reply(c));
    redisReply* r = get_reply(c);
    ids.clear();
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
      const redisReply* entries = r->element[0]->element[1];
      for (std::size_t i = 0; i < entries->elements; ++i) {
        const redisReply* e = entries->element[i];
        ids.emplace_back(e->element[0]->str, e->element[0]->len);
        const redisReply* f = e->element[1];
        for (std::size_t j = 0; j + 1 < f->elements; j += 2)
          if (std::strcmp(f->element[j]->str, "value") == 0)
            checksum += std::strtod(f->element[j + 1]->str, nullptr);
      }
      read += static_cast<long long>(entries->elements);
    }
    freeReplyObject(r);
  }
  wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  report("ceiling: hiredis XREADGROUP COUNT 1000 + XACK", n, wall, cpu_seconds() - cpu0);
  freeReplyObject(redisCommand(c, "DEL ceiling:stream"));
  redisFree(c);
  return checksum < 0 ? 1 : 0;
}
