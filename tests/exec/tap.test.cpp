#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <nlohmann/json.hpp>

#include "run_helpers.hpp"
#include "sluice/exec/output_router.hpp"
#include "sluice/exec/protocol.hpp"
#include "sluice/exec/tap_point.hpp"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

namespace {

using go_atom = caf::atom_constant<caf::atom("go")>;

core::batch_ptr rows(std::size_t n) {
  core::batch_builder b(core::make_schema({{"n", core::value_type::int64}}));
  for (std::size_t i = 0; i < n; ++i) b.column_at(0).append_int(static_cast<std::int64_t>(i));
  return b.finish();
}

/// What the router did with the tap at each step.
struct router_steps {
  std::uint64_t offered_untapped = 0, offered_tapped = 0, offered_after_close = 0;
  std::size_t sampled = 0;
  bool active_after_close = true;
};

/// Emits through a router whose only link has `point` as its tap: first
/// with nobody tapping, then with a tap, then after it closed.
caf::behavior tapped_sender(caf::event_based_actor* self, std::shared_ptr<exec::tap_point> point,
                            std::shared_ptr<router_steps> steps) {
  return {[self, point, steps](go_atom) {
    exec::out_channel c;
    c.target = caf::actor_cast<caf::actor>(self); // never started: nothing is sent
    c.capacity = 1 << 20;
    exec::out_link link;
    link.channels = {0};
    link.tap = point;
    exec::output_router r(self, {{link}, {}}, {c}, 1000, nullptr);
    for (int k = 0; k < 10; ++k) r.emit(0, rows(500));
    steps->offered_untapped = point->offered();
    auto buffer = std::make_shared<core::tap_buffer>(500, 1000);
    point->attach(buffer);
    for (int k = 0; k < 10; ++k) r.emit(0, rows(500));
    r.emit_rows(0, rows(500), {1, 2, 3}); // a filter's selection
    steps->offered_tapped = point->offered();
    steps->sampled = buffer->take().records.size();
    point->detach(buffer.get());
    steps->active_after_close = point->active();
    for (int k = 0; k < 10; ++k) r.emit(0, rows(500));
    steps->offered_after_close = point->offered();
    return true;
  }};
}

std::string tapped_pipeline(std::int64_t count = 0) {
  return R"J({"schemaVersion": 1, "name": "tapped",
    "nodes": [
      {"id": "gen", "kind": "source.generator",
       "params": {"count": )J"
         + std::to_string(count) + R"J(, "rate": 20000, "keys": 10}},
      {"id": "thirds", "kind": "transform.filter", "params": {"where": "seq % 3 = 0"}},
      {"id": "twice", "kind": "transform.map", "params": {"set": {"v2": "value * 2"}}},
      {"id": "out", "kind": "sink.null"}
    ],
    "edges": [
      {"from": "gen", "to": "thirds"},
      {"from": "thirds", "to": "twice"},
      {"from": "twice", "to": "out"}
    ]})J";
}

/// Takes from `tap` until at least `n` records came (at most 30 s).
std::vector<nlohmann::json> take_at_least(exec::edge_tap& tap, std::size_t n) {
  std::vector<nlohmann::json> out;
  auto until = std::chrono::steady_clock::now() + 30s;
  while (out.size() < n && std::chrono::steady_clock::now() < until) {
    for (const auto& r : tap.take().records) out.push_back(nlohmann::json::parse(r));
    std::this_thread::sleep_for(20ms);
  }
  return out;
}

} // namespace

TEST_CASE("an untapped edge costs the router one check per batch; a tap sees batches until it "
          "closes") {
  caf::actor_system_config cfg;
  cfg.add_message_type<core::batch_ptr>("sluice::batch_ptr");
  caf::actor_system sys{cfg};
  auto point = std::make_shared<exec::tap_point>();
  auto steps = std::make_shared<router_steps>();
  auto up = sys.spawn(tapped_sender, point, steps);
  caf::scoped_actor self{sys};
  bool done = false;
  self->request(up, caf::infinite, go_atom::value)
    .receive([&](bool) { done = true; }, [](caf::error&) {});
  REQUIRE(done);
  CHECK(steps->offered_untapped == 0);
  CHECK(steps->offered_tapped == 11);
  CHECK(steps->sampled > 0);
  CHECK_FALSE(steps->active_after_close);
  CHECK(steps->offered_after_close == steps->offered_tapped);
  self->send_exit(up, caf::exit_reason::user_shutdown);
}

TEST_CASE("a tap on a running pipeline sees the records that flow on its edge, with the edge's "
          "schema") {
  exec::pipeline_run run(checked(tapped_pipeline()));
  auto tap = run.open_tap("thirds", "twice");
  CHECK(tap->from_node() == "thirds");
  CHECK(tap->to_node() == "twice");
  CHECK(tap->name() == "thirds." + tap->from_port() + " -> twice");
  REQUIRE(tap->schema());
  CHECK(tap->schema()->index_of("seq") >= 0);
  auto records = take_at_least(*tap, 20);
  REQUIRE(records.size() >= 20);
  for (const auto& r : records) {
    REQUIRE(r.contains("seq"));
    CHECK(r["seq"].get<std::int64_t>() % 3 == 0); // only what passed the filter
    CHECK(r.contains("key"));
    CHECK_FALSE(r.contains("v2")); // added downstream, not on this edge
  }
  auto status = tap->status();
  CHECK(status.capacity > 0);
  CHECK(status.queued <= status.capacity);
  CHECK_FALSE(status.ended);
  run.abort();
  run.wait();
  CHECK(tap->status().ended);
}

TEST_CASE("a tap's filter is evaluated by the run over the edge's schema") {
  exec::pipeline_run run(checked(tapped_pipeline()));
  core::tap_options options;
  options.filter = "seq % 2 = 0 AND key = 'k0'";
  auto tap = run.open_tap("gen", "thirds", options);
  CHECK(tap->filter() == options.filter);
  auto records = take_at_least(*tap, 10);
  REQUIRE(records.size() >= 10);
  for (const auto& r : records) {
    CHECK(r["seq"].get<std::int64_t>() % 2 == 0);
    CHECK(r["key"] == "k0");
  }
  run.abort();
}

TEST_CASE("several taps on one edge each get records; a closed tap gets no more") {
  exec::pipeline_run run(checked(tapped_pipeline()));
  auto first = run.open_tap("gen", "thirds");
  auto second = run.open_tap("gen", "", "thirds");
  CHECK(take_at_least(*first, 5).size() >= 5);
  CHECK(take_at_least(*second, 5).size() >= 5);
  first->close();
  CHECK(first->closed());
  // An offer already under way when it closed may still land; none after.
  std::this_thread::sleep_for(100ms);
  auto seen = first->take().seen;
  std::this_thread::sleep_for(300ms);
  CHECK(first->take().seen == seen); // nothing offered to it any more
  CHECK(first->take().records.empty());
  auto more = second->take().seen;
  REQUIRE(take_at_least(*second, 5).size() >= 5);
  CHECK(second->take().seen > more);
  run.abort();
}

TEST_CASE("tapping an unknown edge, a bad filter or a bad rate is refused, naming the edges") {
  exec::pipeline_run run(checked(tapped_pipeline(1000)));
  auto edges = run.tap_edges();
  REQUIRE(edges.size() == 3);
  CHECK(edges[0].rfind("gen.", 0) == 0);
  CHECK_THROWS_WITH(run.open_tap("gen", "twice"),
                    Catch::Contains("no edge gen -> twice") && Catch::Contains(edges[1]));
  CHECK_THROWS_WITH(run.open_tap("nope", "twice"), Catch::Contains("no node 'nope'"));
  CHECK_THROWS_WITH(run.open_tap("gen.nope", "thirds"),
                    Catch::Contains("no edge gen.nope -> thirds"));
  core::tap_options bad;
  bad.filter = "seq >";
  CHECK_THROWS_AS(run.open_tap("gen", "thirds", bad), std::invalid_argument);
  CHECK_THROWS_WITH(run.open_tap("gen", "thirds", bad), Catch::Contains("filter 'seq >'"));
  bad.filter = "seq + 1";
  CHECK_THROWS_WITH(run.open_tap("gen", "thirds", bad), Catch::Contains("true or false"));
  bad.filter = "nosuchfield = 1";
  CHECK_THROWS_AS(run.open_tap("gen", "thirds", bad), std::invalid_argument);
  core::tap_options fast;
  fast.rate = 100000;
  CHECK_THROWS_WITH(run.open_tap("gen", "thirds", fast), Catch::Contains("rate"));
  run.wait();
}

TEST_CASE("a tap outlives its run and then reports that it has ended") {
  std::shared_ptr<exec::edge_tap> tap;
  {
    exec::pipeline_run run(checked(tapped_pipeline(2000)));
    tap = run.open_tap("gen", "thirds");
    REQUIRE(run.wait_for(60s));
  }
  CHECK(tap->status().ended);
  CHECK(tap->take().seen <= 2000);
  tap.reset(); // closing after the run is gone is fine
}
