#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <thread>

#include "../harness.hpp"
#include "broker.hpp"

using namespace sluice;
using namespace sluice::test;
using nlohmann::json;

namespace {

core::operator_context context_for(const std::string& node = "in") {
  core::operator_context ctx;
  ctx.node_id = node;
  return ctx;
}

json params_for(const mosquitto_broker& b, json extra = json::object()) {
  json p = {{"url", b.url()},
            {"topic", "sensors/+/temperature"},
            {"schema", {{"device", "string"}, {"temp", "double"}}},
            {"reconnect_backoff", "100ms"},
            {"reconnect_backoff_max", "1s"}};
  for (auto& [name, value] : extra.items()) p[name] = value;
  return p;
}

/// Polls `src` until `done` holds or 20 s pass.
template <class Done>
void poll_until(core::operator_base& src, recording_emitter& out, Done done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done() && std::chrono::steady_clock::now() < until)
    if (src.poll(out, 1000).what != core::poll_result::state::more)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

/// Polls until the connector reports its link up: connected, and its
/// subscriptions confirmed.
void wait_connected(core::operator_base& src, const core::operator_context& ctx,
                    recording_emitter& out) {
  poll_until(src, out, [&] { return ctx.connector->read().up == 1; });
  REQUIRE(ctx.connector->read().up == 1);
}

std::vector<std::string> readings(const std::string& device, int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i)
    out.push_back(R"({"device": ")" + device + R"(", "temp": )" + std::to_string(i) + ".5}");
  return out;
}

std::multiset<std::string> as_set(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

} // namespace

TEST_CASE(
  "source.mqtt reads JSON messages from wildcard topic filters, with the topic as a field") {
  mosquitto_broker broker;
  auto ctx = context_for();
  auto src = make_operator(
    "source.mqtt", params_for(broker, {{"topic", {"sensors/+/temperature", "lab/#"}}}), ctx);
  src->open();
  recording_emitter out;
  wait_connected(*src, ctx, out);
  mqtt_test_client pub(broker.port());
  pub.publish("sensors/a/temperature", readings("a", 0, 3));
  pub.publish("sensors/b/humidity", readings("b", 0, 2)); // not subscribed
  pub.publish("lab/x/y", readings("x", 10, 12));
  poll_until(*src, out, [&] { return out.rows() >= 5; });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  src->poll(out, 1000);
  CHECK(
    as_set(out.json_rows())
    == std::multiset<std::string>{R"({"device":"a","temp":0.5,"topic":"sensors/a/temperature"})",
                                  R"({"device":"a","temp":1.5,"topic":"sensors/a/temperature"})",
                                  R"({"device":"a","temp":2.5,"topic":"sensors/a/temperature"})",
                                  R"({"device":"x","temp":10.5,"topic":"lab/x/y"})",
                                  R"({"device":"x","temp":11.5,"topic":"lab/x/y"})"});
  CHECK(out.errors.empty());
  src->close();
}

TEST_CASE("source.mqtt reads CSV and raw payloads") {
  mosquitto_broker broker;
  mqtt_test_client pub(broker.port());
  SECTION("csv, fields in the schema's order") {
    auto ctx = context_for();
    auto src =
      make_operator("source.mqtt",
                    params_for(broker, {{"topic", "in/csv"},
                                        {"format", "csv"},
                                        {"schema", json::array({"device:string", "temp:double"})}}),
                    ctx);
    src->open();
    recording_emitter out;
    wait_connected(*src, ctx, out);
    pub.publish("in/csv", {"a,1.5", "\"b,c\",2"});
    poll_until(*src, out, [&] { return out.rows() >= 2; });
    CHECK(out.json_rows()
          == std::vector<std::string>{R"({"device":"a","temp":1.5,"topic":"in/csv"})",
                                      R"({"device":"b,c","temp":2,"topic":"in/csv"})"});
  }
  SECTION("raw, the payload as the field value") {
    auto ctx = context_for();
    auto src = make_operator(
      "source.mqtt", json{{"url", broker.url()}, {"topic", "in/raw"}, {"format", "raw"}}, ctx);
    src->open();
    recording_emitter out;
    wait_connected(*src, ctx, out);
    pub.publish("in/raw", {"hello world", "{not json"});
    poll_until(*src, out, [&] { return out.rows() >= 2; });
    CHECK(out.json_rows()
          == std::vector<std::string>{R"({"value":"hello world","topic":"in/raw"})",
                                      R"({"value":"{not json","topic":"in/raw"})"});
  }
}

TEST_CASE("a message source.mqtt cannot parse goes to errors with its topic and the reason") {
  mosquitto_broker broker;
  auto ctx = context_for();
  auto src = make_operator("source.mqtt", params_for(broker), ctx);
  src->open();
  recording_emitter out;
  wait_connected(*src, ctx, out);
  mqtt_test_client pub(broker.port());
  pub.publish("sensors/a/temperature",
              {R"({"device": "a", "temp": 1.5})", R"({"device": "a", "temp": "hot"})", "nope",
               R"({"device": "a", "temp": 2.5})"});
  poll_until(*src, out, [&] { return out.rows() + out.errors.size() >= 4; });
  CHECK(out.rows() == 2);
  REQUIRE(out.errors.size() == 2);
  CHECK(out.errors[0].reason.find("topic 'sensors/a/temperature'") != std::string::npos);
  CHECK(out.errors[0].reason.find("temp") != std::string::npos);
  CHECK(json::parse(out.errors[0].record)["text"] == R"({"device": "a", "temp": "hot"})");
  CHECK(json::parse(out.errors[1].record)["topic"] == "sensors/a/temperature");
}

TEST_CASE("source.mqtt keeps its session: QoS 1 messages published while it is away arrive when "
          "it is back") {
  mosquitto_broker broker;
  mqtt_test_client pub(broker.port());
  auto p = params_for(broker, {{"client_id", "persistent-test"}});
  {
    auto ctx = context_for();
    auto src = make_operator("source.mqtt", p, ctx);
    src->open();
    recording_emitter out;
    wait_connected(*src, ctx, out);
    pub.publish("sensors/a/temperature", readings("a", 0, 5));
    poll_until(*src, out, [&] { return out.rows() >= 5; });
    REQUIRE(out.rows() == 5);
    src->close();
  }
  pub.publish("sensors/a/temperature", readings("a", 5, 105)); // nobody connected
  auto ctx = context_for();
  auto src = make_operator("source.mqtt", p, ctx);
  src->open();
  recording_emitter out;
  poll_until(*src, out, [&] { return out.rows() >= 100; });
  std::multiset<std::string> temps;
  for (const auto& row : out.json_rows()) temps.insert(json::parse(row)["temp"].dump());
  std::multiset<std::string> expected;
  for (int i = 5; i < 105; ++i) expected.insert(std::to_string(i) + ".5");
  CHECK(temps == expected);
}

TEST_CASE("source.mqtt with a small queue reads everything, the broker holding the rest") {
  mosquitto_broker broker;
  auto ctx = context_for();
  auto src = make_operator("source.mqtt", params_for(broker, {{"max_queued", 5}}), ctx);
  src->open();
  recording_emitter out;
  wait_connected(*src, ctx, out);
  mqtt_test_client pub(broker.port());
  std::thread publisher([&] { pub.publish("sensors/q/temperature", readings("q", 0, 2000)); });
  poll_until(*src, out, [&] { return out.rows() >= 2000; });
  publisher.join();
  CHECK(out.rows() == 2000);
}

TEST_CASE("source.mqtt reports its link down while the broker is away and reads on when it is "
          "back") {
  mosquitto_broker broker;
  auto ctx = context_for();
  auto src = make_operator("source.mqtt", params_for(broker, {{"client_id", "outage-test"}}), ctx);
  src->open();
  recording_emitter out;
  wait_connected(*src, ctx, out);
  broker.stop();
  poll_until(*src, out, [&] { return ctx.connector->read().up == 0; });
  CHECK(ctx.connector->read().up == 0);
  CHECK(ctx.connector->read().last_error.find("127.0.0.1") != std::string::npos);
  broker.start();
  wait_connected(*src, ctx, out);
  CHECK(ctx.connector->read().reconnects >= 1);
  mqtt_test_client pub(broker.port());
  pub.publish("sensors/a/temperature", readings("a", 0, 10));
  poll_until(*src, out, [&] { return out.rows() >= 10; });
  CHECK(out.rows() == 10);
}

TEST_CASE("source.mqtt refuses bad params at bind, naming the param") {
  const json base = {
    {"url", "mqtt://127.0.0.1:1883"}, {"topic", "a/b"}, {"schema", {{"n", "int"}}}};
  auto error_of = [&](json change) {
    json p = base;
    for (auto& [k, v] : change.items()) p[k] = v;
    auto e = param_error_of("source.mqtt", p);
    return e ? e->param() : std::string("(none)");
  };
  CHECK(error_of({}) == "(none)");
  CHECK(error_of({{"url", "http://127.0.0.1:1883"}}) == "url");
  CHECK(error_of({{"url", "mqtt://127.0.0.1:99999"}}) == "url");
  CHECK(error_of({{"url", "mqtt://user:pw@127.0.0.1"}}) == "url");
  CHECK(error_of({{"topic", "a/#/b"}}) == "topic");
  CHECK(error_of({{"topic", "a+/b"}}) == "topic");
  CHECK(error_of({{"topic", json::array()}}) == "topic");
  CHECK(error_of({{"qos", 3}}) == "qos");
  CHECK(error_of({{"schema", {{"topic", "string"}}}}) == "schema");
  CHECK(error_of({{"format", "csv"}, {"schema", nullptr}}) == "schema");
  CHECK(error_of({{"ca_file", "/tmp/ca.crt"}}) == "ca_file");
  CHECK(error_of({{"url", "mqtts://127.0.0.1"}, {"cert_file", "/tmp/c.crt"}}) == "key_file");
  CHECK(error_of({{"password", "pw"}}) == "password");
  CHECK(error_of({{"max_queued", 0}}) == "max_queued");
}

TEST_CASE("parallel source.mqtt instances share the subscription, each message read once") {
  mosquitto_broker broker;
  std::vector<core::operator_context> ctxs(2);
  std::vector<core::operator_ptr> srcs;
  for (std::size_t i = 0; i < 2; ++i) {
    ctxs[i].node_id = "in";
    ctxs[i].instance = i;
    ctxs[i].parallelism = 2;
    srcs.push_back(make_operator("source.mqtt", params_for(broker), ctxs[i]));
    srcs.back()->open();
  }
  std::vector<recording_emitter> outs(2);
  for (std::size_t i = 0; i < 2; ++i) wait_connected(*srcs[i], ctxs[i], outs[i]);
  mqtt_test_client pub(broker.port());
  pub.publish("sensors/p/temperature", readings("p", 0, 200));
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (outs[0].rows() + outs[1].rows() < 200 && std::chrono::steady_clock::now() < until) {
    for (std::size_t i = 0; i < 2; ++i) srcs[i]->poll(outs[i], 1000);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (std::size_t i = 0; i < 2; ++i) srcs[i]->poll(outs[i], 1000);
  CHECK(outs[0].rows() > 0);
  CHECK(outs[1].rows() > 0);
  std::multiset<std::string> temps, expected;
  for (auto& out : outs)
    for (const auto& row : out.json_rows()) temps.insert(json::parse(row)["temp"].dump());
  for (int i = 0; i < 200; ++i) expected.insert(std::to_string(i) + ".5");
  CHECK(temps == expected);
}

TEST_CASE("source.mqtt logs in with username and a secret password; a refused login fails the "
          "run") {
  mosquitto_broker::options o;
  o.user = {"sluice", "s3cret"};
  mosquitto_broker broker(o);
  SECTION("the password from an environment variable") {
    ::setenv("SLUICE_MQTT_TEST_PASSWORD", "s3cret", 1);
    auto ctx = context_for();
    auto src =
      make_operator("source.mqtt",
                    params_for(broker, {{"username", "sluice"},
                                        {"password", {{"env", "SLUICE_MQTT_TEST_PASSWORD"}}}}),
                    ctx);
    src->open();
    recording_emitter out;
    wait_connected(*src, ctx, out);
    CHECK(ctx.connector->read().up == 1);
  }
  SECTION("a wrong password") {
    auto ctx = context_for();
    auto src = make_operator(
      "source.mqtt", params_for(broker, {{"username", "sluice"}, {"password", "wrong"}}), ctx);
    src->open();
    recording_emitter out;
    std::string failure;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (failure.empty() && std::chrono::steady_clock::now() < until) {
      try {
        src->poll(out, 100);
      } catch (const std::exception& e) {
        failure = e.what();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    INFO(failure);
    CHECK(failure.find("refused") != std::string::npos);
    CHECK(failure.find("wrong") == std::string::npos); // the secret is never shown
  }
}

TEST_CASE("source.mqtt and sink.mqtt opened while the broker is down connect once it is up") {
  mosquitto_broker broker;
  broker.stop(); // its port refuses connections now
  auto ctx = context_for();
  auto src = make_operator("source.mqtt", params_for(broker, {{"topic", "late/#"}}), ctx);
  src->open();
  recording_emitter out;
  for (int i = 0; i < 20; ++i) { // it keeps trying, and fails nothing
    src->poll(out, 100);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(ctx.connector->read().up == 0);
  auto schema =
    core::make_schema({{"device", core::value_type::string}, {"temp", core::value_type::float64}});
  core::operator_context sink_ctx;
  sink_ctx.node_id = "out";
  sink_ctx.inputs = {schema};
  auto sink = make_operator("sink.mqtt",
                            json{{"url", broker.url()},
                                 {"topic", "late/{device}"},
                                 {"reconnect_backoff", "100ms"},
                                 {"reconnect_backoff_max", "1s"}},
                            sink_ctx);
  sink->open();
  recording_emitter none;
  sink->on_batch_from(0, 0, make_batch(schema, R"([["a", 1.5]])"), none); // queued (QoS 1)
  broker.start();
  wait_connected(*src, ctx, out);
  sink->on_batch_from(0, 0, make_batch(schema, R"([["b", 2.5]])"), none);
  sink->on_end_of_stream(none); // waits until both are acknowledged
  CHECK(sink_ctx.connector->read().up == 1);
  poll_until(*src, out, [&] { return out.rows() >= 1; });
  // "a" was published before the source had subscribed (a new session):
  // only "b" can reach it; both reached the broker (the sink acknowledged).
  CHECK(out.json_rows()
        == std::vector<std::string>{R"({"device":"b","temp":2.5,"topic":"late/b"})"});
}
