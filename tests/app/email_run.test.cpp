// Whole runs of `sluice run` into sink.email, against the SMTP server the
// operator tests use (aiosmtpd on loopback): every record mailed in order,
// a refused recipient's record on the node's errors port, and a login the
// server refuses ending the run with exit 1, naming the node.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "app/child_process.hpp"
#include "app/run_helpers.hpp"
#include "operators/email/smtp_server.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::test::child_process;
using sluice::test::lines_of;
using sluice::test::smtp_server;

/// Six records, keys k0..k2; key k1's owner is "bad", which the server refuses.
std::string pipeline(const smtp_server& server, const std::string& mail_params,
                     const fs::path& dead) {
  return R"({"schemaVersion": 1, "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 6, "keys": 3}},
    {"id": "owners", "kind": "transform.map",
     "params": {"set": {"owner": "CASE WHEN key = 'k1' THEN 'bad' ELSE 'ops' END"}}},
    {"id": "mail", "kind": "sink.email", "params": {"server": ")"
         + server.address() + R"(", "from": "alerts@example.com", "to": "{owner}@example.com",
      "subject": "seq {seq}", "body": "{key} at {ts:%H:%M:%S}", "retries": 0)"
         + mail_params + R"(}},
    {"id": "dead", "kind": "sink.file", "params": {"path": ")"
         + dead.string() + R"("}}],
  "edges": [{"from": "gen", "to": "owners"}, {"from": "owners", "to": "mail"},
            {"from": "mail.errors", "to": "dead"}]})";
}

} // namespace

TEST_CASE("a run into sink.email mails every record in order and sends the refused ones to its "
          "errors port") {
  smtp_server server({"starttls", "sluice", "s3cret"});
  const auto base = sluice::test::fresh_dir("email_run", "mails");
  std::ofstream(base / "pipeline.json") << pipeline(
    server,
    R"(, "tls": "starttls", "tls_ca": ")" + server.ca_file()
      + R"(", "user": "sluice", "password": {"env": "SLUICE_TEST_SMTP_PW"}, "max_per_minute": 0)",
    base / "dead.jsonl");
  ::setenv("SLUICE_TEST_SMTP_PW", "s3cret", 1);
  child_process run({SLUICE_BIN, "run", "--quiet", (base / "pipeline.json").string()},
                    (base / "run.log").string());
  REQUIRE(run.wait_exit(std::chrono::seconds(60)) == 0);
  const auto mails = server.messages();
  REQUIRE(mails.size() == 4);
  for (std::size_t i = 0; i < mails.size(); ++i) {
    INFO("mail " << i);
    CHECK(mails[i].rcpt_tos == std::vector<std::string>{"ops@example.com"});
  }
  CHECK(mails[0].header("Subject") == "seq 0");
  CHECK(mails[1].header("Subject") == "seq 2");
  CHECK(mails[2].header("Subject") == "seq 3");
  CHECK(mails[3].header("Subject") == "seq 5");
  CHECK(mails[0].body() == "k0 at 00:00:00\r\n");
  const auto dead = lines_of(base / "dead.jsonl");
  REQUIRE(dead.size() == 2);
  for (const auto& line : dead) {
    const auto j = nlohmann::json::parse(line);
    CHECK(j.at("node") == "mail");
    CHECK_THAT(j.at("reason").get<std::string>(), Catch::Contains("550"));
    CHECK_THAT(j.at("record").get<std::string>(), Catch::Contains("\"owner\":\"bad\""));
  }
  CHECK(run.output().find("s3cret") == std::string::npos);
}

TEST_CASE("a run into sink.email whose login the server refuses fails with exit 1, naming the "
          "node and the user") {
  smtp_server server({"starttls", "sluice", "s3cret"});
  const auto base = sluice::test::fresh_dir("email_run", "wrong_password");
  std::ofstream(base / "pipeline.json")
    << pipeline(server,
                R"(, "tls": "starttls", "tls_ca": ")" + server.ca_file()
                  + R"(", "user": "sluice", "password": "not-the-password")",
                base / "dead.jsonl");
  child_process run({SLUICE_BIN, "run", "--quiet", (base / "pipeline.json").string()},
                    (base / "run.log").string());
  REQUIRE(run.wait_exit(std::chrono::seconds(60)) == 1);
  const std::string out = run.output();
  CHECK_THAT(out, Catch::Contains("node 'mail'")
                    && Catch::Contains("refused the login of user 'sluice'"));
  CHECK(out.find("not-the-password") == std::string::npos);
  CHECK(server.messages().empty());
}
