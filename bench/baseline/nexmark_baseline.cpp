// The hand-written NEXMark baseline: one plain single-threaded loop per
// query over the same generator as `source.nexmark` (no actors, no batches),
// producing the same results as bench/nexmark/qN.json.
//   nexmark_baseline --query qN [--events N] [--seed S] [--out FILE]
// Without --out, results are only counted. Prints one JSON object with the
// query, events, wall_s, cpu_s, peak_rss_mb and result count on stdout.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include "queries.hpp"

using namespace nexmark_baseline;

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

} // namespace

int main(int argc, char** argv) {
  std::string query, out_path;
  std::uint64_t events = 10000000;
  nx::config cfg;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--query") query = argv[i + 1];
    else if (a == "--events") events = std::stoull(argv[i + 1]);
    else if (a == "--seed") cfg.seed = std::stoull(argv[i + 1]);
    else if (a == "--out") out_path = argv[i + 1];
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  const std::map<std::string, std::function<void(run_state&, json_lines&)>> queries = {
    {"q0", q0}, {"q1", q1}, {"q2", q2}, {"q3", q3},   {"q4", q4},
    {"q5", q5}, {"q7", q7}, {"q8", q8}, {"q11", q11}, {"q12", q12}};
  auto q = queries.find(query);
  if (q == queries.end()) {
    std::fprintf(stderr,
                 "usage: nexmark_baseline --query q0|q1|q2|q3|q4|q5|q7|q8|q11|q12 [--events N] "
                 "[--seed S] [--out FILE]\n");
    return 2;
  }
  std::FILE* file = nullptr;
  if (!out_path.empty() && !(file = std::fopen(out_path.c_str(), "w"))) {
    std::perror(out_path.c_str());
    return 1;
  }
  double cpu0 = cpu_seconds();
  auto t0 = std::chrono::steady_clock::now();
  std::uint64_t results;
  {
    run_state st(cfg, events);
    json_lines out(file);
    q->second(st, out);
    out.flush();
    results = out.records();
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = cpu_seconds() - cpu0;
  if (file) std::fclose(file);
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  std::printf("{\"query\":\"%s\",\"system\":\"baseline\",\"events\":%llu,\"wall_s\":%.3f,"
              "\"cpu_s\":%.3f,\"peak_rss_mb\":%.1f,\"results\":%llu}\n",
              query.c_str(), static_cast<unsigned long long>(events), wall, cpu,
              static_cast<double>(u.ru_maxrss) / 1e3, static_cast<unsigned long long>(results));
  return 0;
}
