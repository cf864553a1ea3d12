// The HTTP connectors' benchmark helper and their ceiling: cpp-httplib (the
// library source.http and sink.http use) driven by minimal loops.
//   http_ceiling loop N            client -> server in this process: N records
//                                  POSTed as 1000-record JSON arrays to a
//                                  server that only counts them (the ceiling)
//   http_ceiling post PORT PATH N  a client posting N records, 1000 per JSON
//                                  array, to a source.http (retrying 429s),
//                                  until its health check shows none pending
//   http_ceiling serve PORT_FILE N a server counting the records of the JSON
//                                  arrays POSTed to it; exits after N
// Each prints one line: records, wall seconds, records/s and the CPU
// seconds of this process (per million records).

#include <httplib.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

namespace {

constexpr int per_request = 1000;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void report(const char* what, long long records, double wall, double cpu) {
  std::printf("%-34s %10lld records %7.2f s %10.0f records/s  cpu %.2f s (%.2f s per M)\n", what,
              records, wall, static_cast<double>(records) / wall, cpu,
              cpu / (static_cast<double>(records) / 1e6));
}

/// 1000 records like {"seq":N,"key":"k7","value":0.5}: one body, sent again and again.
std::string array_body() {
  std::string body = "[";
  for (int i = 0; i < per_request; ++i) {
    if (i) body += ',';
    body += "{\"seq\":" + std::to_string(i) + ",\"key\":\"k" + std::to_string(i % 100)
            + "\",\"value\":0.5}";
  }
  return body + "]";
}

/// Records in a JSON array body: top-level commas + 1 (what a minimal
/// receiver would do; the bodies hold no strings with commas).
long long count_records(const std::string& body) {
  if (body.size() < 3) return 0;
  long long n = 1;
  int depth = 0;
  for (char c : body) {
    if (c == '{' || c == '[') ++depth;
    else if (c == '}' || c == ']') --depth;
    else if (c == ',' && depth == 1) ++n;
  }
  return n;
}

long long post_all(httplib::Client& client, const std::string& path, long long n) {
  const std::string body = array_body();
  long long sent = 0;
  while (sent < n) {
    auto res = client.Post(path.c_str(), body, "application/json");
    if (!res) {
      std::fprintf(stderr, "post: %s\n", httplib::to_string(res.error()).c_str());
      std::exit(1);
    }
    if (res->status == 429) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50)); // faster than Retry-After:
      continue; // the ceiling of the source is what it takes in, not how long clients wait
    }
    if (res->status != 200) {
      std::fprintf(stderr, "post: status %d: %s\n", res->status, res->body.c_str());
      std::exit(1);
    }
    sent += per_request;
  }
  return sent;
}

} // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "loop" && argc == 3) {
    const long long n = std::atoll(argv[2]);
    httplib::Server server;
    std::atomic<long long> got{0};
    server.Post("/in", [&](const httplib::Request& req, httplib::Response& res) {
      got += count_records(req.body);
      res.set_content("{}", "application/json");
    });
    server.set_tcp_nodelay(true);
    const int port = server.bind_to_any_port("127.0.0.1");
    std::thread t([&] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    const double cpu0 = cpu_seconds(), t0 = now_s();
    post_all(client, "/in", n);
    const double wall = now_s() - t0, cpu = cpu_seconds() - cpu0;
    server.stop();
    t.join();
    report("ceiling: httplib client -> server", got.load(), wall, cpu);
    return 0;
  }
  if (mode == "post" && argc == 5) {
    httplib::Client client("127.0.0.1", std::atoi(argv[2]));
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    client.set_read_timeout(std::chrono::seconds(30));
    const double cpu0 = cpu_seconds(), t0 = now_s();
    const long long sent = post_all(client, argv[3], std::atoll(argv[4]));
    // Accepted is not yet taken: wait until the source's queue is empty.
    for (;;) {
      auto health = client.Get(argv[3]);
      if (health && health->body.find("\"pending\":0,") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    report("client posting (its own cost)", sent, now_s() - t0, cpu_seconds() - cpu0);
    return 0;
  }
  if (mode == "serve" && argc == 4) {
    const long long n = std::atoll(argv[3]);
    httplib::Server server;
    std::atomic<long long> got{0};
    double t0 = 0;
    std::atomic<bool> started{false};
    server.Post(".*", [&](const httplib::Request& req, httplib::Response& res) {
      if (!started.exchange(true)) t0 = now_s();
      if ((got += count_records(req.body)) >= n) server.stop();
      res.set_content("{}", "application/json");
    });
    server.set_tcp_nodelay(true);
    const int port = server.bind_to_any_port("127.0.0.1");
    {
      std::ofstream f(std::string(argv[2]) + ".tmp");
      f << port << "\n";
    }
    std::rename((std::string(argv[2]) + ".tmp").c_str(), argv[2]);
    const double cpu0 = cpu_seconds();
    server.listen_after_bind();
    report("server receiving (its own cost)", got.load(), now_s() - t0, cpu_seconds() - cpu0);
    return 0;
  }
  std::fprintf(stderr, "usage: http_ceiling loop N | post PORT PATH N | serve PORT_FILE N\n");
  return 2;
}
