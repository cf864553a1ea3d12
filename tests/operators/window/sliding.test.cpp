#include <catch2/catch.hpp>

#include "operators/window/window_test_util.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

nlohmann::json sliding(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json p = {{"size", "10s"},
                      {"slide", "5s"},
                      {"timestamp", "ts"},
                      {"key", {"key"}},
                      {"aggregates", {{{"fn", "count"}}}}};
  p.update(extra);
  return p;
}

} // namespace

TEST_CASE("a sliding window counts each record in every window that holds it") {
  auto op = make_window("window.sliding", sliding());
  recording_emitter out(2);
  feed(*op, out, {{1, "a"}, {6, "a"}, {12, "a"}, {13, "b"}});
  CHECK(rows_text(out) == rows{"a -5 5 1", "a 0 10 2"});
  finish(*op, out);
  CHECK(rows_text(out)
        == rows{"a -5 5 1", "a 0 10 2", "a 5 15 2", "b 5 15 1", "a 10 20 1", "b 10 20 1"});
}

TEST_CASE("sliding windows start at multiples of slide even when size is not one") {
  auto op = make_window("window.sliding", sliding({{"slide", "4s"}}));
  recording_emitter out(2);
  feed(*op, out, {{1, "a"}, {5, "a"}, {9, "a"}, {13, "a"}});
  finish(*op, out);
  CHECK(rows_text(out)
        == rows{"a -8 2 1", "a -4 6 2", "a 0 10 3", "a 4 14 3", "a 8 18 2", "a 12 22 1"});
  CHECK(as_window(op).open_windows() == 0);
  CHECK(as_window(op).open_groups() == 0);
}

TEST_CASE("sliding windows merge their panes per key, with every aggregate") {
  auto op = make_window("window.sliding", sliding({{"aggregates",
                                                    {{{"fn", "sum"}, {"field", "v"}},
                                                     {{"fn", "min"}, {"field", "v"}},
                                                     {{"fn", "first"}, {"field", "v"}},
                                                     {{"fn", "last"}, {"field", "v"}},
                                                     {{"fn", "count_distinct"}, {"field", "v"}},
                                                     {{"fn", "variance"}, {"field", "v"}}}}}));
  recording_emitter out(2);
  feed(*op, out, {{1, "a", 4}, {2, "a", 2}, {6, "a", 2}, {7, "a", 8}});
  finish(*op, out);
  CHECK(rows_text(out)
        == rows{"a -5 5 6 2 4 2 2 2", "a 0 10 16 2 4 8 3 8", "a 5 15 10 2 2 8 2 18"});
}

TEST_CASE("a late record updates the sliding windows still held and skips the freed ones") {
  auto op = make_window("window.sliding", sliding({{"allowed_lateness", "5s"}}));
  recording_emitter out(2);
  feed(*op, out, {{1, "a"}, {11, "a"}});
  CHECK(rows_text(out) == rows{"a -5 5 1", "a 0 10 1"});
  // 4 s lies in [-5, 5), freed at progress 10, and in [0, 10), held until 15.
  feed(*op, out, {{4, "a"}});
  CHECK(rows_text(out) == rows{"a -5 5 1", "a 0 10 1", "a 0 10 2"});
  feed(*op, out, {{19, "a"}, {2, "a"}}); // 2 s: all its windows are gone
  CHECK(rows_text(out, 1) == rows{"2 a 1"});
  finish(*op, out);
  CHECK(rows_text(out)
        == rows{"a -5 5 1", "a 0 10 1", "a 0 10 2", "a 5 15 1", "a 10 20 2", "a 15 25 1"});
}

TEST_CASE("integer size and slide make sliding count windows per key") {
  auto op = make_window(
    "window.sliding",
    sliding({{"size", 3}, {"slide", 1}, {"aggregates", {{{"fn", "sum"}, {"field", "v"}}}}}));
  recording_emitter out(2);
  feed(*op, out, {{1, "a", 1}, {2, "a", 2}, {3, "b", 100}, {4, "a", 3}, {5, "a", 4}, {6, "a", 5}});
  CHECK(rows_text(out) == rows{"a 1 4.000001 6", "a 2 5.000001 9", "a 4 6.000001 12"});
  finish(*op, out);
  // End of stream: the open windows, by key (first seen first), oldest first.
  CHECK(rows_text(out)
        == rows{"a 1 4.000001 6", "a 2 5.000001 9", "a 4 6.000001 12", "a 5 6.000001 9",
                "a 6 6.000001 5", "b 3 3.000001 100"});
  CHECK(as_window(op).open_windows() == 0);
}

TEST_CASE("sliding windows reject a slide larger than size or of another kind") {
  auto e = param_error_of("window.sliding", sliding({{"slide", "20s"}}), event_schema());
  REQUIRE(e);
  CHECK(e->param() == "slide");
  e = param_error_of("window.sliding", sliding({{"slide", 2}}), event_schema());
  REQUIRE(e);
  CHECK(e->param() == "slide");
  auto p = sliding();
  p.erase("slide");
  e = param_error_of("window.sliding", p, event_schema());
  REQUIRE(e);
  CHECK(e->param() == "slide");
}

TEST_CASE("sliding windows reject more than 100000 panes per window") {
  // size 4294967296m over slide 20s validated, then the run merged panes forever.
  auto e = param_error_of("window.sliding", sliding({{"size", "4294967296m"}, {"slide", "20s"}}),
                          event_schema());
  REQUIRE(e);
  CHECK(e->param() == "slide");
  CHECK_THAT(std::string(e->what()), Catch::Contains("more than 100000"));
  CHECK_FALSE(param_error_of("window.sliding", sliding({{"size", "100000s"}, {"slide", "1s"}}),
                             event_schema()));
}

TEST_CASE("sketch aggregates work in sliding windows through their merged states") {
  auto op =
    make_window("window.sliding", sliding({{"aggregates",
                                            {{{"fn", "count_distinct"}, {"field", "v"}},
                                             {{"fn", "approx_count_distinct"}, {"field", "v"}}}}}));
  recording_emitter out(2);
  std::vector<event> evs;
  for (int i = 0; i < 300; ++i) evs.push_back({i * 0.1, "a", i % 37});
  feed(*op, out, evs, 50);
  finish(*op, out);
  REQUIRE(out.rows() == 7); // windows starting at -5, 0, ..., 25 s
  for (const auto& b : out.batches[0])
    for (std::size_t r = 0; r < b->rows(); ++r) {
      auto exact = static_cast<double>(b->col(3).ints[r]);
      CHECK(static_cast<double>(b->col(4).ints[r]) == Approx(exact).epsilon(0.05));
    }
}
