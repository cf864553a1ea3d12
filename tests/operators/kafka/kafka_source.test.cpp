#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "../harness.hpp"
#include "mock_cluster.hpp"
#include "sluice/core/state.hpp"

using namespace sluice;
using namespace sluice::test;
using nlohmann::json;

namespace {

core::operator_context instance_of(std::size_t i, std::size_t n) {
  core::operator_context ctx;
  ctx.node_id = "in";
  ctx.instance = i;
  ctx.parallelism = n;
  return ctx;
}

json params_for(const mock_cluster& k, json extra = json::object()) {
  json p = {{"brokers", k.bootstraps()},
            {"topic", "events"},
            {"start", "earliest"},
            {"schema", {{"n", "int"}, {"s", "string"}}},
            {"discovery_interval", "100ms"}};
  for (auto& [name, value] : extra.items()) p[name] = value;
  return p;
}

std::vector<std::string> numbered(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i)
    out.push_back("{\"n\": " + std::to_string(i) + ", \"s\": \"v" + std::to_string(i) + "\"}");
  return out;
}

/// Polls every source until `done` holds or 30 s pass.
template <class Done>
void poll_until(std::vector<core::operator_base*> sources, recording_emitter& out, Done done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done() && std::chrono::steady_clock::now() < until) {
    bool any = false;
    for (auto* s : sources) any |= s->poll(out, 1000).what == core::poll_result::state::more;
    if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

/// The values of field `name` of every record, as JSON text.
std::multiset<std::string> field_values(const recording_emitter& out, const std::string& name) {
  std::multiset<std::string> values;
  for (const auto& row : out.json_rows()) values.insert(json::parse(row).at(name).dump());
  return values;
}

std::multiset<std::string> numbers(int from, int to) {
  std::multiset<std::string> out;
  for (int i = from; i < to; ++i) out.insert(std::to_string(i));
  return out;
}

} // namespace

TEST_CASE("source.kafka reads every partition of a topic with the metadata asked for") {
  mock_cluster kafka;
  kafka.create_topic("events", 4);
  kafka.produce("events", numbered(0, 100));
  auto p = params_for(kafka, {{"metadata", {"topic", "partition", "offset", "key", "headers"}}});
  auto src = make_operator("source.kafka", p, instance_of(0, 1));
  recording_emitter out;
  poll_until({src.get()}, out, [&] { return out.rows() >= 100; });
  REQUIRE(out.rows() == 100);
  CHECK(field_values(out, "n") == numbers(0, 100));
  auto first = json::parse(out.json_rows().front());
  CHECK(first["topic"] == "events");
  CHECK(first["partition"].get<int>() >= 0);
  CHECK(first["offset"].get<int>() >= 0);
  CHECK(first["key"].is_null());
  CHECK(json::parse(first["headers"].get<std::string>()) == json{{"origin", "test"}});
  CHECK(first["timestamp"].is_string()); // the message timestamp, ISO-8601
  src->close();
}

TEST_CASE("parallel source.kafka instances share the partitions, each message read once") {
  mock_cluster kafka;
  kafka.create_topic("events", 6);
  for (int part = 0; part < 6; ++part)
    kafka.produce("events", numbered(part * 20, part * 20 + 20), part);
  auto a = make_operator("source.kafka", params_for(kafka), instance_of(0, 2));
  auto b = make_operator("source.kafka", params_for(kafka), instance_of(1, 2));
  recording_emitter out_a, out_b;
  poll_until({a.get()}, out_a, [&] { return out_a.rows() + out_b.rows() >= 120; });
  poll_until({b.get()}, out_b, [&] { return out_a.rows() + out_b.rows() >= 120; });
  CHECK(out_a.rows() > 0);
  CHECK(out_b.rows() > 0);
  auto all = field_values(out_a, "n");
  for (auto& v : field_values(out_b, "n")) all.insert(v);
  CHECK(all == numbers(0, 120));
}

TEST_CASE("source.kafka restored from a snapshot reads on exactly after it") {
  mock_cluster kafka;
  kafka.create_topic("events", 3);
  kafka.produce("events", numbered(0, 60));
  std::string snapshot;
  {
    auto first = make_operator("source.kafka", params_for(kafka), instance_of(0, 1));
    recording_emitter out;
    poll_until({first.get()}, out, [&] { return out.rows() >= 60; });
    REQUIRE(out.rows() == 60);
    snapshot = core::snapshot_state(*first, "source.kafka");
    first->close();
  }
  kafka.produce("events", numbered(60, 90));
  // A fresh instance with the state reads only what came after; its group
  // has committed nothing (no checkpoint completed), so without the state it
  // would start from the beginning.
  auto second = make_operator("source.kafka", params_for(kafka), instance_of(0, 1));
  core::restore_state(*second, "source.kafka", snapshot);
  recording_emitter out;
  poll_until({second.get()}, out, [&] { return out.rows() >= 30; });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  second->poll(out, 1000);
  CHECK(field_values(out, "n") == numbers(60, 90));
}

TEST_CASE(
  "a Kafka message that does not parse goes to errors with its topic, partition and offset") {
  mock_cluster kafka;
  kafka.create_topic("events", 1);
  kafka.produce("events", {"{\"n\": 1, \"s\": \"a\"}", "not json", "{\"n\": \"two\"}",
                           "{\"n\": 3, \"s\": \"c\"}"});
  auto src = make_operator("source.kafka", params_for(kafka), instance_of(0, 1));
  recording_emitter out;
  poll_until({src.get()}, out, [&] { return out.rows() + out.errors.size() >= 4; });
  CHECK(field_values(out, "n") == std::multiset<std::string>{"1", "3"});
  REQUIRE(out.errors.size() == 2);
  CHECK_THAT(out.errors[0].reason, Catch::StartsWith("topic 'events' partition 0 offset 1: "));
  CHECK_THAT(out.errors[0].record, Catch::Contains("not json"));
  CHECK_THAT(out.errors[1].reason, Catch::Contains("offset 2: field 'n'"));
}

TEST_CASE("source.kafka reads csv and raw payloads, and a regex of topics") {
  mock_cluster kafka;
  kafka.create_topic("metrics.a", 1);
  kafka.create_topic("metrics.b", 2);
  kafka.create_topic("other", 1);
  kafka.produce("metrics.a", {"1,one"});
  kafka.produce("metrics.b", {"2,\"two, too\""});
  kafka.produce("other", {"3,three"});
  SECTION("csv") {
    auto p = params_for(kafka, {{"topic", "^metrics\\."}, {"format", "csv"}});
    p["schema"] = {"n:int", "s:string"};
    auto src = make_operator("source.kafka", p, instance_of(0, 1));
    recording_emitter out;
    poll_until({src.get()}, out, [&] { return out.rows() >= 2; });
    CHECK(field_values(out, "s") == std::multiset<std::string>{"\"one\"", "\"two, too\""});
  }
  SECTION("raw") {
    auto p = params_for(kafka, {{"topic", {"other"}}, {"format", "raw"}, {"timestamp", "none"}});
    p.erase("schema");
    auto src = make_operator("source.kafka", p, instance_of(0, 1));
    recording_emitter out;
    poll_until({src.get()}, out, [&] { return out.rows() >= 1; });
    REQUIRE(out.json_rows() == std::vector<std::string>{"{\"value\":\"3,three\"}"});
  }
}

TEST_CASE("source.kafka waits out brokers that are down and then reads everything") {
  mock_cluster kafka;
  kafka.create_topic("events", 2);
  kafka.produce("events", numbered(0, 20));
  auto ctx = instance_of(0, 1);
  auto status = ctx.connector;
  auto src = make_operator("source.kafka", params_for(kafka), ctx);
  recording_emitter out;
  poll_until({src.get()}, out, [&] { return out.rows() >= 20; });
  REQUIRE(out.rows() == 20);
  CHECK(status->read().up == 1);
  kafka.set_down(true);
  // polls on, never fails; the status says the brokers are gone
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < until || status->read().up != 0) {
    src->poll(out, 1000);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (std::chrono::steady_clock::now() > until + std::chrono::seconds(20)) break;
  }
  auto down = status->read();
  CHECK(down.up == 0);
  CHECK(down.last_error.find("kafka: ") == 0);
  kafka.set_down(false);
  kafka.produce("events", numbered(20, 40));
  poll_until({src.get()}, out, [&] { return out.rows() >= 40; });
  CHECK(field_values(out, "n") == numbers(0, 40));
  CHECK(status->read().up == 1);
  CHECK(status->read().reconnects >= 1);
}

TEST_CASE("source.kafka reads what kcat, another Kafka client in another process, wrote") {
  mock_cluster kafka;
  kafka.create_topic("events", 2);
  temp_dir dir;
  const std::string lines = (dir.path() / "lines.jsonl").string();
  {
    std::ofstream f(lines);
    for (const auto& l : numbered(0, 10)) f << l << "\n";
  }
  const std::string cmd = "kcat -P -q -b " + kafka.bootstraps() + " -t events -l " + lines;
  REQUIRE(std::system(cmd.c_str()) == 0);
  auto src = make_operator("source.kafka", params_for(kafka), instance_of(0, 1));
  recording_emitter out;
  poll_until({src.get()}, out, [&] { return out.rows() >= 10; });
  CHECK(field_values(out, "n") == numbers(0, 10));
}

TEST_CASE("source.kafka refuses params it cannot read, naming them") {
  auto err = [](json p) {
    p["brokers"] = "127.0.0.1:1";
    if (!p.contains("topic")) p["topic"] = "t";
    if (!p.contains("schema") && p.value("format", "json") != "raw") p["schema"] = {{"n", "int"}};
    return param_error_of("source.kafka", p);
  };
  CHECK(err({{"topic", "^(unclosed"}})->param() == "topic");
  CHECK(err({{"topic", {"a", "^b"}}})->param() == "topic");
  CHECK(err({{"topic", 5}})->param() == "topic");
  CHECK(err({{"metadata", {"partition", "colour"}}})->param() == "metadata");
  CHECK(err({{"schema", {{"topic", "string"}}}, {"metadata", {"topic"}}})->param() == "metadata");
  CHECK(err({{"schema", {{"timestamp", "timestamp"}}}})->param() == "timestamp");
  CHECK(err({{"format", "raw"}, {"schema", {{"n", "int"}}}})->param() == "schema");
  CHECK(err({{"properties", {{"no.such.property", "1"}}}})->param() == "properties");
  CHECK(err({{"properties", {{"enable.auto.commit", "true"}}}})->param() == "properties");
  CHECK_FALSE(err({{"metadata", {"offset"}}}).has_value());
}

TEST_CASE("source.kafka takes the event time from a payload field of epoch milliseconds") {
  mock_cluster kafka;
  kafka.create_topic("events", 1);
  kafka.produce("events", {R"({"n": 1, "at": 1767225600123})", R"({"n": 2, "at": null})"});
  auto params = params_for(kafka, {{"schema", {"n:int", "at:int"}}, {"timestamp", "at"}});
  CHECK(test::output_schemas_of("source.kafka", params).at(0)->to_string()
        == "n:int, at:timestamp");
  auto src = make_operator("source.kafka", params, instance_of(0, 1));
  recording_emitter out;
  poll_until({src.get()}, out, [&] { return out.rows() >= 2; });
  REQUIRE(out.rows() == 2);
  CHECK(out.json_rows()[0] == R"({"n":1,"at":"2026-01-01T00:00:00.123Z"})");
  CHECK(out.json_rows()[1] == R"({"n":2,"at":null})");
}

TEST_CASE("source.kafka refuses a timestamp field it does not have, or of another type") {
  mock_cluster kafka;
  auto missing = test::param_error_of("source.kafka", params_for(kafka, {{"timestamp", "when"}}));
  REQUIRE(missing);
  CHECK(missing->param() == "timestamp");
  CHECK_THAT(missing->what(), Catch::Contains("'when' is not a field"));
  auto text = test::param_error_of("source.kafka", params_for(kafka, {{"timestamp", "s"}}));
  REQUIRE(text);
  CHECK_THAT(text->what(), Catch::Contains("must be a timestamp"));
}

TEST_CASE("a bounded source.kafka reads what the partitions held when it found them, then ends") {
  mock_cluster kafka;
  kafka.create_topic("events", 3);
  kafka.produce("events", numbered(0, 30));
  std::vector<core::operator_ptr> sources;
  for (std::size_t i = 0; i < 4; ++i) // one instance more than there are partitions
    sources.push_back(
      make_operator("source.kafka", params_for(kafka, {{"bounded", true}}), instance_of(i, 4)));
  recording_emitter out;
  std::vector<bool> finished(4, false);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool produced_more = false;
  while (std::count(finished.begin(), finished.end(), true) < 4
         && std::chrono::steady_clock::now() < until) {
    for (std::size_t i = 0; i < 4; ++i)
      if (!finished[i])
        finished[i] = sources[i]->poll(out, 1000).what == core::poll_result::state::finished;
    if (!produced_more && out.rows() >= 10) { // written after the start: not read
      kafka.produce("events", numbered(100, 110));
      produced_more = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(std::count(finished.begin(), finished.end(), true) == 4);
  CHECK(field_values(out, "n") == numbers(0, 30));
}
