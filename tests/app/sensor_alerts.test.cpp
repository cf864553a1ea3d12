// The example pipelines/sensor_alerts.json against its golden output: the
// server-room readings raise one alert per incident, which arrives as mail
// at a real SMTP server on loopback (the one the sink.email tests start) and
// in the alert log; pipelines/connectors/alerts_to_webhook.json posts the
// same alerts as push notifications to an HTTP peer in the test.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/child_process.hpp"
#include "app/run_helpers.hpp"
#include "operators/email/smtp_server.hpp"
#include "operators/http/test_server.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sluice::test::child_process;
using sluice::test::lines_of;

const fs::path repo = SLUICE_SOURCE_DIR;

/// The example with its relative paths made absolute: the input in the
/// repository, the outputs in `base`.
json example_in(const std::string& file, const fs::path& base) {
  json doc = json::parse(std::ifstream(repo / "pipelines" / file));
  for (auto& node : doc["nodes"]) {
    auto& params = node["params"];
    if (!params.contains("path")) continue;
    const std::string path = params["path"];
    params["path"] = (path.rfind("out/", 0) == 0 ? base / path : repo / path).string();
  }
  return doc;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

} // namespace

TEST_CASE("golden: pipelines/sensor_alerts.json mails one message per alert transition") {
  sluice::test::smtp_server smtp;
  const auto base = sluice::test::fresh_dir("sensor_alerts", "golden");
  json doc = example_in("sensor_alerts.json", base);
  for (auto& node : doc["nodes"])
    if (node["kind"] == "sink.email") node["params"]["server"] = smtp.address();
  std::ofstream(base / "pipeline.json") << doc.dump(2);
  child_process run({SLUICE_BIN, "run", "--quiet", (base / "pipeline.json").string()},
                    (base / "run.log").string());
  INFO(run.output());
  REQUIRE(run.wait_exit(std::chrono::seconds(60)) == 0);

  const fs::path golden = repo / "tests" / "pipelines" / "examples" / "sensor_alerts";
  const auto alerts = lines_of(base / "out" / "sensor_alerts.jsonl");
  CHECK(sorted(alerts) == sorted(lines_of(golden / "out" / "sensor_alerts.jsonl")));
  // r2's incident: fires once, repeats on schedule, resolves; r4's spike is
  // too short to fire.
  std::vector<std::string> statuses;
  for (const auto& line : alerts) {
    const json a = json::parse(line);
    CHECK(a["room"] == "r2");
    statuses.push_back(a["status"]);
  }
  CHECK(statuses == std::vector<std::string>{"firing", "firing", "firing", "resolved"});

  const auto mails = smtp.wait_for(alerts.size());
  REQUIRE(mails.size() == alerts.size());
  std::vector<std::string> subjects;
  for (const auto& m : mails) {
    subjects.push_back(m.header("Subject"));
    CHECK(m.rcpt_tos == std::vector<std::string>{"oncall@localhost"});
    CHECK(m.body().find("severity: page") != std::string::npos);
  }
  CHECK(sorted(subjects) == sorted(lines_of(golden / "subjects.txt")));
}

TEST_CASE("golden: pipelines/connectors/alerts_to_webhook.json posts each alert as a push "
          "notification in the shape ntfy and Slack-style webhooks accept") {
  std::mutex mutex;
  std::vector<std::string> bodies;
  sluice::test::test_server peer([&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    bodies.push_back(req.body);
    res.status = 200;
  });
  const auto base = sluice::test::fresh_dir("sensor_alerts", "webhook");
  json doc =
    json::parse(std::ifstream(repo / "pipelines" / "connectors" / "alerts_to_webhook.json"));
  for (auto& node : doc["nodes"]) {
    auto& params = node["params"];
    if (node["kind"] == "sink.http")
      params["url"] = "http://127.0.0.1:" + std::to_string(peer.port()) + "/alerts";
    if (params.contains("path"))
      params["path"] = (repo / params["path"].get<std::string>()).string();
  }
  std::ofstream(base / "pipeline.json") << doc.dump(2);
  child_process run({SLUICE_BIN, "run", "--quiet", (base / "pipeline.json").string()},
                    (base / "run.log").string());
  INFO(run.output());
  REQUIRE(run.wait_exit(std::chrono::seconds(60)) == 0);
  std::lock_guard lock(mutex);
  REQUIRE(bodies.size() == 4);
  for (const auto& body : bodies) {
    const json j = json::parse(body);    // one JSON object per request
    CHECK(j["topic"] == "server-rooms"); // ntfy: the topic to publish on
    CHECK(j["title"].get<std::string>().find("server-room temperature") != std::string::npos);
    CHECK(j["message"].get<std::string>().find("temperature in r2") != std::string::npos);
    CHECK(j["text"].get<std::string>().find("temperature in r2") != std::string::npos); // Slack
  }
  CHECK(json::parse(bodies.front())["title"].get<std::string>().rfind("firing", 0) == 0);
  CHECK(json::parse(bodies.back())["title"].get<std::string>().rfind("resolved", 0) == 0);
  CHECK(json::parse(bodies.front())["tags"] == json::array({"thermometer"}));
}
