#include <catch2/catch.hpp>

#include "observe/observe_helpers.hpp"
#include "sluice/observe/pipeline_json.hpp"

using namespace sluice;
using test::ms;

namespace {

observe::metrics_frame sample_frame() {
  observe::metrics_sampler sampler(test::checked(test::chain_json));
  auto slow = test::snap("slow", 0, 1000, 900, 990, 0, 1000);
  slow.watermark = 1700000000000000;
  slow.input_queues = {{0, 4096, 8192}};
  slow.filtered = 3;
  slow.errors = 2;
  slow.late_dropped = 1;
  slow.records_sent = 900;
  auto gen = test::snap("gen", 0, 0, 1000, 50, 900, 1000);
  gen.finished = false;
  return sampler.sample({gen, slow, test::snap("out", 0, 900, 0, 5, 0, 1000)}, 1000 * ms,
                        1700000001000);
}

} // namespace

TEST_CASE("a frame read back from its JSON equals the frame") {
  auto f = sample_frame();
  auto j = observe::to_json(f);
  auto back = observe::frame_from_json(j);
  CHECK(observe::to_json(back) == j);
  CHECK(back.pipeline == f.pipeline);
  CHECK(back.bottleneck == "slow");
  REQUIRE(back.nodes.size() == f.nodes.size());
  CHECK(back.nodes[1].watermark == f.nodes[1].watermark);
  CHECK(back.nodes[1].watermark_lag_seconds == f.nodes[1].watermark_lag_seconds);
  CHECK_FALSE(back.nodes[0].watermark);
  CHECK(back.nodes[1].state == f.nodes[1].state);
  REQUIRE(back.instances.size() == 3);
  CHECK(back.instances[1].totals.input_queues.size() == 1);
  CHECK(back.instances[1].totals.busy_ns == f.instances[1].totals.busy_ns);
  CHECK(back.instances[1].totals.errors == 2);
  CHECK(back.edges[0].fill == Approx(0.5));
}

TEST_CASE("the JSON of a frame has the documented keys") {
  auto j = observe::to_json(sample_frame());
  for (const auto* k :
       {"pipeline", "t_seconds", "wall_ms", "bottleneck", "nodes", "instances", "edges"})
    CHECK(j.contains(k));
  for (const auto* k : {"node", "kind", "parallelism", "state", "records_in", "records_out",
                        "errors", "late_dropped", "records_in_per_second", "records_out_per_second",
                        "busy_ms_per_second", "idle_ms_per_second", "backpressured_ms_per_second",
                        "queue_fill", "watermark", "watermark_lag_seconds"})
    CHECK(j["nodes"][0].contains(k));
  CHECK(j["nodes"][0]["watermark"].is_null());
  CHECK(j["nodes"][1]["state"] == "busy");
  CHECK(j["edges"][0]["from"] == "gen");
  CHECK(j["instances"][0]["totals"].contains("alive_ns"));
}

TEST_CASE("a frame from JSON with missing keys takes the defaults") {
  auto f = observe::frame_from_json(nlohmann::json::parse(R"({"nodes": [{"node": "x"}]})"));
  REQUIRE(f.nodes.size() == 1);
  CHECK(f.nodes[0].node == "x");
  CHECK(f.nodes[0].state == observe::activity::idle);
  CHECK(f.bottleneck.empty());
}

TEST_CASE("the pipeline JSON carries the document and every edge's schema") {
  auto j = observe::pipeline_json(test::checked(test::chain_json));
  CHECK(j["document"]["name"] == "chain");
  REQUIRE(j["edges"].size() == 2);
  CHECK(j["edges"][0]["from"] == "gen");
  CHECK(j["edges"][0]["to"] == "slow");
  auto schema = j["edges"][0]["schema"];
  REQUIRE(schema.size() == 4);
  CHECK(schema[0]["name"] == "seq");
  CHECK(schema[0]["type"] == "int");
}

TEST_CASE("the pipeline JSON masks the values of secret params") {
  auto p = test::checked(test::chain_json);
  // A kind with a secret, as the connectors will have.
  core::descriptor with_token = *p.nodes[1].desc;
  core::property_spec token;
  token.name = "token";
  token.type = core::param_type::secret;
  with_token.properties.push_back(token);
  p.nodes[1].desc = &with_token;
  p.doc.nodes[1].params["token"] = "hunter2";
  auto j = observe::pipeline_json(p);
  CHECK(j["document"]["nodes"][1]["params"]["token"] == core::secret_mask);
  CHECK(j["document"]["nodes"][1]["params"]["rate"] == 1000);
  CHECK(j.dump().find("hunter2") == std::string::npos);
}

TEST_CASE("a frame's checkpoint figures survive its JSON") {
  observe::metrics_sampler sampler(test::checked(test::chain_json));
  auto f = sampler.sample({test::snap("gen", 0, 0, 1000, 50, 900, 1000)}, 1000 * ms, 1700000001000,
                          test::checkpoints(1700000000000));
  auto j = observe::to_json(f);
  INFO(j.dump(2));
  const auto& c = j["checkpoints"];
  CHECK(c["enabled"] == true);
  CHECK(c["last_id"] == 17);
  CHECK(c["last_completed_ms"] == 1700000000000);
  CHECK(c["last_duration_ms"] == 12);
  CHECK(c["last_bytes"] == 1200000);
  CHECK(c["completed"] == 16);
  CHECK(c["abandoned"] == 1);
  CHECK(c["restarts"] == 2);
  CHECK(c["state_bytes"]["slow"] == 4096);
  CHECK(c["state_bytes"].size() == 3);

  auto back = observe::frame_from_json(j);
  CHECK(observe::to_json(back) == j);
  CHECK(back.checkpoints.enabled);
  CHECK(back.checkpoints.last_id == 17);
  CHECK(back.checkpoints.last_completed_ms == 1700000000000);
  CHECK(back.checkpoints.last_duration_ms == 12);
  CHECK(back.checkpoints.last_bytes == 1200000);
  CHECK(back.checkpoints.completed == 16);
  CHECK(back.checkpoints.abandoned == 1);
  CHECK(back.checkpoints.restarts == 2);
  CHECK(back.checkpoints.state_bytes == f.checkpoints.state_bytes);
}

TEST_CASE("a frame without checkpoints says so in its JSON and reads back without them") {
  auto j = observe::to_json(sample_frame());
  REQUIRE(j.contains("checkpoints"));
  CHECK(j["checkpoints"]["enabled"] == false);
  CHECK(j["checkpoints"]["state_bytes"].empty());
  // an older server sends no "checkpoints" at all
  j.erase("checkpoints");
  auto back = observe::frame_from_json(j);
  CHECK_FALSE(back.checkpoints.enabled);
  CHECK(back.checkpoints.last_id == 0);
  CHECK(back.checkpoints.state_bytes.empty());
}

TEST_CASE("checkpoint figures of the wrong type are refused") {
  auto bad = [](const char* text) {
    return [text] { observe::frame_from_json(nlohmann::json::parse(text)); };
  };
  CHECK_THROWS_AS(bad(R"({"checkpoints": 3})")(), nlohmann::json::exception);
  CHECK_THROWS_AS(bad(R"({"checkpoints": {"last_id": "x"}})")(), nlohmann::json::exception);
  CHECK_THROWS_AS(bad(R"({"checkpoints": {"state_bytes": [1, 2]}})")(), nlohmann::json::exception);
  CHECK_THROWS_AS(bad(R"({"checkpoints": {"state_bytes": {"a": "big"}}})")(),
                  nlohmann::json::exception);
}
