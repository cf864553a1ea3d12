#include <catch2/catch.hpp>

#include "operators/window/window_test_util.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

nlohmann::json counting(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json p = {{"size", 2},
                      {"timestamp", "ts"},
                      {"key", {"key"}},
                      {"aggregates", {{{"fn", "sum"}, {"field", "v"}}}}};
  p.update(extra);
  return p;
}

} // namespace

TEST_CASE("a tumbling count window emits every size records of a key") {
  auto op = make_window("window.tumbling", counting());
  auto& w = as_window(op);
  recording_emitter out(2);
  feed(*op, out, {{1, "a", 1}, {2, "b", 10}, {3, "a", 2}, {4, "a", 3}, {5, "b", 20}, {6, "a", 4}});
  CHECK(rows_text(out) == rows{"a 1 3.000001 3", "b 2 5.000001 30", "a 4 6.000001 7"});
  CHECK(w.open_windows() == 0); // every window is complete: no key holds state
  CHECK(w.open_groups() == 0);
  feed(*op, out, {{7, "c", 5}});
  CHECK(w.open_windows() == 1);
  finish(*op, out); // end of stream emits the partial window
  CHECK(rows_text(out).back() == "c 7 7.000001 5");
  CHECK(w.open_windows() == 0);
}

TEST_CASE("a count window's bounds cover its records even when they are out of order") {
  auto op = make_window("window.tumbling", counting({{"size", 3}}));
  recording_emitter out(2);
  feed(*op, out, {{5, "a", 1}, {3, "a", 1}, {4, "a", 1}});
  CHECK(rows_text(out) == rows{"a 3 5.000001 3"});
  CHECK(out.rows(1) == 0); // count windows have no late records
}

TEST_CASE("count windows keep many keys apart") {
  auto op = make_window("window.tumbling", counting({{"size", 10}}));
  recording_emitter out(2);
  std::vector<event> evs;
  for (int i = 0; i < 10000; ++i) evs.push_back({i * 0.001, "k" + std::to_string(i % 97), 1});
  feed(*op, out, evs, 333);
  CHECK(out.rows() == 97 * (10000 / 97 / 10)); // complete windows only
  for (const auto& r : rows_text(out)) CHECK(r.substr(r.size() - 3) == " 10");
  finish(*op, out);
  CHECK(as_window(op).open_windows() == 0);
}

TEST_CASE("processing-time count windows take their bounds from the clock") {
  auto clock = std::make_shared<core::manual_clock>();
  core::operator_context ctx;
  ctx.clock = clock;
  auto op = make_window("window.tumbling", counting({{"time", "processing"}}), ctx);
  recording_emitter out(2);
  clock->advance_ns(2000000000);
  feed(*op, out, {{100, "a", 1}});
  clock->advance_ns(1000000000);
  feed(*op, out, {{50, "a", 2}});
  CHECK(rows_text(out) == rows{"a 2 3.000001 3"});
}
