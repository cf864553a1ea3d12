#include <catch2/catch.hpp>

#include "operators/window/window_test_util.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

nlohmann::json tumbling(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json p = {{"size", "10s"},
                      {"timestamp", "ts"},
                      {"key", {"key"}},
                      {"aggregates", {{{"fn", "count"}}, {{"fn", "sum"}, {"field", "v"}}}}};
  p.update(extra);
  return p;
}

} // namespace

TEST_CASE("a tumbling window counts and sums per key and window, in event time") {
  auto op = make_window("window.tumbling", tumbling());
  recording_emitter out(2);
  feed(*op, out, {{1, "a", 1}, {2, "b", 2}, {5, "a", 3}, {12, "a", 4}, {15, "b", 5}, {25, "a", 6}});
  CHECK(rows_text(out) == rows{"a 0 10 2 4", "b 0 10 1 2", "a 10 20 1 4", "b 10 20 1 5"});
  finish(*op, out);
  CHECK(rows_text(out)
        == rows{"a 0 10 2 4", "b 0 10 1 2", "a 10 20 1 4", "b 10 20 1 5", "a 20 30 1 6"});
  CHECK(out.rows(1) == 0);
}

TEST_CASE("the output schema is the key fields, window_start, window_end, then the aggregates") {
  auto schemas = output_schemas_of("window.tumbling", tumbling(), {event_schema()});
  REQUIRE(schemas.size() == 2);
  CHECK(schemas[0]->to_string()
        == "key:string, window_start:timestamp, window_end:timestamp, count:int, sum_v:int");
  CHECK(*schemas[1] == *event_schema()); // late records go out unchanged
}

TEST_CASE("time windows are aligned to the epoch") {
  auto op = make_window("window.tumbling", tumbling({{"size", "1m"}}));
  recording_emitter out(2);
  feed(*op, out, {{59, "a"}, {61, "a"}, {-1, "b"}});
  finish(*op, out);
  // -1 s is late (progress is 61 s), the rest falls into [0, 60) and [60, 120).
  CHECK(rows_text(out) == rows{"a 0 60 1 1", "a 60 120 1 1"});
  CHECK(rows_text(out, 1) == rows{"-1 b 1"});
}

TEST_CASE("a window is emitted once progress reaches its end, not before") {
  auto op = make_window("window.tumbling", tumbling());
  recording_emitter out(2);
  feed(*op, out, {{1, "a"}, {9.999999, "a"}});
  CHECK(out.rows() == 0);
  feed(*op, out, {{10, "b"}});
  CHECK(rows_text(out) == rows{"a 0 10 2 2"});
  finish(*op, out);
  CHECK(rows_text(out) == rows{"a 0 10 2 2", "b 10 20 1 1"});
}

TEST_CASE("an empty key makes one group over all records") {
  auto op = make_window("window.tumbling", tumbling({{"key", nlohmann::json::array()}}));
  recording_emitter out(2);
  feed(*op, out, {{1, "a", 1}, {2, "b", 2}, {11, "c", 3}});
  finish(*op, out);
  CHECK(rows_text(out) == rows{"0 10 2 3", "10 20 1 3"});
}

TEST_CASE("a key of several fields groups by all of them") {
  auto op = make_window("window.tumbling", tumbling({{"key", {"key", "v"}}}));
  recording_emitter out(2);
  feed(*op, out, {{1, "a", 1}, {2, "a", 2}, {3, "a", 1}, {4, "b", 1}});
  finish(*op, out);
  CHECK(rows_text(out) == rows{"a 1 0 10 2 2", "a 2 0 10 1 2", "b 1 0 10 1 1"});
}

TEST_CASE("records out of order within max_out_of_order still count in their window") {
  auto op = make_window("window.tumbling", tumbling({{"max_out_of_order", "5s"}}));
  recording_emitter out(2);
  feed(*op, out, {{1, "a"}, {8, "a"}, {12, "a"}, {9, "a"}, {14, "a"}});
  CHECK(out.rows() == 0); // progress is 14 - 5 = 9
  feed(*op, out, {{16, "a"}});
  CHECK(rows_text(out) == rows{"a 0 10 3 3"});
  finish(*op, out);
  CHECK(rows_text(out) == rows{"a 0 10 3 3", "a 10 20 3 3"});
  CHECK(out.rows(1) == 0);
}

TEST_CASE("a record whose window is complete goes to the late port unchanged") {
  auto op = make_window("window.tumbling", tumbling());
  recording_emitter out(2);
  feed(*op, out, {{1, "a", 1}, {12, "a", 2}, {9, "a", 7}});
  finish(*op, out);
  CHECK(rows_text(out) == rows{"a 0 10 1 1", "a 10 20 1 2"});
  CHECK(rows_text(out, 1) == rows{"9 a 7"});
  CHECK(out.late_count == 0);
}

TEST_CASE("late records are counted, not emitted, when the late port is unconnected") {
  core::operator_context ctx;
  ctx.output_connected = {true, false};
  auto op = make_window("window.tumbling", tumbling(), ctx);
  recording_emitter out(2);
  feed(*op, out, {{1, "a"}, {12, "a"}, {9, "a"}, {3, "b"}});
  finish(*op, out);
  CHECK(out.rows(1) == 0);
  CHECK(out.late_count == 2);
}

TEST_CASE("records within allowed_lateness update the window and emit a corrected row") {
  auto op = make_window("window.tumbling", tumbling({{"allowed_lateness", "5s"}}));
  auto& w = as_window(op);
  recording_emitter out(2);
  feed(*op, out, {{1, "a", 1}, {12, "a", 2}});
  CHECK(rows_text(out) == rows{"a 0 10 1 1"});
  CHECK(w.open_windows() == 2); // [0, 10) is kept until progress reaches 15
  feed(*op, out, {{9, "a", 3}, {3, "b", 10}});
  CHECK(rows_text(out) == rows{"a 0 10 1 1", "a 0 10 2 4", "b 0 10 1 10"});
  feed(*op, out, {{16, "a", 4}});
  CHECK(w.open_windows() == 1); // [0, 10) can no longer change: freed
  feed(*op, out, {{8, "a", 5}});
  finish(*op, out);
  CHECK(rows_text(out) == rows{"a 0 10 1 1", "a 0 10 2 4", "b 0 10 1 10", "a 10 20 2 6"});
  CHECK(rows_text(out, 1) == rows{"8 a 5"});
}

TEST_CASE("window state is freed as soon as a window can no longer change") {
  auto op = make_window("window.tumbling", tumbling({{"size", "1s"}}));
  auto& w = as_window(op);
  recording_emitter out(2);
  std::vector<event> evs;
  for (int i = 0; i < 10000; ++i) evs.push_back({i * 0.01, "k" + std::to_string(i % 50), 1});
  for (std::size_t i = 0; i < evs.size(); i += 100) {
    feed(*op, out,
         std::vector<event>(evs.begin() + static_cast<long>(i),
                            evs.begin() + static_cast<long>(i + 100)));
    CHECK(w.open_windows() <= 2);
    CHECK(w.open_groups() <= 100);
  }
  finish(*op, out);
  CHECK(w.open_windows() == 0);
  CHECK(w.open_groups() == 0);
  CHECK(out.rows() == 100 * 50);
}

TEST_CASE("end of stream completes every open window") {
  auto op = make_window("window.tumbling", tumbling({{"max_out_of_order", "1h"}}));
  recording_emitter out(2);
  feed(*op, out, {{25, "a"}, {5, "b"}, {15, "a"}});
  CHECK(out.rows() == 0);
  op->on_end_of_stream(out);
  CHECK(rows_text(out) == rows{"b 0 10 1 1", "a 10 20 1 1", "a 20 30 1 1"});
  CHECK(as_window(op).open_windows() == 0);
}

TEST_CASE("a null timestamp sends the record to errors and the rest goes on") {
  auto op = make_window("window.tumbling", tumbling());
  recording_emitter out(2);
  op->on_batch_from(0, 0, make_batch(event_schema(), R"([["1970-01-01T00:00:01Z", "a", 1],
                                                 [null, "a", 2],
                                                 ["1970-01-01T00:00:02Z", "a", 3]])"),
                    out);
  finish(*op, out);
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].reason == "timestamp field 'ts' is null");
  CHECK(out.errors[0].record.find("\"v\":2") != std::string::npos);
  CHECK(rows_text(out) == rows{"a 0 10 2 4"});
}

TEST_CASE("the window forwards its progress as a watermark when it moves") {
  auto op = make_window("window.tumbling", tumbling({{"max_out_of_order", "2s"}}));
  recording_emitter out(2);
  feed(*op, out, {{5, "a"}}, 1);
  feed(*op, out, {{4, "a"}}, 1);
  feed(*op, out, {{9, "a"}}, 1);
  CHECK(out.watermarks == std::vector<core::timestamp>{micros(3), micros(7)});
  op->on_watermark(micros(100), out); // upstream watermarks are not used
  CHECK(out.watermarks.size() == 2);
  CHECK(op->poll(out, 100).what == core::poll_result::state::idle);
}

TEST_CASE("tumbling windows reject bad params with the property named") {
  auto err = [](nlohmann::json p) { return param_error_of("window.tumbling", p, event_schema()); };
  auto e = err(tumbling({{"size", "10 parsecs"}}));
  REQUIRE(e);
  CHECK(e->param() == "size");
  e = err(tumbling({{"size", 0}}));
  REQUIRE(e);
  CHECK(e->param() == "size");
  auto p = tumbling();
  p.erase("timestamp");
  e = err(p);
  REQUIRE(e);
  CHECK(e->param() == "timestamp");
  e = err(tumbling({{"timestamp", "key"}}));
  REQUIRE(e);
  CHECK(std::string(e->what()) == "field 'key' is a string; it must be a timestamp");
  e = err(tumbling({{"key", {"nope"}}}));
  REQUIRE(e);
  CHECK(e->param() == "key");
  e = err(tumbling({{"aggregates", {{{"fn", "count"}, {"as", "window_end"}}}}}));
  REQUIRE(e);
  CHECK(e->param() == "aggregates");
  CHECK(std::string(e->what()).rfind("aggregates[0]: output name 'window_end' clashes", 0) == 0);
  e = err(tumbling({{"aggregates", {{{"fn", "sum"}, {"field", "key"}}}}}));
  REQUIRE(e);
  CHECK(std::string(e->what()) == "aggregates[0]: sum needs a number field, 'key' is a string");
  CHECK(param_error_of("window.tumbling", tumbling())->param() == ""); // input not connected
}

TEST_CASE("the three window kinds are in the catalog with ports in, out and late") {
  for (const char* kind : {"window.tumbling", "window.sliding", "window.session"}) {
    const auto& d = descriptor_of(kind);
    CHECK(d.category == "window");
    REQUIRE(d.inputs.size() == 1);
    REQUIRE(d.outputs.size() == 2);
    CHECK(d.outputs[0].name == "out");
    CHECK(d.outputs[1].name == "late");
    CHECK(d.property("allowed_lateness"));
    CHECK(d.property("idle_timeout"));
  }
}
