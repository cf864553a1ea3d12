#include <catch2/catch.hpp>

#include "operators/window/window_test_util.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

nlohmann::json session(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json p = {
    {"gap", "5s"}, {"timestamp", "ts"}, {"key", {"key"}}, {"aggregates", {{{"fn", "count"}}}}};
  p.update(extra);
  return p;
}

} // namespace

TEST_CASE("sessions end where a key is silent for the gap, and come out in end order") {
  auto op = make_window("window.session", session());
  recording_emitter out(2);
  feed(*op, out, {{1, "a"}, {2, "b"}, {3, "a"}, {10, "a"}});
  CHECK(rows_text(out) == rows{"b 2 7 1", "a 1 8 2"});
  finish(*op, out);
  CHECK(rows_text(out) == rows{"b 2 7 1", "a 1 8 2", "a 10 15 1"});
  CHECK(as_window(op).open_windows() == 0);
  CHECK(as_window(op).open_groups() == 0);
}

TEST_CASE("records exactly a gap apart start a new session") {
  auto op = make_window("window.session", session());
  recording_emitter out(2);
  feed(*op, out, {{1, "a"}, {6, "a"}});
  finish(*op, out);
  CHECK(rows_text(out) == rows{"a 1 6 1", "a 6 11 1"});
}

TEST_CASE("a record bridging two sessions merges them into one") {
  auto op = make_window(
    "window.session",
    session(
      {{"max_out_of_order", "10s"},
       {"aggregates",
        {{{"fn", "count"}}, {{"fn", "sum"}, {"field", "v"}}, {{"fn", "first"}, {"field", "v"}}}}}));
  recording_emitter out(2);
  feed(*op, out, {{1, "a", 1}, {10, "a", 2}, {5.5, "a", 4}});
  CHECK(as_window(op).open_windows() == 1);
  finish(*op, out);
  CHECK(rows_text(out) == rows{"a 1 15 3 7 1"});
}

TEST_CASE("a late session goes to the late port; a held one is updated and emitted again") {
  auto op = make_window("window.session", session({{"allowed_lateness", "5s"}}));
  recording_emitter out(2);
  feed(*op, out, {{1, "a"}, {7, "b"}});
  CHECK(rows_text(out) == rows{"a 1 6 1"});
  // Extends the emitted a session to [1, 9), not complete yet at progress 7.
  feed(*op, out, {{4, "a"}});
  CHECK(rows_text(out) == rows{"a 1 6 1"});
  feed(*op, out, {{20, "b"}});
  CHECK(rows_text(out) == rows{"a 1 6 1", "a 1 9 2", "b 7 12 1"});
  CHECK(as_window(op).open_windows() == 1); // a and the first b session are freed
  feed(*op, out, {{2, "a"}});               // would be [2, 7): complete for more than 5 s
  finish(*op, out);
  CHECK(rows_text(out) == rows{"a 1 6 1", "a 1 9 2", "b 7 12 1", "b 20 25 1"});
  CHECK(rows_text(out, 1) == rows{"2 a 1"});
}

TEST_CASE("a record landing in a complete held session emits its corrected result at once") {
  auto op = make_window("window.session", session({{"allowed_lateness", "5s"}}));
  recording_emitter out(2);
  feed(*op, out, {{1, "a"}, {7, "b"}, {1.5, "a"}});
  CHECK(rows_text(out) == rows{"a 1 6 1", "a 1 6.5 2"});
  finish(*op, out);
  CHECK(rows_text(out) == rows{"a 1 6 1", "a 1 6.5 2", "b 7 12 1"});
}

TEST_CASE("session state is freed as sessions complete, over many keys") {
  auto op = make_window("window.session", session({{"gap", "1s"}}));
  auto& w = as_window(op);
  recording_emitter out(2);
  std::vector<event> evs;
  // Each key is active for 2 s (a record every 0.5 s), then silent.
  for (int k = 0; k < 200; ++k)
    for (int i = 0; i < 5; ++i) evs.push_back({k * 3.0 + i * 0.5, "k" + std::to_string(k), 1});
  feed(*op, out, evs, 64);
  CHECK(w.open_windows() <= 2);
  finish(*op, out);
  CHECK(out.rows() == 200);
  for (const auto& r : rows_text(out)) CHECK(r.substr(r.size() - 2) == " 5");
  CHECK(w.open_windows() == 0);
  CHECK(w.open_groups() == 0);
}

TEST_CASE("sessions reject a missing or zero gap") {
  auto p = session();
  p.erase("gap");
  auto e = param_error_of("window.session", p, event_schema());
  REQUIRE(e);
  CHECK(e->param() == "gap");
  e = param_error_of("window.session", session({{"gap", "0s"}}), event_schema());
  REQUIRE(e);
  CHECK(e->param() == "gap");
}
