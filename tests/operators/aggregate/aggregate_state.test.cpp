#include <catch2/catch.hpp>

#include "operators/aggregate/aggregate_test_util.hpp"
#include "sluice/core/state.hpp"

// Every aggregate function's state, snapshot and restored into a fresh one
// (both forms: aggregate_state and aggregate_slots), gives the same result,
// goes on the same when more rows come, and merges the same.

using namespace sluice;
using namespace sluice::test;
using json = nlohmann::json;

namespace {

/// `n` rows of mixed_schema() with nulls in every field; `distinct` values
/// per field (strings, ints), so sketches can be made sparse or dense.
core::batch_ptr mixed_rows(std::size_t n, std::int64_t distinct) {
  core::batch_builder b(mixed_schema());
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::int64_t>(i);
    auto& v = b.column_at(0);
    auto& x = b.column_at(1);
    auto& s = b.column_at(2);
    auto& t = b.column_at(3);
    auto& flag = b.column_at(4);
    if (i % 7 == 3) {
      v.append_null();
      x.append_null();
      s.append_null();
      t.append_null();
      flag.append_null();
      continue;
    }
    v.append_int((k * 7919) % distinct - distinct / 3);
    x.append_double(static_cast<double>((k * 104729) % distinct) / 8.0 - 5.0);
    s.append_string("s" + std::to_string((k * 31) % distinct));
    t.append_int(1767225600000000 + ((k * 13) % distinct) * 1000000);
    flag.append_bool(k % 3 == 0);
  }
  return b.finish();
}

std::string result_json(const ops::aggregate::aggregate_function& fn,
                        const ops::aggregate::aggregate_state& s) {
  core::column c(fn.result_type());
  s.result(c);
  return value_json(fn.name(), c);
}

std::string result_json(const ops::aggregate::aggregate_function& fn,
                        const ops::aggregate::aggregate_slots& slots, std::uint32_t slot) {
  core::column c(fn.result_type());
  slots.results(&slot, 1, c);
  return value_json(fn.name(), c);
}

void add_rows(ops::aggregate::aggregate_state& s, const core::column* in, std::size_t from,
              std::size_t to) {
  for (std::size_t r = from; r < to; ++r) s.add(in, r);
}

std::string snapshot_of(const ops::aggregate::aggregate_state& s) {
  core::state_writer w;
  s.snapshot(w);
  return w.take();
}

std::unique_ptr<ops::aggregate::aggregate_state>
restored(const ops::aggregate::aggregate_function& fn, const std::string& bytes) {
  auto s = fn.create();
  core::state_reader r(bytes);
  s->restore(r);
  CHECK(r.at_end());
  return s;
}

/// The checks for one aggregate entry over `rows` rows with `distinct`
/// values per field.
void check_state_round_trip(const json& spec, std::size_t rows = 3000,
                            std::int64_t distinct = 2000) {
  CAPTURE(spec.dump());
  auto input = mixed_rows(rows, distinct);
  auto list = ops::aggregate::make_aggregates(json::array({spec}), *mixed_schema());
  const auto& fn = *list.at(0);
  const core::column* in =
    fn.input_index() < 0 ? nullptr : &input->col(static_cast<std::size_t>(fn.input_index()));
  const std::size_t half = rows / 2;

  // One state: the first half, snapshot, restored.
  auto original = fn.create();
  add_rows(*original, in, 0, half);
  const std::string bytes = snapshot_of(*original);
  auto copy = restored(fn, bytes);
  const std::string result = result_json(fn, *original);
  CHECK(result_json(fn, *copy) == result);
  CHECK(result != result_json(fn, *fn.create())); // the state is not empty
  CHECK(snapshot_of(*copy) == bytes);             // restore then snapshot: same bytes

  // Goes on the same: the second half added to both.
  auto later = fn.create();
  add_rows(*later, in, half, rows);
  auto go_on = restored(fn, bytes);
  add_rows(*original, in, half, rows);
  add_rows(*go_on, in, half, rows);
  CHECK(result_json(fn, *go_on) == result_json(fn, *original));

  // Merges the same, as the earlier input and as the later one.
  auto first_half = fn.create();
  add_rows(*first_half, in, 0, half);
  auto merged = restored(fn, bytes);
  merged->merge(*later);
  auto expected = fn.create();
  add_rows(*expected, in, 0, half);
  expected->merge(*later);
  CHECK(result_json(fn, *merged) == result_json(fn, *expected));
  auto into_later = fn.create();
  add_rows(*into_later, in, half, rows);
  into_later->merge(*restored(fn, bytes));
  auto expected_later = fn.create();
  add_rows(*expected_later, in, half, rows);
  expected_later->merge(*first_half);
  CHECK(result_json(fn, *into_later) == result_json(fn, *expected_later));

  // Slots: rows alternate between slots 3 and 1; written in the order 3, 1
  // and read into slots 0 and 2 of fresh slots.
  auto slots = fn.create_slots();
  slots->grow(4);
  std::vector<std::uint32_t> row_ids(half), to(half);
  for (std::size_t r = 0; r < half; ++r) {
    row_ids[r] = static_cast<std::uint32_t>(r);
    to[r] = r % 2 ? 1 : 3;
  }
  slots->add(in, row_ids.data(), to.data(), half);
  const std::uint32_t written[] = {3, 1}, read_into[] = {0, 2};
  core::state_writer w;
  slots->snapshot(written, 2, w);
  auto fresh = fn.create_slots();
  fresh->grow(4);
  core::state_reader r(w.data());
  fresh->restore(read_into, 2, r);
  CHECK(r.at_end());
  for (int i = 0; i < 2; ++i)
    CHECK(result_json(fn, *fresh, read_into[i]) == result_json(fn, *slots, written[i]));
  CHECK(result_json(fn, *fresh, 0) != result_json(fn, *fresh, 1)); // slot 1 stayed empty
  core::state_writer again;
  fresh->snapshot(read_into, 2, again);
  CHECK(again.data() == w.data());
  // Merging the two restored slots equals merging the originals.
  const std::uint32_t into_0[] = {0}, from_2[] = {2}, into_3[] = {3}, from_1[] = {1};
  fresh->merge(into_0, *fresh, from_2, 1);
  slots->merge(into_3, *slots, from_1, 1);
  CHECK(result_json(fn, *fresh, 0) == result_json(fn, *slots, 3));
}

} // namespace

TEST_CASE("count restored from a snapshot gives the same result and merges the same") {
  check_state_round_trip({{"fn", "count"}});
  check_state_round_trip({{"fn", "count"}, {"field", "s"}});
}

TEST_CASE("sum restored from a snapshot gives the same result and merges the same") {
  check_state_round_trip({{"fn", "sum"}, {"field", "v"}});
  check_state_round_trip({{"fn", "sum"}, {"field", "x"}});
}

TEST_CASE("avg restored from a snapshot gives the same result and merges the same") {
  check_state_round_trip({{"fn", "avg"}, {"field", "v"}});
  check_state_round_trip({{"fn", "avg"}, {"field", "x"}});
}

TEST_CASE("min and max restored from a snapshot give the same result and merge the same") {
  for (const char* fn : {"min", "max"})
    for (const char* field : {"v", "x", "s", "t", "b"})
      check_state_round_trip({{"fn", fn}, {"field", field}});
}

TEST_CASE("first and last restored from a snapshot give the same result and merge the same") {
  for (const char* fn : {"first", "last"})
    for (const char* field : {"v", "x", "s", "t", "b"})
      check_state_round_trip({{"fn", fn}, {"field", field}});
}

TEST_CASE("stddev and variance restored from a snapshot give the same bits and merge the same") {
  for (const char* fn : {"stddev", "variance"})
    for (const char* field : {"v", "x"}) check_state_round_trip({{"fn", fn}, {"field", field}});
}

TEST_CASE("count_distinct restored from a snapshot keeps every value it has seen") {
  for (const char* field : {"v", "x", "s", "t", "b"})
    check_state_round_trip({{"fn", "count_distinct"}, {"field", field}});
}

TEST_CASE("approx_count_distinct restored from a snapshot keeps its sparse hashes or registers") {
  check_state_round_trip({{"fn", "approx_count_distinct"}, {"field", "s"}}, 3000, 50);   // sparse
  check_state_round_trip({{"fn", "approx_count_distinct"}, {"field", "v"}}, 6000, 5000); // dense
  // Sparse in the snapshot, dense once the second half is added.
  check_state_round_trip({{"fn", "approx_count_distinct"}, {"field", "x"}}, 2200, 2200);
}

TEST_CASE("approx_percentile restored from a snapshot compacts and answers as the original") {
  check_state_round_trip({{"fn", "approx_percentile"}, {"field", "x"}, {"p", 0.9}});
  check_state_round_trip({{"fn", "approx_percentile"}, {"field", "v"}, {"p", 0.25}}, 20000);
}

TEST_CASE("top_k restored from a snapshot keeps its counters and their errors") {
  check_state_round_trip({{"fn", "top_k"}, {"field", "s"}, {"k", 3}}, 3000, 500);
  check_state_round_trip({{"fn", "top_k"}, {"field", "v"}, {"k", 2}}, 3000, 40);
}

TEST_CASE("a sketch state refuses the snapshot of a sketch of another size") {
  const auto& schema = *mixed_schema();
  auto small = ops::aggregate::make_aggregates(
    json::parse(R"([{"fn": "top_k", "field": "s", "k": 3}])"), schema);
  auto large = ops::aggregate::make_aggregates(
    json::parse(R"([{"fn": "top_k", "field": "s", "k": 30}])"), schema);
  auto input = mixed_rows(100, 20);
  auto s = small.at(0)->create();
  add_rows(*s, &input->col(2), 0, 100);
  const std::string bytes = snapshot_of(*s);
  auto other = large.at(0)->create();
  core::state_reader r(bytes);
  CHECK_THROWS_AS(other->restore(r), core::state_error);
}
