#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <thread>

#include "../harness.hpp"
#include "mock_cluster.hpp"
#include "sluice/core/state.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;
using nlohmann::json;

namespace {

const core::schema_ptr readings = core::make_schema(
  {{"device", value_type::string}, {"temp", value_type::float64}, {"n", value_type::int64}});

core::batch_ptr rows(int from, int to) {
  core::batch_builder b(readings);
  for (int i = from; i < to; ++i) {
    b.column_at(0).append_string("d" + std::to_string(i % 3));
    b.column_at(1).append_double(20.5);
    b.column_at(2).append_int(i);
  }
  return b.finish();
}

core::operator_ptr make_sink(const mock_cluster& kafka, json extra = json::object(),
                             core::schema_ptr input = readings) {
  json p = {{"brokers", kafka.bootstraps()}, {"topic", "out"}};
  for (auto& [name, value] : extra.items()) p[name] = value;
  core::operator_context ctx;
  ctx.node_id = "to_kafka";
  ctx.inputs = {std::move(input)};
  return make_operator("sink.kafka", p, ctx);
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

} // namespace

TEST_CASE("sink.kafka writes every record as a JSON message keyed by the key field") {
  mock_cluster kafka;
  kafka.create_topic("out", 3);
  auto sink = make_sink(kafka, {{"key", "device"}});
  sink->open();
  recording_emitter out;
  sink->on_batch_from(0, 0, rows(0, 6), out);
  sink->on_end_of_stream(out);
  sink->close();
  auto got = sorted(kafka.consume("out", 6));
  REQUIRE(got.size() == 6);
  CHECK(got[0] == "d0={\"device\":\"d0\",\"temp\":20.5,\"n\":0}");
  CHECK(got[5] == "d2={\"device\":\"d2\",\"temp\":20.5,\"n\":5}");
}

TEST_CASE("sink.kafka writes CSV records and the raw bytes of a string field") {
  mock_cluster kafka;
  kafka.create_topic("out", 1);
  SECTION("csv") {
    auto sink = make_sink(kafka, {{"format", "csv"}});
    recording_emitter out;
    sink->open();
    sink->on_batch_from(0, 0, rows(0, 2), out);
    sink->on_end_of_stream(out);
    CHECK(kafka.consume("out", 2) == std::vector<std::string>{"d0,20.5,0", "d1,20.5,1"});
  }
  SECTION("raw") {
    auto text = core::make_schema({{"line", value_type::string}});
    auto sink = make_sink(kafka, {{"format", "raw"}}, text);
    recording_emitter out;
    sink->open();
    sink->on_batch_from(0, 0, make_batch(text, R"([["a b c"], ["{not json"]])"), out);
    sink->on_end_of_stream(out);
    CHECK(kafka.consume("out", 2) == std::vector<std::string>{"a b c", "{not json"});
  }
}

TEST_CASE("sink.kafka keeps what it could not send while the brokers are down and sends it after") {
  mock_cluster kafka;
  kafka.create_topic("out", 2);
  auto sink = make_sink(kafka);
  sink->open();
  recording_emitter out;
  sink->on_batch_from(0, 0, rows(0, 10), out);
  sink->prepare_checkpoint(1); // all acknowledged
  kafka.set_down(true);
  sink->on_batch_from(0, 0, rows(10, 50), out);
  std::thread bring_up([&] {
    std::this_thread::sleep_for(std::chrono::seconds(3));
    kafka.set_down(false);
  });
  // A checkpoint waits until Kafka holds every record written before it.
  const auto started = std::chrono::steady_clock::now();
  sink->prepare_checkpoint(2);
  const auto waited = std::chrono::steady_clock::now() - started;
  bring_up.join();
  CHECK(waited >= std::chrono::seconds(2));
  sink->on_end_of_stream(out);
  sink->close();
  CHECK(kafka.consume("out", 50).size() == 50);
}

TEST_CASE("what sink.kafka wrote is read by kcat, another client in another process") {
  mock_cluster kafka;
  kafka.create_topic("out", 1);
  auto sink = make_sink(kafka, {{"key", "n"}});
  recording_emitter out;
  sink->open();
  sink->on_batch_from(0, 0, rows(0, 3), out);
  sink->on_end_of_stream(out);
  sink->close();
  const std::string cmd = "kcat -C -q -e -b " + kafka.bootstraps() + " -t out -f '%k %s\\n'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(pipe);
  std::string text;
  std::array<char, 256> buf;
  while (std::fgets(buf.data(), buf.size(), pipe.get())) text += buf.data();
  CHECK(text
        == "0 {\"device\":\"d0\",\"temp\":20.5,\"n\":0}\n"
           "1 {\"device\":\"d1\",\"temp\":20.5,\"n\":1}\n"
           "2 {\"device\":\"d2\",\"temp\":20.5,\"n\":2}\n");
}

TEST_CASE("sink.kafka refuses params it cannot use, naming them") {
  auto err = [](json p, core::schema_ptr input = readings) {
    p["brokers"] = "127.0.0.1:1";
    if (!p.contains("topic")) p["topic"] = "out";
    return param_error_of("sink.kafka", p, std::move(input));
  };
  CHECK(err({{"key", "colour"}})->param() == "key");
  CHECK(err({{"format", "raw"}})->param() == "format");
  CHECK(err({{"topic", ""}})->param() == "topic");
  CHECK(err({{"properties", {{"acks", "0"}}}})->param() == "properties");
  CHECK_FALSE(err({{"properties", {{"linger.ms", 5}}}}).has_value());
}

namespace {

core::operator_ptr make_exactly_once_sink(const mock_cluster& kafka) {
  core::operator_context ctx;
  ctx.node_id = "to_kafka";
  ctx.inputs = {readings};
  ctx.checkpoints = true;
  return make_operator("sink.kafka", {{"brokers", kafka.bootstraps()}, {"topic", "out"}}, ctx);
}

} // namespace

TEST_CASE("with checkpoints sink.kafka commits a checkpoint's records in one transaction when it "
          "completes") {
  mock_cluster kafka;
  kafka.create_topic("out", 2);
  auto sink = make_exactly_once_sink(kafka);
  sink->open();
  recording_emitter out;
  sink->on_batch_from(0, 0, rows(0, 10), out);
  sink->prepare_checkpoint(1);
  sink->on_batch_from(0, 0, rows(10, 15), out); // after the barrier: checkpoint 2's
  CHECK(kafka.consume("out", 1, std::chrono::seconds(2)).empty());
  sink->checkpoint_complete(1);
  CHECK(kafka.consume("out", 10, std::chrono::seconds(5), "read_uncommitted").size() == 10);
  CHECK(kafka.consume("out", 10).size() == 10);
  sink->on_end_of_stream(out); // everything left
  CHECK(kafka.consume("out", 15).size() == 15);
  sink->close();
}

TEST_CASE("sink.kafka resumed from a checkpoint whose commit it missed commits it exactly once") {
  mock_cluster kafka;
  kafka.create_topic("out", 1);
  std::string first_checkpoint, second_checkpoint;
  {
    auto sink = make_exactly_once_sink(kafka);
    sink->open();
    recording_emitter out;
    sink->on_batch_from(0, 0, rows(0, 10), out);
    sink->prepare_checkpoint(1);
    first_checkpoint = core::snapshot_state(*sink, "sink.kafka");
    sink->checkpoint_complete(1);
    sink->on_batch_from(0, 0, rows(10, 20), out);
    sink->prepare_checkpoint(2);
    second_checkpoint = core::snapshot_state(*sink, "sink.kafka");
    sink->on_batch_from(0, 0, rows(20, 25), out); // lost with the crash, replayed by the run
    sink->close();                                // crashed before checkpoint 2's commit
  }
  CHECK(kafka.consume("out", 10).size() == 10);
  for (int attempt = 0; attempt < 2; ++attempt) { // the second finds it all committed
    auto resumed = make_exactly_once_sink(kafka);
    core::restore_state(*resumed, "sink.kafka", second_checkpoint);
    resumed->open();
    resumed->close();
  }
  auto got = kafka.consume("out", 21, std::chrono::seconds(3));
  CHECK(got.size() == 20);
  std::set<std::string> distinct(got.begin(), got.end());
  CHECK(distinct.size() == 20);
  // Checkpoint 1 is older than what the topic holds: resuming it would
  // write checkpoint 2's records again.
  auto stale = make_exactly_once_sink(kafka);
  core::restore_state(*stale, "sink.kafka", first_checkpoint);
  CHECK_THROWS_WITH(stale->open(),
                    Catch::Contains("already holds the records of its checkpoint 2"));
}
