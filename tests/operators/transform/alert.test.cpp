#include <catch2/catch.hpp>

#include <set>

#include "operators/harness.hpp"
#include "sluice/ops/transform/alert.hpp"

using namespace sluice;
using core::value_type;
using sluice::test::make_transform;
using sluice::test::param_error_of;
using sluice::test::recording_emitter;
using strings = std::vector<std::string>;

namespace {

const core::schema_ptr readings = core::make_schema({{"ts", value_type::timestamp},
                                                     {"device", value_type::string},
                                                     {"temp", value_type::int64},
                                                     {"room", value_type::string}});

struct reading {
  int second;
  const char* device;
  std::int64_t temp;
};

constexpr core::timestamp s = 1000000; // a second in microseconds

/// The readings as a batch of `readings`; each device is in room "r-<device>".
core::batch_ptr batch_of(const std::vector<reading>& rows) {
  core::batch_builder b(readings);
  for (const auto& r : rows) {
    b.column_at(0).append_int(r.second * s);
    b.column_at(1).append_string(r.device);
    b.column_at(2).append_int(r.temp);
    b.column_at(3).append_string(std::string("r-") + r.device);
  }
  return b.finish();
}

/// The rule of most tests: hot above 30, per device; `changes` override it.
nlohmann::json rule(const nlohmann::json& changes = nlohmann::json::object()) {
  nlohmann::json p = {{"when", "temp > 30"},
                      {"key", {"device"}},
                      {"message", "{device} is at {temp}"},
                      {"resolve_after", "10s"}};
  p.update(changes);
  return p;
}

/// An alert node fed by hand, its output read as "status key since-at message"
/// lines (times in seconds).
struct alert_run {
  explicit alert_run(const nlohmann::json& params)
    : op(make_transform("transform.alert", params, readings)) {}

  alert_run& feed(const std::vector<reading>& rows, std::size_t batch_size = 1000) {
    auto all = batch_of(rows);
    for (std::size_t b = 0; b < all->rows(); b += batch_size)
      op->on_batch_from(0, 0, all->slice(b, std::min(all->rows(), b + batch_size)), out);
    return *this;
  }
  alert_run& watermark(core::timestamp t) {
    op->on_watermark(t, out);
    return *this;
  }
  alert_run& end() {
    op->on_end_of_stream(out);
    return *this;
  }

  /// Every transition so far, then forgets them.
  strings take() {
    strings lines;
    for (const auto& b : out.batches[0]) {
      const int key = b->schema_of()->index_of("device");
      const auto since = static_cast<std::size_t>(b->schema_of()->index_of("since"));
      const auto at = static_cast<std::size_t>(b->schema_of()->index_of("at"));
      const auto message = static_cast<std::size_t>(b->schema_of()->index_of("message"));
      for (std::size_t r = 0; r < b->rows(); ++r)
        lines.push_back(std::string(b->col(0).string_at(r)) + " "
                        + (key >= 0
                             ? std::string(b->col(static_cast<std::size_t>(key)).string_at(r))
                             : std::string("*"))
                        + " " + std::to_string(b->col(since).ints[r] / s) + "-"
                        + std::to_string(b->col(at).ints[r] / s) + " "
                        + std::string(b->col(message).string_at(r)));
    }
    out.batches[0].clear();
    return lines;
  }

  std::size_t held() const {
    return dynamic_cast<const ops::transform::alert_state&>(*op).instances_held();
  }

  core::operator_ptr op;
  recording_emitter out;
};

} // namespace

TEST_CASE("an alert fires once per incident, not once per matching record") {
  alert_run run(rule());
  run.feed({{0, "d1", 31}, {1, "d1", 32}, {2, "d1", 35}, {3, "d1", 33}});
  CHECK(run.take() == strings{"firing d1 0-0 d1 is at 31"});
  CHECK(run.held() == 1);
  CHECK(run.out.errors.empty());
}

TEST_CASE("a pending alert fires once its condition has held for `for`, with its latest values") {
  alert_run run(rule({{"for", "5s"}}));
  run.feed({{0, "d1", 31}, {3, "d1", 32}});
  CHECK(run.take().empty());
  run.feed({{6, "d1", 40}});
  // Fired at 0 + 5 s, from the latest match before then (the one at 3 s).
  CHECK(run.take() == strings{"firing d1 0-5 d1 is at 32"});
}

TEST_CASE("a pending alert is dropped without a message when its key stops matching") {
  alert_run run(rule({{"for", "5s"}}));
  run.feed({{0, "d1", 31}, {2, "d1", 20}, {10, "d1", 20}});
  CHECK(run.take().empty());
  CHECK(run.held() == 0);
  // A new incident starts over.
  run.feed({{11, "d1", 31}, {14, "d1", 31}, {17, "d1", 31}});
  CHECK(run.take() == strings{"firing d1 11-16 d1 is at 31"});
}

TEST_CASE("a pending alert whose matches stop for resolve_after is dropped without a message") {
  alert_run run(rule({{"for", "30s"}}));
  run.feed({{0, "d1", 31}, {5, "d1", 31}});
  run.watermark(100 * s);
  CHECK(run.take().empty());
  CHECK(run.held() == 0);
}

TEST_CASE("a pending alert fires on a watermark when its key's records stop coming") {
  alert_run run(rule({{"for", "5s"}}));
  run.feed({{0, "d1", 31}, {2, "d1", 33}});
  run.watermark(4 * s);
  CHECK(run.take().empty());
  run.watermark(6 * s);
  CHECK(run.take() == strings{"firing d1 0-5 d1 is at 33"});
}

TEST_CASE("a firing alert resolves after resolve_after without a match, on the watermark alone") {
  alert_run run(rule());
  run.feed({{0, "d1", 31}, {1, "d2", 35}});
  CHECK(run.take() == strings{"firing d1 0-0 d1 is at 31", "firing d2 1-1 d2 is at 35"});
  run.watermark(9 * s);
  CHECK(run.take().empty());
  run.watermark(10 * s + 500000);
  CHECK(run.take() == strings{"resolved d1 0-10 d1 is at 31"});
  CHECK(run.held() == 1);
  run.watermark(11 * s);
  CHECK(run.take() == strings{"resolved d2 1-11 d2 is at 35"});
  CHECK(run.held() == 0);
  // The watermark goes on downstream.
  CHECK(run.out.watermarks.back() == 11 * s);
}

TEST_CASE("non-matching records do not resolve a firing alert: only silence does") {
  alert_run run(rule());
  run.feed({{0, "d1", 31}, {2, "d1", 20}, {5, "d1", 20}, {9, "d1", 32}, {15, "d1", 20}});
  CHECK(run.take() == strings{"firing d1 0-0 d1 is at 31"});
  run.feed({{20, "d1", 20}});
  CHECK(run.take() == strings{"resolved d1 0-19 d1 is at 32"});
}

TEST_CASE("a firing alert repeats every `repeat` until it resolves, after a jump in event time "
          "only the latest repeat") {
  alert_run run(rule({{"repeat", "10s"}, {"resolve_after", "30s"}}));
  run.feed({{0, "d1", 31}, {5, "d1", 31}, {15, "d1", 31}, {25, "d1", 31}});
  CHECK(run.take()
        == strings{"firing d1 0-0 d1 is at 31", "firing d1 0-10 d1 is at 31",
                   "firing d1 0-20 d1 is at 31"});
  run.watermark(100 * s);
  // Still firing until 25 + 30 s; the repeats due at 30 and 40 s are
  // overtaken by the one at 50 s.
  CHECK(run.take() == strings{"firing d1 0-50 d1 is at 31", "resolved d1 0-55 d1 is at 31"});
}

TEST_CASE("a match exactly resolve_after after the last one starts a new incident") {
  alert_run run(rule());
  run.feed({{0, "d1", 31}, {10, "d1", 31}});
  CHECK(run.take()
        == strings{"firing d1 0-0 d1 is at 31", "resolved d1 0-10 d1 is at 31",
                   "firing d1 10-10 d1 is at 31"});
}

TEST_CASE("each key value is an alert of its own, and no key makes one alert for all records") {
  alert_run per_device(rule());
  per_device.feed({{0, "d1", 31}, {1, "d2", 31}, {2, "d1", 31}});
  CHECK(per_device.take() == strings{"firing d1 0-0 d1 is at 31", "firing d2 1-1 d2 is at 31"});

  alert_run global(rule({{"key", nlohmann::json::array()}}));
  global.feed({{0, "d1", 31}, {1, "d2", 31}, {2, "d1", 31}});
  CHECK(global.take() == strings{"firing * 0-0 d1 is at 31"});
  global.watermark(30 * s);
  CHECK(global.take() == strings{"resolved * 0-12 d1 is at 31"});
}

TEST_CASE("transitions come out in order of their time, whatever the batch sizes") {
  const std::vector<reading> rows = {{0, "a", 31},  {1, "b", 31},  {2, "c", 31},  {3, "a", 20},
                                     {4, "b", 31},  {7, "c", 20},  {9, "a", 31},  {14, "b", 31},
                                     {15, "c", 31}, {30, "a", 31}, {31, "b", 20}, {40, "c", 20}};
  const auto params = rule({{"for", "3s"}, {"repeat", "4s"}, {"resolve_after", "6s"}});
  alert_run whole(params), one_by_one(params);
  whole.feed(rows).end();
  one_by_one.feed(rows, 1).end();
  const strings expected = whole.take();
  CHECK(one_by_one.take() == expected);
  CHECK(expected
        == strings{"firing a 0-3 a is at 31", "firing b 1-4 b is at 31", "firing c 2-5 c is at 31",
                   "resolved a 0-6 a is at 31", "firing b 1-8 b is at 31",
                   "resolved c 2-8 c is at 31", "resolved b 1-10 b is at 31",
                   "firing a 9-12 a is at 31", "resolved a 9-15 a is at 31",
                   "firing b 14-17 b is at 31", "firing c 15-18 c is at 31",
                   "resolved b 14-20 b is at 31", "resolved c 15-21 c is at 31",
                   "firing a 30-33 a is at 31", "resolved a 30-36 a is at 31"});
  CHECK(whole.held() == 0);
}

TEST_CASE("at end of stream what is pending fires if its `for` ends before its silence, and "
          "every alert resolves") {
  alert_run run(rule({{"for", "5s"}}));
  run.feed({{0, "d1", 31}, {3, "d1", 32}, {4, "d2", 31}});
  run.op->on_end_of_stream(run.out);
  // d2's matches stop at 4 s: its silence (14 s) comes after its `for` (9 s).
  CHECK(run.take()
        == strings{"firing d1 0-5 d1 is at 32", "firing d2 4-9 d2 is at 31",
                   "resolved d1 0-13 d1 is at 32", "resolved d2 4-14 d2 is at 31"});
  CHECK(run.held() == 0);

  alert_run short_lived(rule({{"for", "20s"}}));
  short_lived.feed({{0, "d1", 31}}).end();
  CHECK(short_lived.take().empty());
}

TEST_CASE("the output holds status, the key fields, since, at, message and one field per label") {
  auto params = rule({{"labels", {{"severity", "page"}, {"room", "{room}"}}}});
  auto schemas = sluice::test::output_schemas_of("transform.alert", params, {readings});
  REQUIRE(schemas.size() == 1);
  CHECK(schemas[0]->to_string()
        == core::make_schema({{"status", value_type::string},
                              {"device", value_type::string},
                              {"since", value_type::timestamp},
                              {"at", value_type::timestamp},
                              {"message", value_type::string},
                              {"room", value_type::string},
                              {"severity", value_type::string}})
             ->to_string());

  alert_run run(params);
  run.feed({{0, "d1", 31}});
  CHECK(run.out.json_rows()
        == strings{R"({"status":"firing","device":"d1","since":"1970-01-01T00:00:00.000Z",)"
                   R"("at":"1970-01-01T00:00:00.000Z","message":"d1 is at 31","room":"r-d1",)"
                   R"("severity":"page"})"});
}

TEST_CASE("key fields keep their types in the output") {
  alert_run run(rule({{"key", {"temp"}}}));
  run.feed({{0, "d1", 31}});
  CHECK(run.out.batches[0].at(0)->fields().at(1) == core::field{"temp", value_type::int64});
  CHECK(run.out.batches[0].at(0)->col(1).ints.at(0) == 31);
}

TEST_CASE("a record with a null time or a failing condition goes to errors and changes nothing") {
  alert_run run(rule({{"when", "100 / (temp - 31) > 0"}}));
  core::batch_builder b(readings);
  b.column_at(0).append_null();
  b.column_at(1).append_string("d1");
  b.column_at(2).append_int(40);
  b.column_at(3).append_string("r");
  b.column_at(0).append_int(0);
  b.column_at(1).append_string("d2");
  b.column_at(2).append_int(31); // division by zero
  b.column_at(3).append_string("r");
  run.op->on_batch_from(0, 0, b.finish(), run.out);
  REQUIRE(run.out.errors.size() == 2);
  std::set<std::size_t> rows;
  for (const auto& e : run.out.errors) {
    rows.insert(e.row);
    if (e.row == 0) CHECK_THAT(e.reason, Catch::Contains("timestamp field 'ts' is null"));
    else CHECK_THAT(e.reason, Catch::StartsWith("when: "));
  }
  CHECK(rows == std::set<std::size_t>{0, 1});
  CHECK(run.take().empty());
  CHECK(run.held() == 0);
}

TEST_CASE("resolved alerts are forgotten, so memory follows the keys in trouble, not all keys") {
  alert_run run(rule());
  std::vector<reading> rows;
  std::vector<std::string> names;
  for (int i = 0; i < 5000; ++i) names.push_back("d" + std::to_string(i));
  for (int i = 0; i < 5000; ++i)
    rows.push_back({i / 1000, names[static_cast<std::size_t>(i)].c_str(), 31});
  run.feed(rows);
  CHECK(run.held() == 5000);
  run.watermark(100 * s);
  CHECK(run.take().size() == 10000);
  CHECK(run.held() == 0);
}

TEST_CASE("alert params are checked, naming the param") {
  auto error_of = [](const nlohmann::json& changes) {
    auto e = param_error_of("transform.alert", rule(changes), readings);
    return e ? e->param() + ": " + e->what() : std::string("none");
  };
  CHECK(error_of(nlohmann::json::object()) == "none");
  CHECK_THAT(error_of({{"when", "temp + 1"}}), Catch::StartsWith("when: when must be a boolean"));
  CHECK_THAT(error_of({{"when", "nope > 1"}}), Catch::StartsWith("when: "));
  CHECK_THAT(error_of({{"key", {"nope"}}}), Catch::StartsWith("key: unknown field 'nope'"));
  CHECK_THAT(error_of({{"key", {"device", "device"}}}), Catch::StartsWith("key: "));
  CHECK_THAT(error_of({{"message", "{nope} is hot"}}), Catch::StartsWith("message: "));
  CHECK_THAT(error_of({{"message", "{nope} is hot"}}), Catch::Contains("nope"));
  CHECK_THAT(error_of({{"labels", {{"room", "{nope}"}}}}),
             Catch::StartsWith("labels: label 'room': "));
  CHECK_THAT(error_of({{"labels", {{"device", "x"}}}}),
             Catch::StartsWith("labels: label 'device' has the name"));
  CHECK_THAT(error_of({{"labels", {{"n", 3}}}}), Catch::StartsWith("labels: "));
  CHECK_THAT(error_of({{"labels", "x"}}), Catch::StartsWith("labels: "));
  CHECK_THAT(error_of({{"timestamp", "device"}}), Catch::StartsWith("timestamp: "));
  CHECK_THAT(error_of({{"timestamp", "nope"}}), Catch::StartsWith("timestamp: unknown field"));
  CHECK_THAT(error_of({{"resolve_after", "0s"}}), Catch::StartsWith("resolve_after: "));

  auto no_ts = core::make_schema({{"device", value_type::string}, {"temp", value_type::int64}});
  auto e = param_error_of("transform.alert", rule(), no_ts);
  REQUIRE(e);
  CHECK(e->param() == "timestamp");
}

TEST_CASE("an alert fed by two channels, one far ahead of the other, alerts as if the records "
          "came in time order") {
  const std::vector<reading> rows = {{0, "a", 31}, {1, "a", 31}, {2, "a", 20},  {3, "a", 31},
                                     {4, "a", 31}, {5, "a", 31}, {6, "a", 31},  {7, "a", 31},
                                     {8, "a", 31}, {9, "a", 20}, {20, "a", 20}, {21, "a", 20}};
  const auto params = rule({{"for", "3s"}, {"resolve_after", "4s"}});
  alert_run in_order(params);
  in_order.feed(rows).end();
  const strings expected = in_order.take();
  CHECK(expected == strings{"firing a 3-6 a is at 31", "resolved a 3-12 a is at 31"});

  // Even seconds on channel 0, odd ones on channel 1; channel 0 sends all
  // of its records first.
  core::operator_context ctx;
  ctx.inputs = {readings};
  ctx.input_channels = {2};
  auto op = sluice::test::make_operator("transform.alert", params, ctx);
  recording_emitter out;
  std::vector<reading> even, odd;
  for (const auto& r : rows) (r.second % 2 == 0 ? even : odd).push_back(r);
  op->on_batch_from(0, 0, batch_of(even), out);
  CHECK(out.rows() == 0); // channel 1 holds event time back
  CHECK(dynamic_cast<const ops::transform::alert_state&>(*op).instances_held() == 0);
  op->on_batch_from(0, 1, batch_of(odd), out);
  op->on_input_ended(0, 0, out);
  op->on_input_ended(0, 1, out);
  op->on_end_of_stream(out);
  alert_run two(params);
  two.out = std::move(out);
  CHECK(two.take() == expected);
}

TEST_CASE("an alert channel silent for idle_timeout stops holding event time back") {
  core::operator_context ctx;
  ctx.inputs = {readings};
  ctx.input_channels = {2};
  auto op = sluice::test::make_operator("transform.alert", rule({{"idle_timeout", "1s"}}), ctx);
  CHECK(op->idle_timeout_us() == 1000000);
  recording_emitter out;
  op->on_batch_from(0, 0, batch_of({{0, "a", 31}, {1, "a", 31}}), out);
  const auto& state = dynamic_cast<const ops::transform::alert_state&>(*op);
  CHECK(state.records_held() == 2);
  op->on_input_idle(0, 1, out);
  CHECK(state.records_held() == 0);
  alert_run run(rule());
  run.out = std::move(out);
  CHECK(run.take() == strings{"firing a 0-0 a is at 31"});
}
