#include <catch2/catch.hpp>

#include <cstdlib>

#include "operators/harness.hpp"
#include "sluice/core/errors.hpp"
#include "sluice/ops/kafka/kafka_client.hpp"

using namespace sluice;

namespace {

std::string property_of(rd_kafka_conf_t* conf, const char* name) {
  char value[512];
  std::size_t size = sizeof value;
  REQUIRE(rd_kafka_conf_get(conf, name, value, &size) == RD_KAFKA_CONF_OK);
  return value;
}

core::params kafka_params(const nlohmann::json& properties) {
  std::vector<core::property_spec> specs = {ops::kafka::brokers_property(),
                                            ops::kafka::properties_property()};
  return core::params(specs, {{"brokers", "127.0.0.1:9092"}, {"properties", properties}});
}

} // namespace

TEST_CASE("a Kafka property may come from an environment variable, read only when the client "
          "is made") {
  ::setenv("SLUICE_TEST_SASL_PASSWORD", "from-env", 1);
  auto settings = ops::kafka::read_client_settings(kafka_params(
    {{"sasl.password", {{"env", "SLUICE_TEST_SASL_PASSWORD"}}}, {"client.id", "probe"}}));
  auto conf = ops::kafka::make_conf(settings, {});
  CHECK(property_of(conf.get(), "sasl.password") == "from-env");
  CHECK(property_of(conf.get(), "client.id") == "probe");
  // bind reads nothing: an unset variable is not an error there
  ::unsetenv("SLUICE_TEST_SASL_PASSWORD");
  CHECK_NOTHROW(ops::kafka::make_conf(settings, {}, false));
  try {
    ops::kafka::make_conf(settings, {});
    FAIL("an unset variable was accepted");
  } catch (const core::param_error& e) {
    CHECK(e.param() == "properties");
    CHECK_THAT(e.what(), Catch::Contains("SLUICE_TEST_SASL_PASSWORD is not set"));
  }
}
