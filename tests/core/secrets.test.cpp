#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "sluice/core/descriptor.hpp"
#include "sluice/core/errors.hpp"
#include "sluice/core/params.hpp"
#include "sluice/core/secrets.hpp"

using namespace sluice::core;
using nlohmann::json;

namespace {

std::vector<property_spec> password_spec() {
  std::vector<property_spec> s(1);
  s[0].name = "password";
  s[0].type = param_type::secret;
  return s;
}

} // namespace

TEST_CASE("A secret param holds its value, or names the variable or file to read it from") {
  ::setenv("SLUICE_TEST_SECRET", "s3cret", 1);
  CHECK(params(password_spec(), json{{"password", "plain"}}).secret("password") == "plain");
  CHECK(
    params(password_spec(), json{{"password", {{"env", "SLUICE_TEST_SECRET"}}}}).secret("password")
    == "s3cret");
  auto path =
    (std::filesystem::temp_directory_path() / ("sluice-secret-" + std::to_string(::getpid())))
      .string();
  std::ofstream(path) << "from-a-file\n";
  CHECK(params(password_spec(), json{{"password", {{"file", path}}}}).secret("password")
        == "from-a-file");
  std::remove(path.c_str());
  CHECK(params(password_spec(), json::object()).secret("password").empty());
}

TEST_CASE("A secret that cannot be read is an error naming the variable or file, not a value") {
  ::unsetenv("SLUICE_TEST_UNSET");
  params unset(password_spec(), json{{"password", {{"env", "SLUICE_TEST_UNSET"}}}});
  try {
    (void)unset.secret("password");
    FAIL("an unset variable was accepted");
  } catch (const param_error& e) {
    CHECK(e.param() == "password");
    CHECK(std::string(e.what()).find("SLUICE_TEST_UNSET is not set") != std::string::npos);
  }
  params missing(password_spec(), json{{"password", {{"file", "/nonexistent/secret"}}}});
  CHECK_THROWS_WITH(missing.secret("password"), Catch::Contains("/nonexistent/secret"));
}

TEST_CASE("A secret param refuses anything but a string or one env or file reference") {
  for (auto bad : {json(42), json{{"env", 1}}, json{{"env", "A"}, {"file", "b"}},
                   json{{"vault", "x"}}, json{{"env", ""}}})
    CHECK_THROWS_AS(params(password_spec(), json{{"password", bad}}), param_error);
}

TEST_CASE("Masking hides a secret's value but shows which variable or file it names") {
  descriptor d;
  d.properties = password_spec();
  CHECK(mask_secrets(d, json{{"password", "plain"}})["password"] == secret_mask);
  json ref = {{"env", "PGPASSWORD"}};
  CHECK(mask_secrets(d, json{{"password", ref}})["password"] == ref);
}

TEST_CASE("A URL shown in a message has its password replaced") {
  CHECK(redact_url("redis://:pw@127.0.0.1:6379/0") == "redis://:****@127.0.0.1:6379/0");
  CHECK(redact_url("postgresql://bob:p@ss@db/x?sslmode=require")
        == "postgresql://bob:****@db/x?sslmode=require");
  CHECK(redact_url("mqtt://alice@host:1883") == "mqtt://alice@host:1883");
  CHECK(redact_url("http://host/path?a=b@c") == "http://host/path?a=b@c");
  CHECK(redact_url("not a url") == "not a url");
}
