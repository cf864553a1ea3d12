#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "operators/harness.hpp"

using namespace sluice;
using core::value_type;
using json = nlohmann::json;
using sluice::test::make_batch;
using sluice::test::make_transform;
using sluice::test::param_error_of;
using sluice::test::recording_emitter;

namespace {

const core::schema_ptr events = core::make_schema(
  {{"seq", value_type::int64}, {"ts", value_type::timestamp}, {"name", value_type::string}});

constexpr std::int64_t second = 1000000;

/// Records seq = from..to-1, one per second of event time, name "r<seq>".
core::batch_ptr records(std::int64_t from, std::int64_t to) {
  core::batch_builder b(events);
  for (std::int64_t i = from; i < to; ++i) {
    b.column_at(0).append_int(i);
    b.column_at(1).append_int(i * second);
    b.column_at(2).append_string("r" + std::to_string(i));
  }
  return b.finish();
}

/// Feeds records 0..n-1 in batches of `batch`, then ends the stream.
void feed(core::operator_base& op, recording_emitter& out, std::int64_t n, std::int64_t batch) {
  for (std::int64_t i = 0; i < n; i += batch)
    op.on_batch_from(0, 0, records(i, std::min(n, i + batch)), out);
  op.on_end_of_stream(out);
}

/// The seq values emitted, in order.
std::vector<std::int64_t> seqs(const recording_emitter& out) {
  std::vector<std::int64_t> v;
  for (const auto& b : out.batches[0])
    for (std::size_t r = 0; r < b->rows(); ++r) v.push_back(b->col(0).ints[r]);
  return v;
}

} // namespace

TEST_CASE("a reservoir sample keeps k records unchanged and emits them at end of stream") {
  auto op = make_transform("synopsis.sample", {{"k", 10}, {"seed", 1}}, events);
  recording_emitter out;
  op->on_batch_from(0, 0, records(0, 500), out);
  op->on_batch_from(0, 0, records(500, 1000), out);
  CHECK(out.rows() == 0);
  op->on_end_of_stream(out);
  REQUIRE(out.rows() == 10);
  CHECK(*out.batches[0][0]->schema_of() == *events);
  auto s = seqs(out);
  CHECK(std::is_sorted(s.begin(), s.end())); // arrival order
  CHECK(std::set<std::int64_t>(s.begin(), s.end()).size() == 10);
  // Every record is emitted as it came in.
  for (const auto& row : out.json_rows()) {
    auto rec = json::parse(row);
    auto seq = rec["seq"].get<std::int64_t>();
    CHECK(rec["name"] == "r" + std::to_string(seq));
    CHECK(rec["ts"] == core::format_iso8601(seq * second));
  }
  CHECK(out.filtered_count == 990);
}

TEST_CASE("a reservoir sample with a seed is the same for any batch size") {
  auto sample = [](std::int64_t batch) {
    auto op = make_transform("synopsis.sample", {{"k", 25}, {"seed", 7}}, events);
    recording_emitter out;
    feed(*op, out, 10000, batch);
    return seqs(out);
  };
  auto whole = sample(10000);
  CHECK(whole.size() == 25);
  CHECK(sample(7) == whole);
  CHECK(sample(1000) == whole);
  auto op = make_transform("synopsis.sample", {{"k", 25}, {"seed", 8}}, events);
  recording_emitter other;
  feed(*op, other, 10000, 10000);
  CHECK(seqs(other) != whole);
}

TEST_CASE("a reservoir sample picks every record with about equal probability") {
  // 2000 samples of 10 out of 100: each record is expected 200 times.
  std::vector<int> hits(100, 0);
  for (int seed = 0; seed < 2000; ++seed) {
    auto op = make_transform("synopsis.sample", {{"k", 10}, {"seed", seed}}, events);
    recording_emitter out;
    feed(*op, out, 100, 100);
    for (auto s : seqs(out)) ++hits[static_cast<std::size_t>(s)];
  }
  double chi_square = 0.0;
  for (int h : hits) chi_square += (h - 200.0) * (h - 200.0) / 200.0;
  // 99 degrees of freedom: mean 99, standard deviation 14; a wide margin.
  CHECK(chi_square < 99 + 6 * 14);
  CHECK(*std::min_element(hits.begin(), hits.end()) > 120);
  CHECK(*std::max_element(hits.begin(), hits.end()) < 280);
}

TEST_CASE("a reservoir larger than the stream emits every record") {
  auto op = make_transform("synopsis.sample", {{"k", 10}, {"seed", 1}}, events);
  recording_emitter out;
  feed(*op, out, 5, 2);
  CHECK(seqs(out) == std::vector<std::int64_t>{0, 1, 2, 3, 4});
  CHECK(out.filtered_count == 0);
}

TEST_CASE("a reservoir sample holds input watermarks back") {
  auto op = make_transform("synopsis.sample", {{"k", 3}, {"seed", 1}}, events);
  recording_emitter out;
  op->on_batch_from(0, 0, records(0, 10), out);
  op->on_watermark(5 * second, out);
  CHECK(out.watermarks.empty());
}

TEST_CASE("a bernoulli sample keeps each record with probability p as records arrive") {
  auto op =
    make_transform("synopsis.sample", {{"method", "bernoulli"}, {"p", 0.1}, {"seed", 3}}, events);
  recording_emitter out;
  for (std::int64_t i = 0; i < 100000; i += 1000)
    op->on_batch_from(0, 0, records(i, i + 1000), out);
  const std::size_t kept = out.rows();
  CHECK(kept > 10000 - 500); // five standard deviations (95)
  CHECK(kept < 10000 + 500);
  CHECK(kept + out.filtered_count == 100000);
  auto s = seqs(out);
  CHECK(std::is_sorted(s.begin(), s.end()));
  out.clear();
  op->on_end_of_stream(out);
  CHECK(out.rows() == 0);
}

TEST_CASE("a bernoulli sample with a seed is the same for any batch size") {
  auto sample = [](std::int64_t batch) {
    auto op =
      make_transform("synopsis.sample", {{"method", "bernoulli"}, {"p", 0.3}, {"seed", 5}}, events);
    recording_emitter out;
    feed(*op, out, 3000, batch);
    return seqs(out);
  };
  auto whole = sample(3000);
  CHECK(sample(1) == whole);
  CHECK(sample(77) == whole);
}

TEST_CASE("a bernoulli sample with p 1 keeps every record and with p 0 none") {
  auto all = make_transform("synopsis.sample", {{"method", "bernoulli"}, {"p", 1.0}}, events);
  auto none = make_transform("synopsis.sample", {{"method", "bernoulli"}, {"p", 0}}, events);
  recording_emitter a, n;
  auto in = records(0, 50);
  all->on_batch_from(0, 0, in, a);
  none->on_batch_from(0, 0, in, n);
  REQUIRE(a.batches[0].size() == 1);
  CHECK(a.batches[0][0] == in);
  CHECK(n.rows() == 0);
  CHECK(n.filtered_count == 50);
}

TEST_CASE("a windowed reservoir emits each tumbling window's sample once the window is complete") {
  auto op = make_transform("synopsis.sample",
                           {{"k", 2}, {"seed", 1}, {"window", "10s"}, {"timestamp", "ts"}}, events);
  recording_emitter out;
  op->on_batch_from(0, 0, records(0, 10), out); // event time 0..9 s: [0, 10) not complete yet
  CHECK(out.rows() == 0);
  op->on_batch_from(0, 0, records(10, 25), out); // reaches 24 s: [0, 10) and [10, 20) complete
  REQUIRE(out.batches[0].size() == 2);
  for (std::size_t w = 0; w < 2; ++w) {
    const auto& b = *out.batches[0][w];
    CHECK(b.rows() == 2);
    for (std::size_t r = 0; r < b.rows(); ++r) {
      CHECK(b.col(1).ints[r] >= static_cast<std::int64_t>(w) * 10 * second);
      CHECK(b.col(1).ints[r] < static_cast<std::int64_t>(w + 1) * 10 * second);
    }
  }
  CHECK(out.watermarks == std::vector<core::timestamp>{0, 20 * second});
  op->on_end_of_stream(out);
  REQUIRE(out.batches[0].size() == 3);
  CHECK(out.batches[0][2]->col(1).ints[0] >= 20 * second);
  CHECK(out.filtered_count == 25 - 6);
}

TEST_CASE("a windowed reservoir counts records of an already emitted window as late") {
  auto op = make_transform("synopsis.sample",
                           {{"k", 5}, {"seed", 1}, {"window", "10s"}, {"timestamp", "ts"}}, events);
  recording_emitter out;
  op->on_batch_from(0, 0, records(0, 12), out); // [0, 10) emitted
  CHECK(out.rows() == 5);
  op->on_batch_from(0, 0, records(3, 4), out); // 3 s: its window is gone
  CHECK(out.late_count == 1);
  op->on_end_of_stream(out);
  CHECK(out.rows() == 7);
  CHECK(out.rows() + out.filtered_count + out.late_count == 13);
}

TEST_CASE("a windowed reservoir waits for max_out_of_order and sends a null timestamp to errors") {
  auto op = make_transform(
    "synopsis.sample",
    {{"k", 5}, {"window", "10s"}, {"timestamp", "ts"}, {"max_out_of_order", "5s"}}, events);
  recording_emitter out;
  op->on_batch_from(0, 0, records(0, 14), out);
  CHECK(out.rows() == 0); // progress is 13 s - 5 s
  op->on_batch_from(
    0, 0, make_batch(events, R"([[99, null, "x"], [4, "1970-01-01T00:00:04Z", "r4"]])"), out);
  CHECK(out.errors.size() == 1);
  CHECK(out.late_count == 0);
  op->on_batch_from(0, 0, records(15, 16), out);
  CHECK(out.rows() == 5);
}

TEST_CASE("the sample refuses inconsistent window and timestamp params") {
  auto e = param_error_of("synopsis.sample", {{"window", "10s"}}, events);
  REQUIRE(e);
  CHECK(e->param() == "timestamp");
  e = param_error_of("synopsis.sample", {{"timestamp", "ts"}}, events);
  REQUIRE(e);
  CHECK(e->param() == "window");
  e = param_error_of("synopsis.sample", {{"window", "10s"}, {"timestamp", "name"}}, events);
  REQUIRE(e);
  CHECK(std::string(e->what()) == "field 'name' is not a timestamp");
  e = param_error_of("synopsis.sample",
                     {{"method", "bernoulli"}, {"window", "10s"}, {"timestamp", "ts"}}, events);
  REQUIRE(e);
  CHECK(e->param() == "window");
  e = param_error_of("synopsis.sample", {{"k", 0}}, events);
  REQUIRE(e);
  CHECK(e->param() == "k");
}
