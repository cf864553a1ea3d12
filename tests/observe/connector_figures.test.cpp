#include <catch2/catch.hpp>

#include "observe/observe_helpers.hpp"
#include "sluice/observe/prometheus_text.hpp"
#include "sluice/observe/top_table.hpp"

using namespace sluice;
using test::ms;

namespace {

/// The chain pipeline where `out` is a connector with two instances: one
/// up, one down since Unix time 1700000000500 ms after two reconnects.
observe::metrics_frame frame_with_a_server_down() {
  observe::metrics_sampler sampler(test::checked(test::chain_json));
  auto up = test::snap("out", 0, 900, 0, 5, 0, 1000);
  up.connector.up = 1;
  up.connector.reconnects = 1;
  up.connector.last_error = "redis: connection reset";
  up.connector.last_error_unix_ns = 1700000000100LL * 1000000;
  auto down = test::snap("out", 1, 100, 0, 5, 0, 1000);
  down.connector.up = 0;
  down.connector.reconnects = 1;
  down.connector.last_error = "redis: connection refused";
  down.connector.last_error_unix_ns = 1700000000500LL * 1000000;
  return sampler.sample({test::snap("gen", 0, 0, 1000, 50, 900, 1000),
                         test::snap("slow", 0, 1000, 900, 990, 0, 1000), up, down},
                        1000 * ms, 1700000001000);
}

const observe::node_rates& node(const observe::metrics_frame& f, const std::string& id) {
  for (const auto& n : f.nodes)
    if (n.node == id) return n;
  throw std::runtime_error("no node " + id);
}

} // namespace

TEST_CASE(
  "a connector node is down while any instance is, with the newest error and all reconnects") {
  auto f = frame_with_a_server_down();
  REQUIRE(node(f, "out").connector);
  const auto& c = *node(f, "out").connector;
  CHECK_FALSE(c.up);
  CHECK(c.reconnects == 2);
  CHECK(c.last_error == "redis: connection refused");
  CHECK(c.last_error_ms == 1700000000500);
  CHECK_FALSE(node(f, "slow").connector); // not a connector
}

TEST_CASE("a connector's state survives the frame's JSON, and other nodes have none") {
  auto f = frame_with_a_server_down();
  auto j = observe::to_json(f);
  CHECK(j["nodes"][1]["connector"].is_null());
  CHECK(j["nodes"][2]["connector"]["up"] == false);
  CHECK(j["nodes"][2]["connector"]["last_error"] == "redis: connection refused");
  CHECK(j["instances"][2]["totals"]["connector"]["up"] == true);
  auto back = observe::frame_from_json(j);
  CHECK(observe::to_json(back) == j);
  REQUIRE(node(back, "out").connector);
  CHECK(node(back, "out").connector->reconnects == 2);
}

TEST_CASE("the Prometheus text says whether each connector reaches its server") {
  auto text = observe::prometheus_text(frame_with_a_server_down(), observe::read_process_stats(),
                                       1700000003500);
  INFO(text);
  CHECK_THAT(text, Catch::Contains("# TYPE sluice_connector_up gauge"));
  CHECK_THAT(text, Catch::Contains(R"(sluice_connector_up{pipeline="chain",node="out"} 0)"));
  CHECK_THAT(
    text, Catch::Contains(R"(sluice_connector_reconnects_total{pipeline="chain",node="out"} 2)"));
  CHECK_THAT(
    text,
    Catch::Contains(
      R"(sluice_connector_last_error_timestamp_seconds{pipeline="chain",node="out"} 1700000000.5)"));
  CHECK_THAT(text, !Catch::Contains(R"(sluice_connector_up{pipeline="chain",node="slow"})"));
}

TEST_CASE("the top table names a connector that lost its server, and why") {
  observe::top_header h;
  h.status = "running";
  auto lines = observe::render_top(frame_with_a_server_down(), h, 80, 24, false);
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  INFO(all);
  CHECK_THAT(all, Catch::Contains("connector out is down: redis: connection refused"));
  CHECK_THAT(all, Catch::Contains("out (down)"));
}
