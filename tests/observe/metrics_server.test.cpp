#include <catch2/catch.hpp>

#include <httplib.h>

#include <atomic>
#include <mutex>

#include "observe/observe_helpers.hpp"
#include "sluice/observe/metrics_client.hpp"
#include "sluice/observe/metrics_server.hpp"

using namespace sluice;
using test::ms;

namespace {

/// A run that does not run: counters that grow by hand.
struct fake_run {
  std::mutex mutex;
  std::uint64_t n = 0;
  std::string status = "running";

  observe::run_source source() {
    return {[this] {
              std::lock_guard<std::mutex> g(mutex);
              n += 1000;
              auto alive = static_cast<std::int64_t>(n);
              return std::vector<core::instance_snapshot>{
                test::snap("gen", 0, 0, n, alive / 20, alive * 9 / 10, alive),
                test::snap("slow", 0, n, n, alive, 0, alive),
                test::snap("out", 0, n, 0, 0, 0, alive)};
            },
            [this] {
              std::lock_guard<std::mutex> g(mutex);
              return observe::run_health{status, status == "failed" ? "node 'slow' failed" : ""};
            },
            [this] {
              std::lock_guard<std::mutex> g(mutex);
              return checkpoints;
            },
            {}};
  }

  observe::checkpoint_figures checkpoints; ///< none unless a test sets them
};

} // namespace

TEST_CASE("the server answers every endpoint with its documented shape") {
  fake_run run;
  observe::metrics_server server(test::checked(test::chain_json), run.source());
  REQUIRE(server.port() > 0);
  httplib::Client http("127.0.0.1", server.port());

  auto metrics = http.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK_THAT(metrics->body, Catch::Contains("sluice_records_in_total{"));
  CHECK_THAT(metrics->get_header_value("Content-Type"), Catch::StartsWith("text/plain"));

  auto frame = http.Get("/api/metrics");
  REQUIRE(frame);
  CHECK(frame->status == 200);
  auto j = nlohmann::json::parse(frame->body);
  CHECK(j["nodes"].size() == 3);
  CHECK(j["bottleneck"] == "slow");

  auto history = http.Get("/api/metrics/history");
  REQUIRE(history);
  CHECK(history->status == 200);
  CHECK(nlohmann::json::parse(history->body).is_array());
  auto since = http.Get("/api/metrics/history?since=1e9");
  REQUIRE(since);
  CHECK(since->status == 200);
  CHECK(nlohmann::json::parse(since->body).empty());

  auto pipe = http.Get("/api/pipeline");
  REQUIRE(pipe);
  auto pj = nlohmann::json::parse(pipe->body);
  CHECK(pj["document"]["name"] == "chain");
  CHECK(pj["edges"][0]["schema"].size() == 4);

  auto health = http.Get("/api/health");
  REQUIRE(health);
  CHECK(nlohmann::json::parse(health->body)["status"] == "running");
}

TEST_CASE("the server answers bad requests with a JSON error") {
  fake_run run;
  observe::metrics_server server(test::checked(test::chain_json), run.source());
  httplib::Client http("127.0.0.1", server.port());
  auto check_error = [](const httplib::Result& r, int status) {
    REQUIRE(r);
    CHECK(r->status == status);
    auto j = nlohmann::json::parse(r->body);
    CHECK(j["error"].is_string());
    CHECK(j["status"] == status);
  };
  check_error(http.Get("/nope"), 404);
  check_error(http.Get("/api/metrics/nope"), 404);
  check_error(http.Post("/api/metrics", "{}", "application/json"), 405);
  check_error(http.Delete("/metrics"), 405);
  check_error(http.Post("/elsewhere", "", "text/plain"), 404);
  check_error(http.Get("/api/metrics/history?since=soon"), 400);
  check_error(http.Get("/api/metrics/history?since="), 400);
  check_error(http.Get("/api/metrics?verbose=1"), 400);
  // and it still works afterwards
  auto ok = http.Get("/api/health");
  REQUIRE(ok);
  CHECK(ok->status == 200);
}

TEST_CASE("the client reads frames and health back from the server") {
  fake_run run;
  observe::metrics_server server(test::checked(test::chain_json), run.source());
  observe::metrics_client client(server.url());
  auto f = client.frame();
  REQUIRE(f);
  CHECK(f->nodes.size() == 3);
  CHECK(f->bottleneck == "slow");
  {
    std::lock_guard<std::mutex> g(run.mutex);
    run.status = "failed";
  }
  auto h = client.health();
  REQUIRE(h);
  CHECK(h->status == "failed");
  CHECK(h->error == "node 'slow' failed");
}

TEST_CASE("the client accepts an address without scheme or with a path") {
  fake_run run;
  observe::metrics_server server(test::checked(test::chain_json), run.source());
  auto port = std::to_string(server.port());
  for (const auto& url : {"127.0.0.1:" + port, "http://127.0.0.1:" + port + "/metrics"}) {
    observe::metrics_client client(url);
    INFO(url);
    CHECK(client.url() == "http://127.0.0.1:" + port);
    CHECK(client.health());
  }
}

TEST_CASE("the server refuses a large request body without reading it all") {
  fake_run run;
  observe::metrics_server server(test::checked(test::chain_json), run.source());
  httplib::Client http("127.0.0.1", server.port());
  auto r = http.Post("/api/metrics", std::string(1 << 20, 'x'), "text/plain");
  // 413, or the connection closed while the body was still being sent
  if (r) {
    CHECK(r->status >= 400);
    CHECK(r->status < 500);
  }
  httplib::Client again("127.0.0.1", server.port());
  auto ok = again.Get("/api/health");
  REQUIRE(ok);
  CHECK(ok->status == 200);
}

TEST_CASE("the client says why it cannot reach a server") {
  int port = 0;
  {
    fake_run run;
    observe::metrics_server server(test::checked(test::chain_json), run.source());
    port = server.port();
  } // closed again
  observe::metrics_client client("127.0.0.1:" + std::to_string(port));
  CHECK_FALSE(client.frame());
  CHECK_FALSE(client.error().empty());
}

TEST_CASE("a port already in use is refused with an error naming it") {
  fake_run run;
  observe::metrics_server first(test::checked(test::chain_json), run.source());
  observe::server_options o;
  o.port = first.port();
  CHECK_THROWS_WITH(observe::metrics_server(test::checked(test::chain_json), run.source(), o),
                    Catch::Contains(std::to_string(first.port())));
}

TEST_CASE("the server shows the run's checkpoints on every metrics endpoint") {
  fake_run run;
  run.checkpoints = test::checkpoints(observe::wall_now_ms() - 2000);
  observe::server_options options;
  options.max_age = std::chrono::milliseconds(0); // every request samples
  observe::metrics_server server(test::checked(test::chain_json), run.source(), options);
  httplib::Client http("127.0.0.1", server.port());

  auto text = http.Get("/metrics");
  REQUIRE(text);
  INFO(text->body);
  CHECK_THAT(text->body, Catch::Contains(R"(sluice_checkpoint_last_id{pipeline="chain"} 17)"));
  CHECK_THAT(text->body,
             Catch::Contains(R"(sluice_state_bytes{pipeline="chain",node="slow"} 4096)"));
  CHECK_THAT(text->body, Catch::Contains(R"(sluice_restarts_total{pipeline="chain"} 2)"));
  auto j = nlohmann::json::parse(http.Get("/api/metrics")->body);
  CHECK(j["checkpoints"]["last_id"] == 17);
  CHECK(j["checkpoints"]["state_bytes"]["slow"] == 4096);

  {
    std::lock_guard<std::mutex> g(run.mutex);
    run.checkpoints.last_id = 18;
  }
  observe::metrics_client client(server.url());
  auto f = client.frame();
  REQUIRE(f);
  CHECK(f->checkpoints.last_id == 18);
  CHECK(f->checkpoints.restarts == 2);
  auto history = nlohmann::json::parse(http.Get("/api/metrics/history")->body);
  REQUIRE_FALSE(history.empty()); // about one frame a second: the first one, at least
  CHECK(history.front()["checkpoints"]["last_id"] == 17);
}

TEST_CASE("a run source without checkpoints gives frames without them") {
  fake_run run;
  auto source = run.source();
  source.checkpoints = nullptr;
  observe::metrics_server server(test::checked(test::chain_json), source);
  observe::metrics_client client(server.url());
  auto f = client.frame();
  REQUIRE(f);
  CHECK_FALSE(f->checkpoints.enabled);
  auto text = httplib::Client("127.0.0.1", server.port()).Get("/metrics");
  REQUIRE(text);
  CHECK_THAT(text->body, !Catch::Contains("sluice_checkpoint"));
  CHECK_THAT(text->body, Catch::Contains(R"(sluice_restarts_total{pipeline="chain"} 0)"));
}
