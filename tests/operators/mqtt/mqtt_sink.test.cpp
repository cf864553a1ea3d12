#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <thread>

#include "../harness.hpp"
#include "broker.hpp"
#include "sluice/core/state.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;
using nlohmann::json;

namespace {

const core::schema_ptr alerts_schema =
  core::make_schema({{"device", value_type::string}, {"temp", value_type::float64}});

core::batch_ptr alerts(const std::string& rows_json) {
  return make_batch(alerts_schema, rows_json);
}

core::operator_context sink_context(core::schema_ptr input = alerts_schema,
                                    bool checkpoints = false) {
  core::operator_context ctx;
  ctx.node_id = "out";
  ctx.inputs = {std::move(input)};
  ctx.checkpoints = checkpoints;
  return ctx;
}

json params_for(const mosquitto_broker& b, json extra = json::object()) {
  json p = {{"url", b.url()},
            {"topic", "alerts/{device}"},
            {"reconnect_backoff", "100ms"},
            {"reconnect_backoff_max", "1s"}};
  for (auto& [name, value] : extra.items()) p[name] = value;
  return p;
}

std::multiset<std::string> topic_payloads(const std::vector<mqtt_test_client::received>& got) {
  std::multiset<std::string> out;
  for (const auto& m : got) out.insert(m.topic + " " + m.payload);
  return out;
}

} // namespace

TEST_CASE("sink.mqtt publishes every record as JSON to the topic its template names") {
  mosquitto_broker broker;
  mqtt_test_client sub(broker.port());
  sub.subscribe("alerts/#");
  auto ctx = sink_context();
  auto sink = make_operator("sink.mqtt", params_for(broker), ctx);
  sink->open();
  recording_emitter out;
  sink->on_batch_from(0, 0, alerts(R"([["a", 30.5], ["b", 41.0], ["a", 33.0]])"), out);
  sink->on_end_of_stream(out);
  sink->close();
  auto got = sub.wait_for(3, std::chrono::seconds(10));
  CHECK(topic_payloads(got)
        == std::multiset<std::string>{R"(alerts/a {"device":"a","temp":30.5})",
                                      R"(alerts/b {"device":"b","temp":41})",
                                      R"(alerts/a {"device":"a","temp":33})"});
  CHECK(out.errors.empty());
  CHECK(ctx.connector->read().up == 1);
}

TEST_CASE("sink.mqtt publishes CSV, raw and retained messages") {
  mosquitto_broker broker;
  recording_emitter out;
  SECTION("csv") {
    mqtt_test_client sub(broker.port());
    sub.subscribe("out/#");
    auto sink = make_operator(
      "sink.mqtt", params_for(broker, {{"topic", "out/csv"}, {"format", "csv"}, {"qos", 2}}),
      sink_context());
    sink->open();
    sink->on_batch_from(0, 0, alerts(R"([["a,b", 1.5], ["c", 2.0]])"), out);
    sink->on_end_of_stream(out);
    auto got = sub.wait_for(2, std::chrono::seconds(10));
    REQUIRE(got.size() == 2);
    CHECK(got[0].payload == "\"a,b\",1.5");
    CHECK(got[1].payload == "c,2");
  }
  SECTION("raw, retained") {
    auto schema = core::make_schema({{"line", value_type::string}});
    auto sink = make_operator(
      "sink.mqtt", params_for(broker, {{"topic", "out/raw"}, {"format", "raw"}, {"retain", true}}),
      sink_context(schema));
    sink->open();
    sink->on_batch_from(0, 0, make_batch(schema, R"([["first"], ["last words"]])"), out);
    sink->on_end_of_stream(out);
    sink->close();
    // subscribed after the publish: only the retained message arrives
    mqtt_test_client sub(broker.port());
    sub.subscribe("out/raw");
    auto got = sub.wait_for(1, std::chrono::seconds(10));
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == "last words");
    CHECK(got[0].retain);
  }
  CHECK(out.errors.empty());
}

TEST_CASE("a record whose topic sink.mqtt cannot publish to goes to errors, naming the topic") {
  mosquitto_broker broker;
  mqtt_test_client sub(broker.port());
  sub.subscribe("alerts/#");
  auto sink = make_operator("sink.mqtt", params_for(broker), sink_context());
  sink->open();
  recording_emitter out;
  sink->on_batch_from(0, 0, alerts(R"([["a", 1.0], ["b/+", 2.0], ["c#", 3.0], ["d", 4.0]])"), out);
  sink->on_end_of_stream(out);
  auto got = sub.wait_for(2, std::chrono::seconds(10));
  CHECK(topic_payloads(got)
        == std::multiset<std::string>{R"(alerts/a {"device":"a","temp":1})",
                                      R"(alerts/d {"device":"d","temp":4})"});
  REQUIRE(out.errors.size() == 2);
  CHECK(out.errors[0].row == 1);
  CHECK(out.errors[0].reason.find("alerts/b/+") != std::string::npos);
  CHECK(out.errors[1].row == 2);
}

TEST_CASE("sink.mqtt with checkpoints publishes a checkpoint's records when it completes, and a "
          "restored sink publishes the sealed ones again") {
  mosquitto_broker broker;
  mqtt_test_client sub(broker.port());
  sub.subscribe("alerts/#");
  auto p = params_for(broker);
  std::string snapshot;
  {
    auto sink = make_operator("sink.mqtt", p, sink_context(alerts_schema, true));
    sink->open();
    recording_emitter out;
    sink->on_batch_from(0, 0, alerts(R"([["a", 1.0], ["b", 2.0]])"), out);
    sink->prepare_checkpoint(1);
    snapshot = core::snapshot_state(*sink, "sink.mqtt");
    sink->on_batch_from(0, 0, alerts(R"([["c", 3.0]])"), out);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(sub.messages().empty()); // held until the checkpoint completes
    sink->checkpoint_complete(1);
    auto got = sub.wait_for(2, std::chrono::seconds(10));
    CHECK(topic_payloads(got)
          == std::multiset<std::string>{R"(alerts/a {"device":"a","temp":1})",
                                        R"(alerts/b {"device":"b","temp":2})"});
    sink->close(); // killed: "c" was never covered by a checkpoint
  }
  // Resumed from checkpoint 1 (as after a crash right after it completed):
  // its records are published again (at-least-once), then the rest.
  auto ctx = sink_context(alerts_schema, true);
  auto sink = bind_operator("sink.mqtt", p, ctx)->create(ctx);
  core::restore_state(*sink, "sink.mqtt", snapshot);
  sink->open();
  recording_emitter out;
  sink->on_batch_from(0, 0, alerts(R"([["c", 3.0]])"), out);
  sink->on_end_of_stream(out);
  auto got = sub.wait_for(5, std::chrono::seconds(10));
  CHECK(topic_payloads(got)
        == std::multiset<std::string>{
          R"(alerts/a {"device":"a","temp":1})", R"(alerts/b {"device":"b","temp":2})",
          R"(alerts/a {"device":"a","temp":1})", R"(alerts/b {"device":"b","temp":2})",
          R"(alerts/c {"device":"c","temp":3})"});
}

TEST_CASE("sink.mqtt waits while the broker is away and loses nothing at QoS 1") {
  mosquitto_broker broker;
  mqtt_test_client sub(broker.port(), "sink-outage-reader", false);
  sub.subscribe("alerts/#");
  auto ctx = sink_context();
  auto sink = make_operator("sink.mqtt", params_for(broker, {{"max_inflight", 10}}), ctx);
  sink->open();
  recording_emitter out;
  auto rows = [](int from, int to) {
    std::string text = "[";
    for (int i = from; i < to; ++i)
      text += (i > from ? ", " : "") + std::string("[\"d\", ") + std::to_string(i) + "]";
    return alerts(text + "]");
  };
  sink->on_batch_from(0, 0, rows(0, 100), out);
  // The broker goes away while the sink publishes the next 2000, some of
  // them sent and not acknowledged yet, and is back two seconds later.
  std::thread outage([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    broker.stop();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    broker.start();
  });
  sink->on_batch_from(0, 0, rows(100, 2100), out); // waits while the broker is away
  sink->on_end_of_stream(out);
  outage.join();
  // the reader's own session kept what was published while it reconnected
  std::set<std::string> distinct;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (distinct.size() < 2100 && std::chrono::steady_clock::now() < until)
    for (const auto& m : sub.wait_for(100000, std::chrono::milliseconds(200)))
      distinct.insert(m.payload);
  CHECK(distinct.size() == 2100);
  CHECK(out.errors.empty());
  CHECK(ctx.connector->read().up == 1);
  CHECK(ctx.connector->read().reconnects >= 1);
}

TEST_CASE("sink.mqtt refuses bad params at bind, naming the param") {
  const json base = {{"url", "mqtt://127.0.0.1:1883"}, {"topic", "alerts/{device}"}};
  auto error_of = [&](json change, core::schema_ptr input = alerts_schema) {
    json p = base;
    for (auto& [k, v] : change.items()) p[k] = v;
    auto e = param_error_of("sink.mqtt", p, input);
    return e ? e->param() : std::string("(none)");
  };
  CHECK(error_of({}) == "(none)");
  CHECK(error_of({{"topic", "alerts/{nope}"}}) == "topic");
  CHECK(error_of({{"topic", "alerts/#"}}) == "topic");
  CHECK(error_of({{"topic", "alerts/{device"}}) == "topic");
  CHECK(error_of({{"topic", ""}}) == "topic");
  CHECK(error_of({{"format", "raw"}}) == "format");
  CHECK(error_of({{"url", "tcp://x"}}) == "url");
  CHECK(error_of({{"qos", -1}}) == "qos");
  CHECK(error_of({{"max_inflight", 0}}) == "max_inflight");
  CHECK(error_of({{"insecure", true}}) == "insecure");
  CHECK(error_of({{"keepalive", "1s"}}) == "keepalive");
}
