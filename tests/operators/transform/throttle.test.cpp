#include <catch2/catch.hpp>

#include "operators/harness.hpp"

using namespace sluice;
using sluice::test::output_schemas_of;
using sluice::test::recording_emitter;
using state = core::poll_result::state;

namespace {

const core::schema_ptr seq_schema = core::make_schema({{"seq", core::value_type::int64}});

core::batch_ptr seq_batch(std::int64_t from, std::int64_t n) {
  core::batch_builder b(seq_schema);
  for (std::int64_t i = 0; i < n; ++i) b.column_at(0).append_int(from + i);
  return b.finish();
}

std::vector<std::int64_t> seqs(const recording_emitter& out) {
  std::vector<std::int64_t> v;
  for (const auto& b : out.batches[0])
    v.insert(v.end(), b->col(0).ints.begin(), b->col(0).ints.end());
  return v;
}

struct throttle_fixture {
  std::shared_ptr<core::manual_clock> clock = std::make_shared<core::manual_clock>();
  core::operator_ptr op;
  recording_emitter out;

  explicit throttle_fixture(double rate) {
    core::operator_context ctx;
    ctx.clock = clock;
    ctx.inputs = {seq_schema};
    op = sluice::test::make_operator("transform.throttle", {{"rate", rate}}, ctx);
  }
};

} // namespace

TEST_CASE("the throttle releases a burst of a tenth of a second, then wakes for 5 ms chunks") {
  throttle_fixture t(1000); // burst: 100 records
  t.op->on_batch_from(0, 0, seq_batch(0, 250), t.out);
  CHECK(t.out.rows() == 100);

  auto r = t.op->poll(t.out, 1000);
  CHECK(r.what == state::wait);
  CHECK(r.wait_ns == 5000000); // 5 records at 1000/s
  CHECK(t.out.rows() == 100);

  t.clock->advance_ns(5000000);
  r = t.op->poll(t.out, 1000);
  CHECK(t.out.rows() == 105);
  CHECK(r.what == state::wait);

  t.clock->advance_ns(50000000);
  t.op->poll(t.out, 1000);
  CHECK(t.out.rows() == 155);

  t.clock->advance_ns(1000000000); // a second refills only the 100-token bucket
  t.op->on_batch_from(0, 0, seq_batch(250, 200), t.out);
  CHECK(t.out.rows() == 255);
  CHECK(t.op->poll(t.out, 1000).what == state::wait);

  t.clock->advance_ns(1000000000);
  CHECK(t.op->poll(t.out, 1000).what == state::wait);
  CHECK(t.out.rows() == 355);

  std::vector<std::int64_t> expected(355);
  for (std::int64_t i = 0; i < 355; ++i) expected[static_cast<std::size_t>(i)] = i;
  CHECK(seqs(t.out) == expected);
}

TEST_CASE("the throttle says idle when it holds nothing") {
  throttle_fixture t(1000);
  CHECK(t.op->poll(t.out, 1000).what == state::idle);
  t.op->on_batch_from(0, 0, seq_batch(0, 10), t.out);
  CHECK(t.op->poll(t.out, 1000).what == state::idle);
  CHECK(t.out.rows() == 10);
}

TEST_CASE("the throttle passes a whole batch on without copying it") {
  throttle_fixture t(1000);
  auto b = seq_batch(0, 10);
  t.op->on_batch_from(0, 0, b, t.out);
  REQUIRE(t.out.batches[0].size() == 1);
  CHECK(t.out.batches[0][0] == b);
}

TEST_CASE("the throttle never releases more than the poll budget") {
  throttle_fixture t(1000);
  t.op->on_batch_from(0, 0, seq_batch(0, 150), t.out); // 100 out, 50 held
  t.clock->advance_ns(100000000);                      // 100 tokens again
  CHECK(t.op->poll(t.out, 20).what == state::more);
  CHECK(t.out.rows() == 120);
}

TEST_CASE("the throttle holds a watermark until the records before it are released") {
  throttle_fixture t(1000);
  t.op->on_batch_from(0, 0, seq_batch(0, 150), t.out); // 50 held
  t.op->on_watermark(500, t.out);
  CHECK(t.out.watermarks.empty());

  t.clock->advance_ns(30000000); // 30 of the 50
  t.op->poll(t.out, 1000);
  CHECK(t.out.rows() == 130);
  CHECK(t.out.watermarks.empty());

  t.clock->advance_ns(20000000); // the last 20
  CHECK(t.op->poll(t.out, 1000).what == state::idle);
  CHECK(t.out.rows() == 150);
  CHECK(t.out.watermarks == std::vector<core::timestamp>{500});

  t.op->on_watermark(600, t.out); // nothing held: forwarded at once
  CHECK(t.out.watermarks == std::vector<core::timestamp>{500, 600});
}

TEST_CASE("the throttle forwards each held watermark once the records before it are out") {
  throttle_fixture t(1000);
  t.op->on_batch_from(0, 0, seq_batch(0, 110), t.out); // 10 held
  t.op->on_watermark(100, t.out);
  t.op->on_batch_from(0, 0, seq_batch(110, 10), t.out); // 20 held
  t.op->on_watermark(200, t.out);
  t.clock->advance_ns(10000000);
  t.op->poll(t.out, 1000);
  CHECK(t.out.rows() == 110);
  CHECK(t.out.watermarks == std::vector<core::timestamp>{100});
  t.clock->advance_ns(10000000);
  t.op->poll(t.out, 1000);
  CHECK(t.out.watermarks == std::vector<core::timestamp>{100, 200});
}

TEST_CASE("at end of stream the throttle releases everything it holds at once") {
  throttle_fixture t(10);
  t.op->on_batch_from(0, 0, seq_batch(0, 50), t.out); // burst of 1
  t.op->on_watermark(77, t.out);
  CHECK(t.out.rows() == 1);
  t.op->on_end_of_stream(t.out);
  CHECK(t.out.rows() == 50);
  CHECK(t.out.watermarks == std::vector<core::timestamp>{77});
  CHECK(t.op->poll(t.out, 1000).what == state::idle);
}

TEST_CASE("the throttle keeps its input schema") {
  auto schemas = output_schemas_of("transform.throttle", {{"rate", 5}}, {seq_schema});
  REQUIRE(schemas.size() == 1);
  CHECK(*schemas[0] == *seq_schema);
}

TEST_CASE("the throttle's rate is required and must be positive") {
  using sluice::test::param_error_of;
  CHECK(param_error_of("transform.throttle", nlohmann::json::object(), seq_schema)->param()
        == "rate");
  CHECK(param_error_of("transform.throttle", {{"rate", 0}}, seq_schema)->param() == "rate");
  CHECK(param_error_of("transform.throttle", {{"rate", -1}}, seq_schema)->param() == "rate");
  CHECK(param_error_of("transform.throttle", {{"rate", "fast"}}, seq_schema)->param() == "rate");
}
