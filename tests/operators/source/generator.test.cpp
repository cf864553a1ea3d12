#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "operators/harness.hpp"

using namespace sluice;
using sluice::test::make_operator;
using sluice::test::output_schemas_of;
using sluice::test::recording_emitter;
using state = core::poll_result::state;

namespace {

const core::timestamp jan1 = core::parse_iso8601("2026-01-01T00:00:00Z").value();

// Polls until finished (at most `max_polls` times); returns the poll count.
int drain(core::operator_base& op, recording_emitter& out, std::size_t budget,
          int max_polls = 100000) {
  for (int i = 1; i <= max_polls; ++i)
    if (op.poll(out, budget).what == state::finished) return i;
  return -1;
}

} // namespace

TEST_CASE("the generator emits seq, ts, key and value for its first records") {
  auto op = make_operator("source.generator", {{"count", 4}, {"keys", 3}});
  recording_emitter out;
  REQUIRE(op->poll(out, 100).what == state::finished);
  CHECK(out.json_rows()
        == std::vector<std::string>{
          R"({"seq":0,"ts":"2026-01-01T00:00:00.000Z","key":"k0","value":0})",
          R"({"seq":1,"ts":"2026-01-01T00:00:00.001Z","key":"k1","value":0.1})",
          R"({"seq":2,"ts":"2026-01-01T00:00:00.002Z","key":"k2","value":0.2})",
          R"({"seq":3,"ts":"2026-01-01T00:00:00.003Z","key":"k0","value":0.3})",
        });
}

TEST_CASE("the generator declares its output schema when bound") {
  auto schemas = output_schemas_of("source.generator", nlohmann::json::object());
  REQUIRE(schemas.size() == 1);
  CHECK(schemas[0]->to_string() == "seq:int, ts:timestamp, key:string, value:double");
}

TEST_CASE("the generator's columns follow the formulas over many records") {
  auto op = make_operator(
    "source.generator",
    {{"count", 5000}, {"keys", 7}, {"interval", "250us"}, {"start", "2026-03-01T12:00:00Z"}});
  recording_emitter out;
  drain(*op, out, 10000);
  const auto start = core::parse_iso8601("2026-03-01T12:00:00Z").value();
  std::int64_t seq = 0;
  for (const auto& b : out.batches[0]) {
    CHECK_FALSE(b->col(0).has_nulls());
    for (std::size_t r = 0; r < b->rows(); ++r, ++seq) {
      REQUIRE(b->col(0).ints[r] == seq);
      REQUIRE(b->col(1).ints[r] == start + seq * 250);
      REQUIRE(b->col(2).string_at(r) == "k" + std::to_string(seq % 7));
      REQUIRE(b->col(3).doubles[r] == static_cast<double>(seq % 1000) / 10.0);
    }
  }
  CHECK(seq == 5000);
}

TEST_CASE("parallel generator instances together emit each seq exactly once") {
  const std::int64_t count = 10007;
  const std::size_t parallelism = 3;
  std::vector<std::int64_t> seqs;
  for (std::size_t i = 0; i < parallelism; ++i) {
    core::operator_context ctx;
    ctx.instance = i;
    ctx.parallelism = parallelism;
    auto op = make_operator("source.generator", {{"count", count}, {"keys", 5}}, ctx);
    recording_emitter out;
    REQUIRE(drain(*op, out, 1000) > 0);
    for (const auto& b : out.batches[0])
      for (std::size_t r = 0; r < b->rows(); ++r) {
        auto seq = b->col(0).ints[r];
        REQUIRE(static_cast<std::size_t>(seq) % parallelism == i);
        REQUIRE(b->col(1).ints[r] == jan1 + seq * 1000);
        REQUIRE(b->col(2).string_at(r) == "k" + std::to_string(seq % 5));
        REQUIRE(b->col(3).doubles[r] == static_cast<double>(seq % 1000) / 10.0);
        seqs.push_back(seq);
      }
  }
  std::sort(seqs.begin(), seqs.end());
  std::vector<std::int64_t> expected(count);
  std::iota(expected.begin(), expected.end(), 0);
  CHECK(seqs == expected);
}

TEST_CASE("a generator instance beyond the count finishes at once") {
  core::operator_context ctx;
  ctx.instance = 3;
  ctx.parallelism = 4;
  auto op = make_operator("source.generator", {{"count", 2}}, ctx);
  recording_emitter out;
  CHECK(op->poll(out, 100).what == state::finished);
  CHECK(out.rows() == 0);
}

TEST_CASE("the generator never emits more than the budget") {
  auto op = make_operator("source.generator", {{"count", 20}});
  recording_emitter out;
  CHECK(op->poll(out, 7).what == state::more);
  CHECK(op->poll(out, 7).what == state::more);
  CHECK(op->poll(out, 7).what == state::finished);
  REQUIRE(out.batches[0].size() == 3);
  CHECK(out.batches[0][0]->rows() == 7);
  CHECK(out.batches[0][1]->rows() == 7);
  CHECK(out.batches[0][2]->rows() == 6);
}

TEST_CASE("the generator emits batches of at most 4096 records") {
  auto op = make_operator("source.generator", {{"count", 10000}});
  recording_emitter out;
  CHECK(op->poll(out, 100000).what == state::more);
  CHECK(out.rows() == 4096);
}

TEST_CASE("the generator reports finished with the batch holding its last record") {
  auto op = make_operator("source.generator", {{"count", 4096}});
  recording_emitter out;
  CHECK(op->poll(out, 4096).what == state::finished);
  CHECK(out.rows() == 4096);
  CHECK(op->poll(out, 4096).what == state::finished);
  CHECK(out.rows() == 4096);
}

TEST_CASE("a generator with count 0 never finishes") {
  auto op = make_operator("source.generator", {{"count", 0}});
  recording_emitter out;
  for (int i = 0; i < 10; ++i) REQUIRE(op->poll(out, 4096).what == state::more);
  CHECK(out.rows() == 40960);
}

TEST_CASE("the generator sends a watermark just past each batch's last timestamp") {
  auto op = make_operator("source.generator", {{"count", 10}, {"interval", "1s"}});
  recording_emitter out;
  op->poll(out, 4);
  op->poll(out, 4);
  op->poll(out, 4);
  CHECK(
    out.watermarks
    == std::vector<core::timestamp>{jan1 + 3000000 + 1, jan1 + 7000000 + 1, jan1 + 9000000 + 1});
}

TEST_CASE("with a rate the generator emits only the records due by the clock") {
  auto clock = std::make_shared<core::manual_clock>();
  core::operator_context ctx;
  ctx.clock = clock;
  auto op = make_operator("source.generator", {{"count", 100}, {"rate", 1000}}, ctx);
  recording_emitter out;

  auto r = op->poll(out, 1000); // the first record is due at once
  CHECK(out.rows() == 1);
  CHECK(r.what == state::wait);
  CHECK(r.wait_ns == 1000000);

  r = op->poll(out, 1000); // nothing more due yet
  CHECK(out.rows() == 1);
  CHECK(r.what == state::wait);
  CHECK(r.wait_ns == 1000000);

  clock->advance_ns(400000);
  r = op->poll(out, 1000);
  CHECK(r.what == state::wait);
  CHECK(r.wait_ns == 600000);

  clock->advance_ns(600000);
  op->poll(out, 1000);
  CHECK(out.rows() == 2);

  clock->advance_ns(10000000); // 10 ms: 10 more due, but the budget is 4
  CHECK(op->poll(out, 4).what == state::more);
  CHECK(out.rows() == 6);
  r = op->poll(out, 1000);
  CHECK(out.rows() == 12);
  CHECK(r.what == state::wait);

  clock->advance_ns(1000000000); // long past the end
  CHECK(op->poll(out, 1000).what == state::finished);
  CHECK(out.rows() == 100);
}

TEST_CASE("the generator's rate is shared by its parallel instances") {
  auto clock = std::make_shared<core::manual_clock>();
  core::operator_context ctx;
  ctx.clock = clock;
  ctx.instance = 1;
  ctx.parallelism = 2;
  auto op = make_operator("source.generator", {{"count", 100}, {"rate", 1000}}, ctx);
  recording_emitter out;
  auto r = op->poll(out, 1000);
  CHECK(out.json_rows().at(0).rfind(R"({"seq":1,)", 0) == 0);
  CHECK(r.what == state::wait);
  CHECK(r.wait_ns == 2000000);
  clock->advance_ns(10000000);
  op->poll(out, 1000);
  CHECK(out.rows() == 6);
}

TEST_CASE("generator params are checked and errors name the param") {
  using sluice::test::param_error_of;
  CHECK(param_error_of("source.generator", {{"keys", 0}})->param() == "keys");
  CHECK(param_error_of("source.generator", {{"count", -1}})->param() == "count");
  CHECK(param_error_of("source.generator", {{"rate", -5}})->param() == "rate");
  CHECK(param_error_of("source.generator", {{"interval", "soon"}})->param() == "interval");
  CHECK(param_error_of("source.generator", {{"start", "yesterday"}})->param() == "start");
  CHECK(param_error_of("source.generator", {{"colour", "red"}})->param() == "colour");
  CHECK_FALSE(param_error_of("source.generator", nlohmann::json::object()));
}

TEST_CASE("the generator describes every property with a default and help") {
  const auto& d = sluice::test::descriptor_of("source.generator");
  CHECK(d.category == "source");
  CHECK(d.is_source());
  CHECK(d.output_index("out") == 0);
  for (const auto& name : {"count", "rate", "keys", "interval", "start"}) {
    const auto* p = d.property(name);
    REQUIRE(p);
    CHECK_FALSE(p->help.empty());
    CHECK_FALSE(p->default_value.is_null());
  }
  CHECK(d.property("count")->default_value == 1000000);
}
