// The ceiling for the MQTT connectors: the same client library
// (libmosquitto, threaded loop) driven by a minimal loop, no Sluice.
//   mqtt_ceiling publish PORT TOPIC N [QOS] [INFLIGHT]
//       publishes N small JSON messages, at most INFLIGHT (100) unacknowledged,
//       and waits for every acknowledgement
//   mqtt_ceiling session PORT CLIENT_ID FILTER [QOS]
//       creates a persistent session subscribed to FILTER, then leaves (the
//       broker queues what is published for it)
//   mqtt_ceiling subscribe PORT CLIENT_ID FILTER N [QOS]
//       reads N messages (resuming the persistent session CLIENT_ID)
//   mqtt_ceiling free-port
//       prints a TCP port free on 127.0.0.1 (for the script's broker)
// Prints one line: what, records, seconds, records/s, CPU seconds per
// million records (user + system of this process, network thread included).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include <mosquitto.h>

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

struct counter {
  std::mutex m;
  std::condition_variable cv;
  long acked = 0, received = 0, subscribed = 0;
};

void report(const char* what, long n, double seconds, double cpu) {
  std::printf("%-34s %9ld records %7.2f s %10.0f records/s %7.2f CPU s per million\n", what, n,
              seconds, n / seconds, cpu / static_cast<double>(n) * 1e6);
}

mosquitto* connect(int port, const char* id, bool clean, counter& c) {
  mosquitto* m = mosquitto_new(id, clean, &c);
  mosquitto_publish_callback_set(m, [](mosquitto*, void* p, int) {
    auto& c = *static_cast<counter*>(p);
    std::lock_guard l(c.m);
    ++c.acked;
    c.cv.notify_all();
  });
  mosquitto_message_callback_set(m, [](mosquitto*, void* p, const mosquitto_message*) {
    auto& c = *static_cast<counter*>(p);
    std::lock_guard l(c.m);
    ++c.received;
    c.cv.notify_all();
  });
  mosquitto_subscribe_callback_set(m, [](mosquitto*, void* p, int, int, const int*) {
    auto& c = *static_cast<counter*>(p);
    std::lock_guard l(c.m);
    ++c.subscribed;
    c.cv.notify_all();
  });
  if (mosquitto_connect(m, "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS) {
    std::fprintf(stderr, "cannot connect to 127.0.0.1:%d\n", port);
    std::exit(1);
  }
  mosquitto_loop_start(m);
  return m;
}

void close(mosquitto* m) {
  mosquitto_disconnect(m);
  mosquitto_loop_stop(m, false);
  mosquitto_destroy(m);
}

} // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "free-port") {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0
        || getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      return 1;
    std::printf("%d\n", ntohs(a.sin_port));
    ::close(fd);
    return 0;
  }
  if (argc < 5) {
    std::fprintf(stderr, "usage: see the comment at the top of mqtt_ceiling.cpp\n");
    return 2;
  }
  mosquitto_lib_init();
  const std::string mode = argv[1];
  const int port = std::atoi(argv[2]);
  counter c;
  if (mode == "publish") {
    const std::string topic = argv[3];
    const long n = std::atol(argv[4]);
    const int qos = argc > 5 ? std::atoi(argv[5]) : 1;
    const long inflight = argc > 6 ? std::atol(argv[6]) : 100;
    mosquitto* m = connect(port, nullptr, true, c);
    const double cpu0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    char payload[64];
    for (long i = 0; i < n; ++i) {
      {
        std::unique_lock l(c.m);
        c.cv.wait(l, [&] { return i - c.acked < inflight; });
      }
      const int len = std::snprintf(payload, sizeof payload, "{\"n\": %ld}", i);
      mosquitto_publish(m, nullptr, topic.c_str(), len, payload, qos, false);
    }
    {
      std::unique_lock l(c.m);
      c.cv.wait(l, [&] { return c.acked >= n; });
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    report(qos ? "libmosquitto publish (QoS 1)" : "libmosquitto publish (QoS 0)", n, s,
           cpu_seconds() - cpu0);
    close(m);
  } else if (mode == "session" || mode == "subscribe") {
    const char* id = argv[3];
    const std::string filter = argv[4];
    const long n = mode == "subscribe" && argc > 5 ? std::atol(argv[5]) : 0;
    const int qos =
      argc > (mode == "subscribe" ? 6 : 5) ? std::atoi(argv[mode == "subscribe" ? 6 : 5]) : 1;
    const double cpu0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    mosquitto* m = connect(port, id, false, c);
    mosquitto_subscribe(m, nullptr, filter.c_str(), qos);
    std::unique_lock l(c.m);
    c.cv.wait(l, [&] { return c.subscribed > 0 && c.received >= n; });
    l.unlock();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (n > 0) report("libmosquitto subscribe (QoS 1)", n, s, cpu_seconds() - cpu0);
    close(m);
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  return 0;
}
