// Whole runs of `sluice run` through MQTT against a real mosquitto the test
// starts on loopback: the broker away for ten seconds mid-run, the run
// itself stopped and started again (its persistent session keeps what was
// published meanwhile), killed repeatedly with checkpoints on (the spool
// keeps what was acknowledged and not yet emitted), and the example pipeline
// pipelines/connectors/mqtt_sensor_alerts.json against its golden output.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/child_process.hpp"
#include "app/run_helpers.hpp"
#include "operators/mqtt/broker.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sluice::test::child_process;
using sluice::test::lines_of;
using sluice::test::mosquitto_broker;
using sluice::test::mqtt_test_client;
using sluice::test::rss_kb;
using sluice::test::wait_for;

fs::path fresh_dir(const std::string& name) { return sluice::test::fresh_dir("mqtt_run", name); }

std::vector<std::string> numbered(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back("{\"n\": " + std::to_string(i) + "}");
  return out;
}

/// source.mqtt on in/# -> throttle -> sink.mqtt to out/data, QoS 1.
std::string pipeline(const mosquitto_broker& broker, int rate) {
  std::ostringstream p;
  p << R"({"schemaVersion": 1, "nodes": [
    {"id": "in", "kind": "source.mqtt", "params": {"url": ")"
    << broker.url() << R"(", "topic": "in/#", "client_id": "sluice-run-in", "schema": {"n": "int"},
      "max_queued": 1000, "reconnect_backoff": "100ms", "reconnect_backoff_max": "1s"}},
    {"id": "pace", "kind": "transform.throttle", "params": {"rate": )"
    << rate << R"(}},
    {"id": "out", "kind": "sink.mqtt", "params": {"url": ")"
    << broker.url() << R"(", "topic": "out/data", "client_id": "sluice-run-out",
      "reconnect_backoff": "100ms", "reconnect_backoff_max": "1s"}}],
  "edges": [{"from": "in", "to": "pace"}, {"from": "pace", "to": "out"}]})";
  return p.str();
}

/// source.mqtt on in/# -> throttle -> sink.file (exactly-once with checkpoints).
std::string pipeline_to_file(const mosquitto_broker& broker, const fs::path& out, int rate) {
  std::ostringstream p;
  p << R"({"schemaVersion": 1, "nodes": [
    {"id": "in", "kind": "source.mqtt", "params": {"url": ")"
    << broker.url() << R"(", "topic": "in/#", "client_id": "sluice-kill-in", "schema": {"n": "int"},
      "max_queued": 2000, "reconnect_backoff": "100ms", "reconnect_backoff_max": "1s"}},
    {"id": "pace", "kind": "transform.throttle", "params": {"rate": )"
    << rate << R"(}},
    {"id": "out", "kind": "sink.file", "params": {"path": ")"
    << out.string() << R"("}}],
  "edges": [{"from": "in", "to": "pace"}, {"from": "pace", "to": "out"}]})";
  return p.str();
}

/// The distinct `n` of what arrived, and how many arrived in all.
std::set<int> numbers_of(const std::vector<mqtt_test_client::received>& got) {
  std::set<int> out;
  for (const auto& m : got) out.insert(json::parse(m.payload).at("n").get<int>());
  return out;
}

std::set<int> range(int from, int to) {
  std::set<int> out;
  for (int i = from; i < to; ++i) out.insert(i);
  return out;
}

/// Publishes a probe (n = -1) until it comes out of the run: the run's
/// source has subscribed.
bool wait_until_flowing(mqtt_test_client& pub, mqtt_test_client& sub, const std::string& topic) {
  for (int i = 0; i < 100; ++i) {
    pub.publish(topic, {"{\"n\": -1}"});
    for (const auto& m : sub.wait_for(1, std::chrono::milliseconds(200)))
      if (m.payload.find("-1") != std::string::npos) return true;
  }
  return false;
}

std::vector<mqtt_test_client::received> without_probes(std::vector<mqtt_test_client::received> v) {
  v.erase(std::remove_if(v.begin(), v.end(),
                         [](const auto& m) { return m.payload.find("-1") != std::string::npos; }),
          v.end());
  return v;
}

} // namespace

TEST_CASE("a run from MQTT to MQTT rides out ten seconds without its broker, losing nothing, in "
          "bounded memory") {
  mosquitto_broker broker;
  auto base = fresh_dir("outage");
  auto file = base / "pipeline.json";
  std::ofstream(file) << pipeline(broker, 1000);
  // the reader's session is persistent too: it misses nothing while the
  // broker is away
  auto sub = std::make_unique<mqtt_test_client>(broker.port(), "outage-reader", false);
  sub->subscribe("out/#");
  mqtt_test_client pub(broker.port());
  child_process run({SLUICE_BIN, "run", "--quiet", file.string()}, (base / "run.log").string());
  REQUIRE(wait_until_flowing(pub, *sub, "in/probe"));
  const int n = 8000;
  pub.publish("in/data", numbered(0, n)); // the throttle lets 1000/s through
  std::this_thread::sleep_for(std::chrono::seconds(2));
  REQUIRE(run.running());
  const long rss_before = rss_kb(run.pid());
  broker.stop();
  long rss_peak = rss_before;
  for (int i = 0; i < 100; ++i) { // ten seconds
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    rss_peak = std::max(rss_peak, rss_kb(run.pid()));
  }
  broker.start();
  INFO(run.output());
  REQUIRE(run.running()); // the outage did not end the run
  std::vector<mqtt_test_client::received> got;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < until) {
    got = without_probes(sub->wait_for(n + 100, std::chrono::seconds(1)));
    if (numbers_of(got).size() >= static_cast<std::size_t>(n)) break;
  }
  run.signal(SIGINT);
  CHECK(run.wait_exit(std::chrono::seconds(30)) == 0);
  CHECK(numbers_of(got) == range(0, n)); // every record; QoS 1 may repeat a few
  INFO("arrived " << got.size() << " messages for " << n << " records");
  CHECK(got.size() < static_cast<std::size_t>(n) + 1000);
  INFO("rss before the outage " << rss_before << " kB, peak during it " << rss_peak << " kB");
  CHECK(rss_peak < rss_before + 100 * 1024); // bounded by the queues and credit, not by time
}

TEST_CASE("messages published while a run from MQTT is stopped arrive when it starts again") {
  mosquitto_broker broker;
  auto base = fresh_dir("restart");
  auto file = base / "pipeline.json";
  std::ofstream(file) << pipeline(broker, 100000);
  mqtt_test_client sub(broker.port(), "restart-reader", false);
  sub.subscribe("out/#");
  mqtt_test_client pub(broker.port());
  {
    child_process run({SLUICE_BIN, "run", "--quiet", file.string()}, (base / "first.log").string());
    REQUIRE(wait_until_flowing(pub, sub, "in/probe"));
    pub.publish("in/data", numbered(0, 100));
    std::vector<mqtt_test_client::received> got;
    for (int i = 0; i < 100 && numbers_of(got).size() < 100; ++i)
      got = without_probes(sub.wait_for(1000, std::chrono::milliseconds(100)));
    CHECK(numbers_of(got) == range(0, 100));
    run.signal(SIGINT);
    INFO(run.output());
    REQUIRE(run.wait_exit(std::chrono::seconds(30)) == 0);
  }
  pub.publish("in/data", numbered(100, 300)); // nobody reads in/# now
  child_process run({SLUICE_BIN, "run", "--quiet", file.string()}, (base / "second.log").string());
  std::vector<mqtt_test_client::received> got;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (numbers_of(got).size() < 300 && std::chrono::steady_clock::now() < until)
    got = without_probes(sub.wait_for(100000, std::chrono::milliseconds(200)));
  run.signal(SIGINT);
  INFO(run.output());
  CHECK(run.wait_exit(std::chrono::seconds(30)) == 0);
  CHECK(numbers_of(got) == range(0, 300));
}

TEST_CASE("golden: pipelines/connectors/mqtt_sensor_alerts.json sends the expected alerts") {
  mosquitto_broker broker;
  auto base = fresh_dir("sensor_alerts");
  const fs::path source = fs::path(SLUICE_SOURCE_DIR) / "pipelines" / "connectors";
  const fs::path golden =
    fs::path(SLUICE_SOURCE_DIR) / "tests" / "pipelines" / "connectors" / "mqtt_sensor_alerts";
  json doc = json::parse(std::ifstream(source / "mqtt_sensor_alerts.json"));
  for (auto& node : doc["nodes"])
    if (node["params"].contains("url")) node["params"]["url"] = broker.url();
  auto file = base / "pipeline.json";
  std::ofstream(file) << doc.dump(2);

  mqtt_test_client sub(broker.port());
  sub.subscribe("alerts/#");
  mqtt_test_client pub(broker.port());
  child_process run({SLUICE_BIN, "run", "--quiet", file.string()}, (base / "run.log").string());
  // a probe that raises an alert of its own says the run reads
  bool flowing = false;
  for (int i = 0; i < 100 && !flowing; ++i) {
    pub.publish("sensors/probe/temperature", {R"({"device": "probe", "temp": 100.0})"});
    for (const auto& m : sub.wait_for(1, std::chrono::milliseconds(200)))
      flowing |= m.topic == "alerts/probe";
  }
  REQUIRE(flowing);
  std::vector<std::string> expected;
  {
    std::ifstream in(golden / "expected.txt");
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) expected.push_back(line);
  }
  std::ifstream in(golden / "input.txt");
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto space = line.find(' ');
    pub.publish(line.substr(0, space), {line.substr(space + 1)});
  }
  std::vector<std::string> got;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    got.clear();
    for (const auto& m : sub.wait_for(1000, std::chrono::milliseconds(200)))
      if (m.topic != "alerts/probe") got.push_back(m.topic + " " + m.payload);
    if (got.size() >= expected.size()) break;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500)); // nothing more comes
  got.clear();
  for (const auto& m : sub.messages())
    if (m.topic != "alerts/probe") got.push_back(m.topic + " " + m.payload);
  run.signal(SIGINT);
  INFO(run.output());
  CHECK(run.wait_exit(std::chrono::seconds(30)) == 0);
  std::sort(got.begin(), got.end());
  std::sort(expected.begin(), expected.end());
  CHECK(got == expected);
}

TEST_CASE("a run from MQTT with checkpoints, killed three times while its queue is full, loses "
          "no acknowledged message") {
  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  mosquitto_broker broker;
  auto base = fresh_dir("kills");
  auto file = base / "pipeline.json";
  const auto out = base / "out.jsonl";
  std::ofstream(file) << pipeline_to_file(broker, out, 3000);
  const std::vector<std::string> argv{
    SLUICE_BIN, "run",        "--checkpoint-dir", (base / "chk").string(), "--checkpoint-interval",
    "200ms",    file.string()};
  mqtt_test_client pub(broker.port());
  {
    // The first run makes the persistent session and takes the probe.
    child_process first(argv, (base / "attempt-0.log").string());
    REQUIRE(wait_for(
      [&] {
        pub.publish("in/probe", {"{\"n\": -1}"});
        return !lines_of(out).empty();
      },
      std::chrono::seconds(20)));
    // Every message is published now: the broker hands them over as fast
    // as the run acknowledges them, so its queue (2000) is full at each kill.
    const int n = 12000;
    pub.publish("in/data", numbered(0, n));
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    INFO(first.output());
    REQUIRE(first.running());
    first.signal(SIGKILL);
    REQUIRE(first.wait_exit(std::chrono::seconds(10)) == 128 + SIGKILL);
  }
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> wait_ms(500, 1000);
  for (int kill = 1; kill < 3; ++kill) {
    child_process p(argv, (base / ("attempt-" + std::to_string(kill) + ".log")).string());
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms(rng)));
    INFO("attempt " << kill << ":\n" << p.output());
    REQUIRE(p.running());
    p.signal(SIGKILL);
    REQUIRE(p.wait_exit(std::chrono::seconds(10)) == 128 + SIGKILL);
  }
  child_process last(argv, (base / "last.log").string());
  auto numbers = [&] {
    std::set<int> seen;
    for (const auto& line : lines_of(out)) seen.insert(json::parse(line).at("n").get<int>());
    seen.erase(-1);
    return seen;
  };
  const bool all = wait_for([&] { return numbers().size() >= 12000; }, std::chrono::seconds(60));
  last.signal(SIGTERM);
  INFO(last.output());
  REQUIRE(last.wait_exit(std::chrono::seconds(30)) == 0);
  CHECK(all);
  CHECK(numbers() == range(0, 12000));
  // QoS 1: a message spooled whose PUBACK the kill cut off comes again from
  // the broker, so a few may repeat; never thousands.
  std::size_t lines = 0;
  for (const auto& line : lines_of(out)) lines += json::parse(line).at("n").get<int>() >= 0;
  CHECK(lines < 12000 + 200);
}
