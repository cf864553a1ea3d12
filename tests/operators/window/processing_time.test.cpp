#include <catch2/catch.hpp>

#include "operators/window/window_test_util.hpp"

using namespace sluice;
using namespace sluice::test;
using state = core::poll_result::state;

namespace {

constexpr std::int64_t ms = 1000000; // nanoseconds

struct processing_fixture {
  std::shared_ptr<core::manual_clock> clock = std::make_shared<core::manual_clock>();
  recording_emitter out{2};

  core::operator_ptr make(const std::string& kind, nlohmann::json params) {
    core::operator_context ctx;
    ctx.clock = clock;
    params["time"] = "processing";
    params["key"] = {"key"};
    params["aggregates"] = {{{"fn", "count"}}};
    return make_window(kind, params, ctx);
  }
};

} // namespace

TEST_CASE_METHOD(processing_fixture, "processing-time windows follow the injected clock") {
  auto op = make("window.tumbling", {{"size", "1s"}});
  clock->advance_ns(200 * ms);
  feed(*op, out, {{999, "a"}, {-5, "a"}, {0, "b"}}); // event times do not matter
  auto r = op->poll(out, 100);
  CHECK(r.what == state::timer);
  CHECK(r.wait_ns == 800 * ms);
  CHECK(out.rows() == 0);
  clock->advance_ns(799 * ms);
  op->poll(out, 100);
  CHECK(out.rows() == 0);
  clock->advance_ns(1 * ms);
  r = op->poll(out, 100);
  CHECK(rows_text(out) == rows{"a 0 1 2", "b 0 1 1"});
  CHECK(r.what == state::idle); // nothing open: no timer needed
  CHECK(as_window(op).open_windows() == 0);
  clock->advance_ns(500 * ms);
  feed(*op, out, {{0, "a"}});
  CHECK(op->poll(out, 100).wait_ns == 500 * ms);
  op->on_end_of_stream(out);
  CHECK(rows_text(out) == rows{"a 0 1 2", "b 0 1 1", "a 1 2 1"});
}

TEST_CASE_METHOD(processing_fixture, "a batch arriving after a window's end first completes it") {
  auto op = make("window.tumbling", {{"size", "1s"}});
  feed(*op, out, {{0, "a"}});
  clock->advance_ns(2500 * ms);
  feed(*op, out, {{0, "a"}});
  CHECK(rows_text(out) == rows{"a 0 1 1"});
  op->on_end_of_stream(out);
  CHECK(rows_text(out) == rows{"a 0 1 1", "a 2 3 1"});
}

TEST_CASE_METHOD(processing_fixture, "processing-time sliding windows") {
  auto op = make("window.sliding", {{"size", "2s"}, {"slide", "1s"}});
  clock->advance_ns(500 * ms);
  feed(*op, out, {{0, "a"}});
  clock->advance_ns(1000 * ms);
  feed(*op, out, {{0, "a"}});
  CHECK(rows_text(out) == rows{"a -1 1 1"});
  clock->advance_ns(2000 * ms);
  op->poll(out, 100);
  CHECK(rows_text(out) == rows{"a -1 1 1", "a 0 2 2", "a 1 3 1"});
}

TEST_CASE_METHOD(processing_fixture,
                 "processing-time sessions close a gap after the last arrival") {
  auto op = make("window.session", {{"gap", "1s"}});
  clock->advance_ns(100 * ms);
  feed(*op, out, {{0, "a"}});
  clock->advance_ns(400 * ms);
  feed(*op, out, {{0, "a"}});
  auto r = op->poll(out, 100);
  CHECK(r.what == state::timer); // at the latest when the session ends (1.5 s)
  CHECK(r.wait_ns > 0);
  CHECK(r.wait_ns <= 1000 * ms);
  clock->advance_ns(1500 * ms);
  op->poll(out, 100);
  CHECK(rows_text(out) == rows{"a 0.1 1.5 2"});
  CHECK(as_window(op).open_windows() == 0);
}
