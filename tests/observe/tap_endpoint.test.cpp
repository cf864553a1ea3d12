// GET /api/tap on a real run served by metrics_server, read over loopback
// as a Server-Sent Events stream. No timing asserts: every wait is bounded
// by a generous timeout and ends as soon as the condition holds.

#include <catch2/catch.hpp>

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include "observe_helpers.hpp"
#include "sluice/exec/pipeline_run.hpp"
#include "sluice/observe/metrics_client.hpp"
#include "sluice/observe/metrics_server.hpp"
#include "sluice/observe/sse_parser.hpp"
#include "sluice/observe/tap_stream.hpp"

using namespace sluice;
using namespace std::chrono_literals;

namespace {

std::string tapped_json(std::int64_t count) {
  return R"J({"schemaVersion": 1, "name": "tapped",
    "nodes": [
      {"id": "gen", "kind": "source.generator",
       "params": {"count": )J"
         + std::to_string(count) + R"J(, "rate": 20000, "keys": 10}},
      {"id": "thirds", "kind": "transform.filter", "params": {"where": "seq % 3 = 0"}},
      {"id": "out", "kind": "sink.null"}],
    "edges": [{"from": "gen", "to": "thirds"}, {"from": "thirds", "to": "out"}]})J";
}

/// A run with its endpoint, taps included.
struct served {
  std::unique_ptr<exec::pipeline_run> run;
  std::unique_ptr<observe::metrics_server> server;

  explicit served(std::int64_t count = 0, observe::server_options options = {}) {
    run = std::make_unique<exec::pipeline_run>(test::checked(tapped_json(count)));
    auto* r = run.get();
    observe::run_source source;
    source.snapshot = [r] { return r->snapshot(); };
    source.health = [r] {
      return observe::run_health{r->status() == exec::run_status::running ? "running" : "ended",
                                 r->failure()};
    };
    source.tap = [r](const observe::tap_request& t) {
      return r->open_tap(t.from, t.to, t.options);
    };
    options.tap_every = 50ms;
    server = std::make_unique<observe::metrics_server>(run->pipeline(), source, options);
  }
  ~served() {
    if (server) server->stop();
    if (run) run->abort();
  }
};

/// The events of one GET, until `enough` says so (or 30 s pass).
struct events {
  int status = 0;
  std::string body;
  std::vector<observe::sse_message> got;
};

events read_events(int port, const std::string& path,
                   std::function<bool(const std::vector<observe::sse_message>&)> enough) {
  events out;
  httplib::Client http("127.0.0.1", port);
  http.set_read_timeout(30, 0);
  observe::sse_parser parser;
  auto until = std::chrono::steady_clock::now() + 30s;
  http.Get(
    path,
    [&](const httplib::Response& r) {
      out.status = r.status;
      return true;
    },
    [&](const char* data, std::size_t n) {
      if (out.status != 200) {
        out.body.append(data, n);
        return true;
      }
      return parser.feed({data, n}, [&](const observe::sse_message& m) {
        out.got.push_back(m);
        return !enough(out.got) && std::chrono::steady_clock::now() < until;
      });
    });
  return out;
}

std::size_t records_in(const std::vector<observe::sse_message>& got) {
  std::size_t n = 0;
  for (const auto& m : got)
    if (m.event == "records") n += nlohmann::json::parse(m.data).size();
  return n;
}

} // namespace

TEST_CASE("the tap endpoint streams the schema first, then records and status events") {
  served s;
  auto e = read_events(s.server->port(), "/api/tap?from=thirds&to=out",
                       [](const auto& got) { return records_in(got) >= 20; });
  REQUIRE(e.status == 200);
  REQUIRE(!e.got.empty());
  CHECK(e.got[0].event == "schema");
  auto schema = nlohmann::json::parse(e.got[0].data);
  CHECK(schema["from"] == "thirds");
  CHECK(schema["to"] == "out");
  CHECK(schema["edge"].get<std::string>().find(" -> out") != std::string::npos);
  std::vector<std::string> names;
  for (const auto& f : schema["fields"]) names.push_back(f["name"]);
  CHECK(names == std::vector<std::string>{"seq", "ts", "key", "value"});
  CHECK(records_in(e.got) >= 20);
  bool status_seen = false;
  for (const auto& m : e.got) {
    if (m.event == "records")
      for (const auto& r : nlohmann::json::parse(m.data)) CHECK(r["seq"].get<long>() % 3 == 0);
    if (m.event == "status") {
      auto st = nlohmann::json::parse(m.data);
      CHECK(st["capacity"].get<std::uint64_t>() > 0);
      CHECK(st.contains("watermark"));
      CHECK(st.contains("queue_fill"));
      status_seen = true;
    }
  }
  CHECK(status_seen);
}

TEST_CASE("the tap endpoint's filter is applied by the run") {
  served s;
  auto e = read_events(s.server->port(),
                       "/api/tap?from=gen&to=thirds&rate=300&filter="
                         + httplib::detail::encode_query_param("key = 'k3'"),
                       [](const auto& got) { return records_in(got) >= 10; });
  REQUIRE(e.status == 200);
  CHECK(nlohmann::json::parse(e.got[0].data)["filter"] == "key = 'k3'");
  REQUIRE(records_in(e.got) >= 10);
  for (const auto& m : e.got)
    if (m.event == "records")
      for (const auto& r : nlohmann::json::parse(m.data)) CHECK(r["key"] == "k3");
}

TEST_CASE("the tap endpoint answers 400 for an unknown edge, a bad filter or a bad query") {
  served s(1000);
  httplib::Client http("127.0.0.1", s.server->port());
  auto r = http.Get("/api/tap?from=gen&to=out");
  REQUIRE(r);
  CHECK(r->status == 400);
  auto msg = nlohmann::json::parse(r->body)["error"].get<std::string>();
  CHECK_THAT(msg, Catch::Contains("no edge gen -> out") && Catch::Contains("-> thirds")
                    && Catch::Contains("-> out"));
  r =
    http.Get("/api/tap?from=gen&to=thirds&filter=" + httplib::detail::encode_query_param("seq >"));
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK_THAT(r->body, Catch::Contains("filter 'seq >'"));
  r = http.Get("/api/tap?from=gen&to=thirds&rate=0");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK_THAT(r->body, Catch::Contains("'rate'"));
  r = http.Get("/api/tap?from=gen");
  REQUIRE(r);
  CHECK(r->status == 400);
  r = http.Get("/api/tap?from=gen&to=thirds&color=red");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK_THAT(r->body, Catch::Contains("'color'"));
}

TEST_CASE("the tap endpoint serves a limited number of taps at once and frees a slot when one "
          "closes") {
  observe::server_options options;
  options.max_taps = 1;
  served s(0, options);
  std::atomic<bool> holding{false}, release{false};
  auto first = std::async(std::launch::async, [&] {
    return read_events(s.server->port(), "/api/tap?from=gen&to=thirds", [&](const auto& got) {
      if (!got.empty()) holding = true;
      return release.load();
    });
  });
  for (int i = 0; i < 3000 && !holding; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(holding);
  httplib::Client http("127.0.0.1", s.server->port());
  auto r = http.Get("/api/tap?from=thirds&to=out");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK_THAT(r->body, Catch::Contains("too many taps"));
  release = true;
  CHECK(first.get().status == 200);
  // The slot comes back once the server notices the client left.
  int status = 0;
  for (int i = 0; i < 300 && status != 200; ++i) {
    auto e = read_events(s.server->port(), "/api/tap?from=thirds&to=out",
                         [](const auto& got) { return !got.empty(); });
    status = e.status;
    if (status != 200) std::this_thread::sleep_for(20ms);
  }
  CHECK(status == 200);
}

TEST_CASE("the tap stream sends end when the run ends") {
  served s(3000);
  auto e = read_events(s.server->port(), "/api/tap?from=gen&to=thirds",
                       [](const auto& got) { return !got.empty() && got.back().event == "end"; });
  REQUIRE(e.status == 200);
  REQUIRE(e.got.size() >= 2);
  CHECK(e.got.back().event == "end");
  CHECK_THAT(e.got.back().data, Catch::Contains("the run has ended"));
}

TEST_CASE("the tap stream sends end when the endpoint stops") {
  served s;
  std::atomic<bool> started{false};
  auto reader = std::async(std::launch::async, [&] {
    return read_events(s.server->port(), "/api/tap?from=gen&to=thirds", [&](const auto& got) {
      started = true;
      return !got.empty() && got.back().event == "end";
    });
  });
  for (int i = 0; i < 3000 && !started; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(started);
  s.server->stop();
  auto e = reader.get();
  REQUIRE(!e.got.empty());
  CHECK(e.got.back().event == "end");
  CHECK_THAT(e.got.back().data, Catch::Contains("closing"));
}

TEST_CASE("the metrics client streams a tap, and reports a refused one with the server's "
          "message") {
  served s;
  observe::metrics_client client(s.server->url());
  observe::tap_request t;
  t.from = "gen";
  t.to = "thirds";
  std::size_t records = 0;
  std::string first;
  auto end = client.tap(t, [&](const observe::sse_message& m) {
    if (first.empty()) first = m.event;
    if (m.event == "records") records += nlohmann::json::parse(m.data).size();
    return records < 5;
  });
  CHECK(end == observe::metrics_client::tap_end::ended);
  CHECK(first == "schema");
  CHECK(records >= 5);
  t.to = "nowhere";
  end = client.tap(t, [](const observe::sse_message&) { return true; });
  CHECK(end == observe::metrics_client::tap_end::refused);
  CHECK_THAT(client.error(), Catch::Contains("no node 'nowhere'"));
  observe::metrics_client nobody("http://127.0.0.1:1");
  CHECK(nobody.tap(t, [](const observe::sse_message&) { return true; })
        == observe::metrics_client::tap_end::failed);
  CHECK_THAT(nobody.error(), Catch::Contains("cannot connect"));
}

TEST_CASE("a Server-Sent Events stream is split into messages whatever the chunks") {
  const std::string text = ": a comment\nevent: schema\ndata: {\"a\":1}\n\nevent: records\ndata: "
                           "[1,2]\r\n\r\ndata: x\ndata: y\n\n";
  for (std::size_t step : {std::size_t(1), std::size_t(3), text.size()}) {
    observe::sse_parser parser;
    std::vector<observe::sse_message> got;
    for (std::size_t i = 0; i < text.size(); i += step)
      parser.feed(std::string_view(text).substr(i, step), [&](const observe::sse_message& m) {
        got.push_back(m);
        return true;
      });
    REQUIRE(got.size() == 3);
    CHECK(got[0].event == "schema");
    CHECK(got[0].data == "{\"a\":1}");
    CHECK(got[1].event == "records");
    CHECK(got[1].data == "[1,2]");
    CHECK(got[2].event == "message");
    CHECK(got[2].data == "x\ny");
  }
  observe::sse_parser small(16);
  CHECK_THROWS(small.feed(std::string(100, 'x'), [](const observe::sse_message&) { return true; }));
}
