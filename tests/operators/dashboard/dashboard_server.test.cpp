#include <catch2/catch.hpp>

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "dashboard_fixture.hpp"
#include "sluice/ops/dashboard/dashboard_server.hpp"

using namespace sluice;
using namespace sluice::test;
using nlohmann::json;

namespace {

std::string listen_on(int port) { return "127.0.0.1:" + std::to_string(port); }

/// The events of `path` until `enough(events so far)` or 20 s.
template <class Enough>
std::string read_events(int port, const std::string& path, Enough enough) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(std::chrono::seconds(20));
  std::string text;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  client.Get(path.c_str(), [&](const char* data, std::size_t n) {
    text.append(data, n);
    return !enough(text) && std::chrono::steady_clock::now() < until;
  });
  return text;
}

/// Waits up to 20 s for `done`; whether it came.
template <class Done>
bool wait_until(Done done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

/// The JSON of the last complete "data: ..." event of `text`.
json last_event(const std::string& text) {
  const auto end = text.rfind("\n\n");
  REQUIRE(end != std::string::npos);
  const auto begin = text.rfind("data: ", end);
  REQUIRE(begin != std::string::npos);
  return json::parse(text.substr(begin + 6, end - begin - 6));
}

} // namespace

TEST_CASE("the index lists every dashboard of a listen address by title, escaped, with a link") {
  const int port = free_port();
  auto a = open_dashboard("temps", {{"listen", listen_on(port)}, {"title", "Temperatures"}});
  auto b = open_dashboard("odd", {{"listen", listen_on(port)},
                                  {"title", "<script>alert(1)</script> & co"},
                                  {"chart", "number"}});
  httplib::Client client("127.0.0.1", port);
  auto res = client.Get("/");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(res->body.find("<a href=\"/d/temps\">Temperatures</a>") != std::string::npos);
  CHECK(res->body.find("<a href=\"/d/odd\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</a>")
        != std::string::npos);
  CHECK(res->body.find("<script>alert") == std::string::npos);
}

TEST_CASE("a dashboard's page, its script, its style and Chart.js are served by the run") {
  const int port = free_port();
  auto sink = open_dashboard(
    "temps", {{"listen", listen_on(port)}, {"title", "Temps \"<i>\""}, {"chart", "line"}});
  httplib::Client client("127.0.0.1", port);
  auto page = client.Get("/d/temps");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("<h1 id=\"title\">Temps &quot;&lt;i&gt;&quot;</h1>") != std::string::npos);
  CHECK(page->body.find("data-id=\"temps\" data-chart=\"line\"") != std::string::npos);
  auto script = client.Get("/assets/dashboard.js");
  REQUIRE(script);
  CHECK(script->status == 200);
  CHECK(script->body.find("new EventSource") != std::string::npos);
  auto style = client.Get("/assets/dashboard.css");
  REQUIRE(style);
  CHECK(style->body.find(".badge.stalled") != std::string::npos);
  auto chart_js = client.Get("/assets/chart.min.js");
  REQUIRE(chart_js);
  CHECK(chart_js->status == 200);
  CHECK(chart_js->body.find("Chart.js v") != std::string::npos);
  CHECK(chart_js->body.size() > 100000);
  auto missing = client.Get("/d/nope");
  REQUIRE(missing);
  CHECK(missing->status == 404);
}

TEST_CASE("the events of a dashboard carry the values sent, newest state first, then ended") {
  const int port = free_port();
  auto sink = open_dashboard("t", {{"listen", listen_on(port)}, {"history", 3}});
  feed(*sink, reading(0, "boiler", 71.5, 1));

  std::atomic<bool> first_seen{false};
  std::string events;
  std::thread reader([&] {
    events = read_events(port, "/d/t/events", [&](const std::string& text) {
      if (text.find("boiler") != std::string::npos) first_seen = true;
      return text.find("\"status\":\"ended\"") != std::string::npos;
    });
  });
  for (int i = 0; i < 2000 && !first_seen; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(first_seen);
  for (int n = 2; n <= 10; ++n) feed(*sink, reading(n, "pump-" + std::to_string(n), 20.0 + n, n));
  end_stream(*sink);
  reader.join();
  INFO(events);
  REQUIRE(events.rfind("data: ", 0) == 0);
  const json last = last_event(events);
  CHECK(last["status"] == "ended");
  CHECK(last["records"] == 10);
  REQUIRE(last["rows"].size() == 3); // history
  CHECK(last["rows"][0] == json::array({"2026-01-01T00:00:10.000Z", "pump-10", 30.0, 10}));
  CHECK(last["rows"][2][1] == "pump-8");

  // the page keeps serving the last state after the end
  httplib::Client client("127.0.0.1", port);
  auto state = client.Get("/d/t/state");
  REQUIRE(state);
  CHECK(json::parse(state->body)["rows"][0][1] == "pump-10");
}

TEST_CASE("dashboards with the same listen share one server, which stops with the last") {
  const int port = free_port();
  auto a = open_dashboard("a", {{"listen", listen_on(port)}, {"title", "A"}});
  auto b = open_dashboard("b", {{"listen", listen_on(port)}, {"title", "B"}, {"chart", "bar"}});
  // port 0: one server for every dashboard that asks for any port
  auto c = open_dashboard("c", {{"title", "C"}});
  auto d = open_dashboard("d", {{"title", "D"}});
  auto any_port = ops::dashboard::dashboard_server::acquire({"127.0.0.1", 0});
  CHECK(any_port->port() != port);

  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::seconds(2));
  auto res = client.Get("/");
  REQUIRE(res);
  CHECK(res->body.find(">A</a>") != std::string::npos);
  CHECK(res->body.find(">B</a>") != std::string::npos);
  CHECK(res->body.find(">C</a>") == std::string::npos);
  httplib::Client other("127.0.0.1", any_port->port());
  auto res_any = other.Get("/");
  REQUIRE(res_any);
  CHECK(res_any->body.find(">C</a>") != std::string::npos);
  CHECK(res_any->body.find(">D</a>") != std::string::npos);

  a.reset(); // its page goes, the server stays for b
  res = client.Get("/d/b");
  REQUIRE(res);
  CHECK(res->status == 200);
  res = client.Get("/d/a");
  REQUIRE(res);
  CHECK(res->status == 404);
  b.reset(); // the last one: the server stops
  httplib::Client after("127.0.0.1", port);
  after.set_connection_timeout(std::chrono::seconds(2));
  CHECK_FALSE(after.Get("/"));
  // and the address can be served again
  auto again = open_dashboard("a", {{"listen", listen_on(port)}, {"title", "A again"}});
  httplib::Client third("127.0.0.1", port);
  res = third.Get("/");
  REQUIRE(res);
  CHECK(res->body.find(">A again</a>") != std::string::npos);
}

TEST_CASE("a dashboard's params are checked at bind, naming the param") {
  const auto in = dashboard_readings();
  auto error = param_error_of("sink.dashboard", {{"listen", "nowhere"}}, in);
  REQUIRE(error);
  CHECK(error->param() == "listen");
  error = param_error_of("sink.dashboard", {{"listen", "127.0.0.1:99999"}}, in);
  REQUIRE(error);
  CHECK(error->param() == "listen");
  error = param_error_of("sink.dashboard", {{"chart", "line"}, {"fields", {"device"}}}, in);
  REQUIRE(error);
  CHECK(error->param() == "fields");
  CHECK(std::string(error->what()).find("'device' is string") != std::string::npos);
  error = param_error_of("sink.dashboard", {{"fields", {"nope"}}}, in);
  REQUIRE(error);
  CHECK(std::string(error->what()).find("unknown field 'nope'") != std::string::npos);
  error = param_error_of("sink.dashboard", {{"timestamp", "n"}}, in);
  REQUIRE(error);
  CHECK(error->param() == "timestamp");
  error = param_error_of("sink.dashboard", {{"chart", "table"}, {"key", "device"}}, in);
  REQUIRE(error);
  CHECK(error->param() == "key");
  error = param_error_of("sink.dashboard", {{"history", 0}}, in);
  REQUIRE(error);
  CHECK(error->param() == "history");
  CHECK_FALSE(param_error_of("sink.dashboard", {{"chart", "bar"}}, in)); // key: device
  CHECK_FALSE(param_error_of("sink.dashboard",
                             {{"chart", "line"}, {"key", "device"}, {"timestamp", "ts"}}, in));
}

TEST_CASE("a dashboard that cannot listen fails to open, naming its node and the address") {
  const int port = free_port();
  httplib::Server squatter;
  REQUIRE(squatter.bind_to_port("127.0.0.1", port));
  try {
    open_dashboard("busy", {{"listen", listen_on(port)}});
    FAIL("opened on a port in use");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("sink.dashboard busy: cannot listen on 127.0.0.1:"
                                     + std::to_string(port))
          != std::string::npos);
  }
}

TEST_CASE("a dashboard shows the newest state however fast records arrive, and the sink "
          "never waits for a browser") {
  const int port = free_port();
  auto sink =
    open_dashboard("fast", {{"listen", listen_on(port)}, {"chart", "number"}, {"fields", {"n"}}});
  // a browser that connects and never reads
  httplib::Client stuck("127.0.0.1", port);
  std::thread stuck_reader([&] {
    stuck.Get("/d/fast/events", [&](const char*, std::size_t) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      return false;
    });
  });
  // 200 000 records, one batch each: the sink keeps up whatever the reader does
  for (int n = 1; n <= 200000; ++n) feed(*sink, reading(n, "x", 0, n));
  const std::string events = read_events(port, "/d/fast/events", [](const std::string& text) {
    return text.find("\"value\":200000.0") != std::string::npos;
  });
  stuck_reader.join();
  INFO(events.substr(0, 2000));
  CHECK(events.find("\"value\":200000.0") != std::string::npos);
  CHECK(last_event(events)["previous"] == 199999.0);
}

TEST_CASE("an event stream asked for a number of seconds ends with an end event") {
  const int port = free_port();
  auto sink = open_dashboard("t", {{"listen", listen_on(port)}});
  feed(*sink, reading(0, "boiler", 71.5, 1));
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(std::chrono::seconds(20));
  auto res = client.Get("/d/t/events?seconds=1");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/event-stream");
  CHECK(res->body.rfind("data: {", 0) == 0);
  CHECK(res->body.find("boiler") != std::string::npos);
  const std::string end = "event: end\ndata: {}\n\n";
  REQUIRE(res->body.size() > end.size());
  CHECK(res->body.substr(res->body.size() - end.size()) == end);
  for (const char* bad : {"0", "x", "-1", "1.5", "123456"}) {
    auto refused = client.Get((std::string("/d/t/events?seconds=") + bad).c_str());
    REQUIRE(refused);
    CHECK(refused->status == 400);
    CHECK(refused->body.find("query parameter 'seconds'") != std::string::npos);
  }
}

TEST_CASE("a server serves a limited number of live pages at once and answers 503 beyond") {
  const int port = free_port();
  auto sink = open_dashboard("t", {{"listen", listen_on(port)}});
  const std::size_t limit = ops::dashboard::dashboard_server::max_clients;
  std::atomic<bool> done{false};
  std::atomic<std::size_t> streaming{0};
  std::vector<std::thread> browsers;
  for (std::size_t i = 0; i < limit; ++i)
    browsers.emplace_back([&] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(std::chrono::seconds(20));
      bool counted = false;
      client.Get("/d/t/events", [&](const char*, std::size_t) {
        if (!counted) ++streaming;
        counted = true;
        return !done;
      });
    });
  REQUIRE(wait_until([&] { return streaming == limit; }));
  httplib::Client one_more("127.0.0.1", port);
  auto res = one_more.Get("/d/t/events");
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(res->body.find("too many live dashboards") != std::string::npos);
  // the page itself is still served
  auto page = one_more.Get("/d/t");
  REQUIRE(page);
  CHECK(page->status == 200);
  done = true;
  for (auto& b : browsers) b.join();
  // their places are free again
  REQUIRE(wait_until([&] {
    auto again = one_more.Get("/d/t/events?seconds=1");
    return again && again->status == 200;
  }));
}
